//! Figure expressions (`summary.income_total.amount - 24.54`, `pct(a, b)`) and their
//! evaluation with rounding intervals.
//!
//! Every printed figure stands for an interval: 629.76 means anything in
//! [629.755, 629.765]. Evaluating with intervals tells exactly whether a difference can be
//! explained by rounding (the intervals meet) or not.

use rust_decimal::Decimal;

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Num(Decimal),
    Ref(CellRef),
    Neg(Box<Expr>),
    Bin(Box<Expr>, Op, Box<Expr>),
    Pct(Box<Expr>, Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// `TABLE.ROW.COLUMN`; `optional` (a trailing `?`) reads an absent row as zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellRef {
    pub table: String,
    pub row: String,
    pub column: String,
    pub optional: bool,
}

impl std::fmt::Display for CellRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.table, self.row, self.column)?;
        if self.optional {
            f.write_str("?")?;
        }
        Ok(())
    }
}

/// Parses an expression; the error says what is wrong, in Chinese.
/// Why a figure's expression cannot be read (shown as a `narrative.syntax` diagnostic).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SyntaxError(pub String);

pub fn parse(src: &str) -> Result<Expr, SyntaxError> {
    let tokens = tokenize(src)?;
    let mut p = Parser { tokens, pos: 0 };
    let e = p.expr()?;
    if p.pos != p.tokens.len() {
        return Err(SyntaxError(format!(
            "表达式在 `{}` 处无法继续解析",
            p.tokens[p.pos].text()
        )));
    }
    Ok(e)
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(Decimal),
    Ref(CellRef),
    Ident(String),
    Sym(char),
}

impl Tok {
    fn text(&self) -> String {
        match self {
            Tok::Num(d) => d.to_string(),
            Tok::Ref(r) => r.to_string(),
            Tok::Ident(s) => s.clone(),
            Tok::Sym(c) => c.to_string(),
        }
    }
}

fn tokenize(src: &str) -> Result<Vec<Tok>, SyntaxError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if "+-*/(),".contains(c) {
            out.push(Tok::Sym(c));
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            let mut word: String = chars[start..i].iter().collect();
            let optional = i < chars.len() && chars[i] == '?';
            if optional {
                i += 1;
            }
            let is_number = word.chars().all(|c| c.is_ascii_digit() || c == '.');
            if is_number && !optional {
                let d = crate::model::amount::parse(&word)
                    .or_else(|_| word.parse::<Decimal>().map_err(|_| ()))
                    .map_err(|_| SyntaxError(format!("`{word}` 不是有效的数字")))?;
                out.push(Tok::Num(d));
            } else if word.contains('.') {
                let parts: Vec<&str> = word.split('.').collect();
                if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
                    return Err(SyntaxError(format!(
                        "`{word}` 应写作 表.行.列（如 T07.2101501.total）"
                    )));
                }
                out.push(Tok::Ref(CellRef {
                    table: parts[0].to_string(),
                    row: parts[1].to_string(),
                    column: parts[2].to_string(),
                    optional,
                }));
            } else {
                if optional {
                    word.push('?');
                }
                out.push(Tok::Ident(word));
            }
        } else {
            return Err(SyntaxError(format!("表达式中不能出现字符 `{c}`")));
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Sym(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expr(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.term()?;
        loop {
            let op = if self.eat('+') {
                Op::Add
            } else if self.eat('-') {
                Op::Sub
            } else {
                return Ok(left);
            };
            let right = self.term()?;
            left = Expr::Bin(Box::new(left), op, Box::new(right));
        }
    }
    fn term(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.factor(0)?;
        loop {
            let op = if self.eat('*') {
                Op::Mul
            } else if self.eat('/') {
                Op::Div
            } else {
                return Ok(left);
            };
            let right = self.factor(0)?;
            left = Expr::Bin(Box::new(left), op, Box::new(right));
        }
    }
    fn factor(&mut self, depth: usize) -> Result<Expr, SyntaxError> {
        if depth > 64 || self.pos > 10_000 {
            return Err(SyntaxError("表达式嵌套过深".to_string()));
        }
        if self.eat('-') {
            return Ok(Expr::Neg(Box::new(self.factor(depth + 1)?)));
        }
        if self.eat('(') {
            let e = self.expr()?;
            if !self.eat(')') {
                return Err(SyntaxError("缺少右括号 `)`".to_string()));
            }
            return Ok(e);
        }
        match self.tokens.get(self.pos).cloned() {
            Some(Tok::Num(d)) => {
                self.pos += 1;
                Ok(Expr::Num(d))
            }
            Some(Tok::Ref(r)) => {
                self.pos += 1;
                Ok(Expr::Ref(r))
            }
            Some(Tok::Ident(name)) if name == "pct" => {
                self.pos += 1;
                if !self.eat('(') {
                    return Err(SyntaxError("pct 后应跟 `(`".to_string()));
                }
                let a = self.expr()?;
                if !self.eat(',') {
                    return Err(SyntaxError("pct(a, b) 需要两个参数".to_string()));
                }
                let b = self.expr()?;
                if !self.eat(')') {
                    return Err(SyntaxError("缺少右括号 `)`".to_string()));
                }
                Ok(Expr::Pct(Box::new(a), Box::new(b)))
            }
            Some(t) => Err(SyntaxError(format!(
                "表达式中不认识 `{}`（可用：数字、表.行.列、pct(a, b)）",
                t.text()
            ))),
            None => Err(SyntaxError("表达式不完整".to_string())),
        }
    }
}

/// A value with the interval its printed figures allow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Iv {
    /// The value computed from the figures as printed.
    pub mid: Decimal,
    pub lo: Decimal,
    pub hi: Decimal,
}

