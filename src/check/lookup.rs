//! Reading one cell of a disclosure by reference (`summary.income_total.amount`), converted
//! to a wanted unit, as an interval. Used by the cross-table and narrative rules.

use crate::check::expr::{CellRef, Iv};
use crate::model::amount::AmountUnit;
use crate::model::diagnostic::Loc;
use crate::model::{ColType, Disclosure, Status, Value};
use std::collections::BTreeSet;

#[derive(Debug)]
pub enum Lookup {
    Value(Iv, Option<Loc>),
    /// The reference is wrong: no such table, row or column.
    NoTable,
    NoRow,
    NoColumn,
    /// The cell exists but cannot be read (`?`, or the table is missing).
    Unknown,
}

/// Reads `r` in `unit`. Cells listed in `suspect` read as unknown.
pub fn cell(d: &Disclosure, r: &CellRef, unit: AmountUnit, suspect: &BTreeSet<Loc>) -> Lookup {
    let Some(table) = d.table(&r.table) else {
        return Lookup::NoTable;
    };
    match table.status {
        Status::Missing => return Lookup::Unknown,
        Status::Empty if table.rows.is_empty() => {
            return Lookup::Value(Iv::exact(rust_decimal::Decimal::ZERO), None);
        }
        _ => {}
    }
    let Some(column) = table.column(&r.column) else {
        return Lookup::NoColumn;
    };
    let Some(row) = table.row(&r.row) else {
        return if r.optional {
            Lookup::Value(Iv::exact(rust_decimal::Decimal::ZERO), None)
        } else {
            Lookup::NoRow
        };
    };
    let cell = row.cells.get(&r.column);
    if cell.is_some_and(|c| suspect.contains(&c.loc)) {
        return Lookup::Unknown;
    }
    let value = match cell.map(|c| &c.value) {
        None | Some(Value::Blank) => Iv::exact(rust_decimal::Decimal::ZERO),
        Some(Value::Amount(v)) => Iv::printed(*v),
        Some(Value::Unknown) | Some(Value::Text(_)) => return Lookup::Unknown,
    };
    let loc = cell.map(|c| c.loc).or(Some(row.loc));
    if column.ty != ColType::Amount || table.unit == unit {
        return Lookup::Value(value, loc);
    }
    let factor = table.unit.yuan_factor() / unit.yuan_factor();
    match value.scaled(factor) {
        Some(v) => Lookup::Value(v, loc),
        None => Lookup::Unknown,
    }
}
