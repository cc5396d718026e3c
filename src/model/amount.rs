//! Amounts: parsing printed figures into exact decimals, units (元 / 万元), formatting.
//!
//! Nothing here goes through floating point.

use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// The most decimals a printed amount may carry.
pub const MAX_DECIMALS: u32 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum AmountUnit {
    Yuan,
    Wanyuan,
}

impl AmountUnit {
    pub fn parse(s: &str) -> Option<AmountUnit> {
        match s.trim() {
            "元" => Some(AmountUnit::Yuan),
            "万元" => Some(AmountUnit::Wanyuan),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            AmountUnit::Yuan => "元",
            AmountUnit::Wanyuan => "万元",
        }
    }
    /// How many 元 one unit is.
    pub fn yuan_factor(self) -> Decimal {
        match self {
            AmountUnit::Yuan => Decimal::ONE,
            AmountUnit::Wanyuan => Decimal::from(10_000),
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum AmountError {
    /// Not a decimal number at all.
    NotANumber,
    /// More decimals than allowed.
    TooManyDecimals(u32),
    /// Beyond what can be represented exactly.
    TooLarge,
}

/// Parses a printed amount: optional sign, digits with optional thousands separators,
/// optional decimals. `1,239,844.00` → 1239844.00 (scale 2 kept).
pub fn parse(raw: &str) -> Result<Decimal, AmountError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(AmountError::NotANumber);
    }
    let body = s.strip_prefix('-').unwrap_or(s);
    let mut digits = String::with_capacity(body.len());
    let mut seen_point = false;
    let mut decimals = 0u32;
    for ch in body.chars() {
        match ch {
            '0'..='9' => {
                digits.push(ch);
                if seen_point {
                    decimals += 1;
                }
            }
            ',' if !seen_point => {}
            '.' if !seen_point => {
                seen_point = true;
                digits.push('.');
            }
            _ => return Err(AmountError::NotANumber),
        }
    }
    if !digits.chars().any(|c| c.is_ascii_digit())
        || digits.ends_with('.')
        || digits.starts_with('.')
    {
        return Err(AmountError::NotANumber);
    }
    // Thousands separators must group by three.
    if body.contains(',') {
        let int_part = body.split('.').next().unwrap_or("");
        let groups: Vec<&str> = int_part.split(',').collect();
        let ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3);
        if !ok {
            return Err(AmountError::NotANumber);
        }
    }
    if decimals > MAX_DECIMALS {
        return Err(AmountError::TooManyDecimals(decimals));
    }
    let mut d = Decimal::from_str(&digits).map_err(|_| AmountError::TooLarge)?;
    if s.starts_with('-') {
        d.set_sign_negative(true);
    }
    Ok(d)
}

/// Half a unit of the last printed digit of `d` (0.005 for 629.76), zero for an exact zero.
pub fn half_unit(d: Decimal) -> Decimal {
    if d.is_zero() {
        return Decimal::ZERO;
    }
    Decimal::new(5, d.scale() + 1)
}

/// Rounds half away from zero to `dp` decimals, as published tables do.
pub fn round(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Formats with thousands separators, keeping `d`'s own decimals: 1239844.00 → 1,239,844.00.
pub fn format_grouped(d: Decimal) -> String {
    let s = d.to_string();
    let (sign, s) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest.to_string()),
        None => ("", s),
    };
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// `v` (in `from`) in `to`, exactly: 元 → 万元 moves the decimal point four places and
/// drops trailing zeros beyond two decimals (nothing is rounded); `None` on overflow.
pub fn convert(v: Decimal, from: AmountUnit, to: AmountUnit) -> Option<Decimal> {
    match (from, to) {
        (a, b) if a == b => Some(v),
        (AmountUnit::Yuan, AmountUnit::Wanyuan) => {
            let mut m = v.mantissa();
            let mut scale = v.scale() + 4;
            while scale > 2 && m % 10 == 0 {
                m /= 10;
                scale -= 1;
            }
            Decimal::try_from_i128_with_scale(m, scale).ok()
        }
        (AmountUnit::Wanyuan, AmountUnit::Yuan) => v.checked_mul(Decimal::from(10_000)),
        _ => None,
    }
}

/// `629.76万元`, for messages.
pub fn show(d: Decimal, unit: AmountUnit) -> String {
    format!("{}{}", d.normalize_keep2(), unit.as_str())
}

trait Keep2 {
    fn normalize_keep2(self) -> Decimal;
}

impl Keep2 for Decimal {
    /// Shows at least two decimals (or what was printed), never float noise.
    fn normalize_keep2(self) -> Decimal {
        if self.scale() < 2 {
            let mut d = self;
            d.rescale(2);
            d
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(parse("629.76").unwrap().to_string(), "629.76");
        assert_eq!(parse("0.90").unwrap().to_string(), "0.90");
        assert_eq!(parse("1,239,844.00").unwrap().to_string(), "1239844.00");
        assert_eq!(parse("-3.5").unwrap().to_string(), "-3.5");
        assert_eq!(
            parse("12345678901234567.89").unwrap().to_string(),
            "12345678901234567.89"
        );
    }

    #[test]
    fn rejects_what_is_not_an_amount() {
        assert_eq!(parse("86.3x"), Err(AmountError::NotANumber));
        assert_eq!(parse(""), Err(AmountError::NotANumber));
        assert_eq!(parse("1.2.3"), Err(AmountError::NotANumber));
        assert_eq!(parse("12,34"), Err(AmountError::NotANumber));
        assert_eq!(parse("."), Err(AmountError::NotANumber));
        assert_eq!(parse("1e5"), Err(AmountError::NotANumber));
        assert_eq!(parse("1.234"), Err(AmountError::TooManyDecimals(3)));
        assert_eq!(parse(&"9".repeat(40)), Err(AmountError::TooLarge));
    }

    #[test]
    fn half_units_and_rounding() {
        assert_eq!(half_unit(parse("629.76").unwrap()).to_string(), "0.005");
        assert_eq!(half_unit(parse("5").unwrap()).to_string(), "0.5");
        assert!(half_unit(Decimal::ZERO).is_zero());
        assert_eq!(round(parse("4.05").unwrap(), 1).to_string(), "4.1");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(format_grouped(parse("1239844.00").unwrap()), "1,239,844.00");
        assert_eq!(format_grouped(parse("-629.76").unwrap()), "-629.76");
        assert_eq!(format_grouped(parse("100").unwrap()), "100");
    }
}