impl Iv {
    pub fn exact(d: Decimal) -> Iv {
        Iv {
            mid: d,
            lo: d,
            hi: d,
        }
    }
    /// A printed figure: ± half a unit of its last digit.
    pub fn printed(d: Decimal) -> Iv {
        let h = crate::model::amount::half_unit(d);
        Iv {
            mid: d,
            lo: d - h,
            hi: d + h,
        }
    }
    pub fn scaled(self, factor: Decimal) -> Option<Iv> {
        Some(Iv {
            mid: self.mid.checked_mul(factor)?,
            lo: self.lo.checked_mul(factor)?,
            hi: self.hi.checked_mul(factor)?,
        })
    }
    pub fn contains(&self, d: Decimal) -> bool {
        self.lo <= d && d <= self.hi
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum EvalError {
    /// The reference does not resolve (no such table, row or column): an author's mistake.
    BadRef(String),
    /// A referenced cell is unknown (`?`) or its table missing: cannot check.
    Unknown(String),
    /// Division by a value that may be zero, or an overflow.
    Undefined(String),
}

/// Evaluates `e`, reading cells through `cell`.
pub fn eval(e: &Expr, cell: &dyn Fn(&CellRef) -> Result<Iv, EvalError>) -> Result<Iv, EvalError> {
    let overflow = || EvalError::Undefined("数值溢出".into());
    match e {
        Expr::Num(d) => Ok(Iv::printed(*d)),
        Expr::Ref(r) => cell(r),
        Expr::Neg(a) => {
            let a = eval(a, cell)?;
            Ok(Iv {
                mid: -a.mid,
                lo: -a.hi,
                hi: -a.lo,
            })
        }
        Expr::Bin(a, op, b) => {
            let a = eval(a, cell)?;
            let b = eval(b, cell)?;
            match op {
                Op::Add => Ok(Iv {
                    mid: a.mid.checked_add(b.mid).ok_or_else(overflow)?,
                    lo: a.lo.checked_add(b.lo).ok_or_else(overflow)?,
                    hi: a.hi.checked_add(b.hi).ok_or_else(overflow)?,
                }),
                Op::Sub => Ok(Iv {
                    mid: a.mid.checked_sub(b.mid).ok_or_else(overflow)?,
                    lo: a.lo.checked_sub(b.hi).ok_or_else(overflow)?,
                    hi: a.hi.checked_sub(b.lo).ok_or_else(overflow)?,
                }),
                Op::Mul => mul(a, b).ok_or_else(overflow),
                Op::Div => div(a, b),
            }
        }
        Expr::Pct(a, b) => {
            let q = div(eval(a, cell)?, eval(b, cell)?)?;
            q.scaled(Decimal::ONE_HUNDRED).ok_or_else(overflow)
        }
    }
}

fn mul(a: Iv, b: Iv) -> Option<Iv> {
    let c = [
        a.lo.checked_mul(b.lo)?,
        a.lo.checked_mul(b.hi)?,
        a.hi.checked_mul(b.lo)?,
        a.hi.checked_mul(b.hi)?,
    ];
    Some(Iv {
        mid: a.mid.checked_mul(b.mid)?,
        lo: c.iter().copied().min()?,
        hi: c.iter().copied().max()?,
    })
}

fn div(a: Iv, b: Iv) -> Result<Iv, EvalError> {
    if b.mid.is_zero() || (b.lo <= Decimal::ZERO && b.hi >= Decimal::ZERO) {
        return Err(EvalError::Undefined(
            "除数为零（或可能为零），无法计算".into(),
        ));
    }
    let overflow = || EvalError::Undefined("数值溢出".into());
    let q = |x: Decimal, y: Decimal| x.checked_div(y).ok_or_else(overflow);
    let c = [
        q(a.lo, b.lo)?,
        q(a.lo, b.hi)?,
        q(a.hi, b.lo)?,
        q(a.hi, b.hi)?,
    ];
    Ok(Iv {
        mid: q(a.mid, b.mid)?,
        lo: c.iter().copied().min().unwrap_or(Decimal::ZERO),
        hi: c.iter().copied().max().unwrap_or(Decimal::ZERO),
    })
}

/// Every cell reference in `e`.
pub fn refs(e: &Expr) -> Vec<&CellRef> {
    let mut out = Vec::new();
    fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a CellRef>) {
        match e {
            Expr::Num(_) => {}
            Expr::Ref(r) => out.push(r),
            Expr::Neg(a) => walk(a, out),
            Expr::Bin(a, _, b) | Expr::Pct(a, b) => {
                walk(a, out);
                walk(b, out);
            }
        }
    }
    walk(e, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn parses_refs_numbers_and_pct() {
        let e = parse("pct(24.54, summary.income_total.amount - 24.54)").unwrap();
        let r = refs(&e);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].to_string(), "summary.income_total.amount");
        assert!(parse("T07.2101501").is_err());
        assert!(parse("1 +").is_err());
        assert!(parse("foo(1)").is_err());
        assert!(
            parse("a.b.c?").unwrap()
                == Expr::Ref(CellRef {
                    table: "a".into(),
                    row: "b".into(),
                    column: "c".into(),
                    optional: true
                })
        );
    }

    #[test]
    fn intervals_explain_rounding() {
        let e = parse("pct(24.54, 629.76 - 24.54)").unwrap();
        let v = eval(&e, &|_| unreachable!()).unwrap();
        assert_eq!(crate::model::amount::round(v.mid, 2), d("4.05"));
        // 4.05 is the printed rounding of a value within the interval.
        assert!(v.lo < d("4.055") && v.hi > d("4.045"));
        assert!(v.lo > d("4.05") && v.hi < d("4.06"));
        let s = eval(&parse("1.01 + 2.02").unwrap(), &|_| unreachable!()).unwrap();
        assert_eq!(s.mid, d("3.03"));
        assert_eq!(s.lo, d("3.020"));
        assert_eq!(s.hi, d("3.040"));
    }

    #[test]
    fn division_by_zero_is_undefined() {
        let e = parse("pct(1, 0)").unwrap();
        assert!(matches!(
            eval(&e, &|_| unreachable!()),
            Err(EvalError::Undefined(_))
        ));
    }
}
