//! Compiling conditions: `field op values` to predicates, checking and reading values.

use chrono::NaiveDate;

use super::ast::{
    DateField, DatePred, DateVal, FlagField, Lit, MetaCond, MetaSource, NumField, NumPred,
    PathPred, Pred, StrSet, TYPE_FILE, TYPE_FOLDER, TYPE_VERSION, TagPred, TextPred,
};
use super::eval::{Needle, needles};
use super::fields::{Field, Op};
use super::parser::{RawKind, RawVal, is_number_text};
use super::{PResult, SearchError};

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;
/// Relative dates are capped at about 300 000 years, far beyond any real timestamp.
const MAX_RELATIVE_MS: f64 = 1e16;

fn needs(label: &str, what: &str, v: &RawVal) -> SearchError {
    SearchError::new(format!(
        "'{label}' needs {what}, got {} at position {}",
        v.shown, v.pos
    ))
}

fn text_value(label: &str, v: RawVal) -> PResult<String> {
    if v.kind == RawKind::Str {
        Ok(v.text)
    } else {
        Err(quote_hint(needs(label, "a quoted string", &v), &v))
    }
}

/// Adds "put it in double quotes" to an error about an unquoted word.
fn quote_hint(mut e: SearchError, v: &RawVal) -> SearchError {
    if v.kind != RawKind::Str {
        e.message.push_str(" (strings go in double quotes)");
    }
    e
}

fn num_value(label: &str, v: &RawVal) -> PResult<f64> {
    match v.kind {
        RawKind::Num(n) => Ok(n),
        RawKind::Str if is_number_text(v.text.trim(), true) => v
            .text
            .trim()
            .parse::<f64>()
            .map_err(|_| needs(label, "a number", v)),
        _ => Err(needs(label, "a number", v)),
    }
}

fn size_value(label: &str, v: &RawVal) -> PResult<f64> {
    match v.kind {
        RawKind::Num(n) => Ok(n),
        RawKind::Str | RawKind::Bare => {
            parse_size(&v.text).ok_or_else(|| needs(label, "a number or a size like \"10kb\"", v))
        }
        RawKind::Bool(_) => Err(needs(label, "a number or a size like \"10kb\"", v)),
    }
}

fn date_value(label: &str, v: &RawVal) -> PResult<DateVal> {
    let parsed = match v.kind {
        RawKind::Str | RawKind::Bare => parse_date(&v.text),
        _ => None,
    };
    parsed.ok_or_else(|| {
        needs(
            label,
            "a date like 2020-01-01 or 2020-01-01T12:00:00, or a relative time like 7d (h, d, w, m, y)",
            v,
        )
    })
}

fn bool_value(label: &str, v: &RawVal) -> PResult<bool> {
    match v.kind {
        RawKind::Bool(b) => Ok(b),
        RawKind::Str if v.text.eq_ignore_ascii_case("true") => Ok(true),
        RawKind::Str if v.text.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(needs(label, "true or false", v)),
    }
}

fn has_words(label: &str, v: RawVal) -> PResult<Vec<Needle>> {
    let pos = v.pos;
    let shown = v.shown.clone();
    let s = text_value(label, v)?;
    let w = needles(&s);
    if w.is_empty() {
        return Err(SearchError::new(format!(
            "'HAS' needs at least one word (letters or digits), got {shown} at position {pos}"
        )));
    }
    Ok(w)
}

/// The condition being compiled, as the value readers need it.
#[derive(Debug, Clone, Copy)]
struct Clause<'a> {
    label: &'a str,
    /// Operator as written (`NOT IN`), for messages.
    op: Op,
    /// Its positive form (`IN`).
    pos_op: Op,
    op_pos: usize,
}

impl Clause<'_> {
    /// The value of a single-value operator.
    fn one(&self, values: Vec<RawVal>) -> PResult<RawVal> {
        values.into_iter().next().ok_or_else(|| {
            SearchError::new(format!(
                "expected a value after '{}' at position {}",
                self.op.as_str(),
                self.op_pos
            ))
        })
    }
}

/// Turns `field op values` into an evaluable predicate, checking value types.
pub(super) fn compile(
    field: &Field,
    label: &str,
    op: Op,
    field_pos: usize,
    op_pos: usize,
    values: Vec<RawVal>,
) -> PResult<Pred> {
    let c = Clause {
        label,
        op,
        pos_op: op.positive(),
        op_pos,
    };
    Ok(match field {
        Field::Name => Pred::Name(text_pred(c, values)?),
        Field::Id => Pred::Id(text_pred(c, values)?),
        Field::Tags => Pred::Tags(tag_pred(c, values)?),
        Field::Type => Pred::Type(type_mask(label, &values)?),
        Field::CreatedAt => Pred::Date(DateField::Created, date_pred(c, &values)?),
        Field::UpdatedAt => Pred::Date(DateField::Updated, date_pred(c, &values)?),
        Field::Size => Pred::Num(NumField::Size, num_pred(c, NumField::Size, &values)?),
        Field::Width => Pred::Num(NumField::Width, num_pred(c, NumField::Width, &values)?),
        Field::Height => Pred::Num(NumField::Height, num_pred(c, NumField::Height, &values)?),
        Field::Format => Pred::Format(
            values
                .into_iter()
                .map(|v| {
                    text_value(label, v).map(|s| s.trim_start_matches('.').to_ascii_lowercase())
                })
                .collect::<PResult<_>>()?,
        ),
        Field::Private => Pred::Flag(FlagField::Private, bool_value(label, &c.one(values)?)?),
        Field::Published => Pred::Flag(FlagField::Published, bool_value(label, &c.one(values)?)?),
        Field::Transparency => {
            Pred::Flag(FlagField::Transparency, bool_value(label, &c.one(values)?)?)
        }
        Field::Path => Pred::Path(path_pred(c, values)?),
        Field::Custom(key) => Pred::Meta(Box::new(meta_cond(
            c,
            MetaSource::Custom,
            key,
            field_pos,
            values,
        )?)),
        Field::Embedded(key) => Pred::Meta(Box::new(meta_cond(
            c,
            MetaSource::Embedded,
            key,
            field_pos,
            values,
        )?)),
    })
}

/// `name` and `id`.
fn text_pred(c: Clause<'_>, values: Vec<RawVal>) -> PResult<TextPred> {
    Ok(match c.pos_op {
        Op::Prefix => TextPred::Prefix(text_value(c.label, c.one(values)?)?),
        Op::Has => TextPred::Has(has_words(c.label, c.one(values)?)?),
        _ => TextPred::OneOf(StrSet::new(
            values
                .into_iter()
                .map(|v| text_value(c.label, v))
                .collect::<PResult<_>>()?,
        )),
    })
}

fn tag_pred(c: Clause<'_>, values: Vec<RawVal>) -> PResult<TagPred> {
    Ok(match c.pos_op {
        Op::Exists => TagPred::Exists,
        Op::Has => TagPred::Has(has_words(c.label, c.one(values)?)?),
        _ => TagPred::OneOf(StrSet::new(
            values
                .into_iter()
                .map(|v| text_value(c.label, v))
                .collect::<PResult<_>>()?,
        )),
    })
}

/// `type`: a bit set of [`TYPE_FILE`], [`TYPE_VERSION`], [`TYPE_FOLDER`].
fn type_mask(label: &str, values: &[RawVal]) -> PResult<u8> {
    let mut mask = 0;
    for v in values {
        let bit = match v.text.to_ascii_lowercase().as_str() {
            "file" if v.kind == RawKind::Str => TYPE_FILE,
            "file-version" if v.kind == RawKind::Str => TYPE_VERSION,
            "folder" if v.kind == RawKind::Str => TYPE_FOLDER,
            _ => {
                return Err(quote_hint(
                    needs(label, "\"file\", \"file-version\" or \"folder\"", v),
                    v,
                ));
            }
        };
        mask |= bit;
    }
    Ok(mask)
}

/// `createdAt` and `updatedAt`.
fn date_pred(c: Clause<'_>, values: &[RawVal]) -> PResult<DatePred> {
    let dates = values
        .iter()
        .map(|v| date_value(c.label, v))
        .collect::<PResult<Vec<_>>>()?;
    Ok(match (c.pos_op.order(), dates.first()) {
        (Some(o), Some(d)) => DatePred::Cmp(o, *d),
        _ => DatePred::OneOf(dates),
    })
}

/// `size` (which also takes sizes like `"10kb"`), `width` and `height`.
fn num_pred(c: Clause<'_>, which: NumField, values: &[RawVal]) -> PResult<NumPred> {
    let nums = values
        .iter()
        .map(|v| {
            if which == NumField::Size {
                size_value(c.label, v)
            } else {
                num_value(c.label, v)
            }
        })
        .collect::<PResult<Vec<_>>>()?;
    Ok(match (c.pos_op.order(), nums.first()) {
        (Some(o), Some(n)) => NumPred::Cmp(o, *n),
        _ => NumPred::OneOf(nums),
    })
}

fn path_pred(c: Clause<'_>, values: Vec<RawVal>) -> PResult<PathPred> {
    let norm = |v: RawVal| text_value(c.label, v).map(|s| normalize_folder(&s));
    Ok(match c.pos_op {
        Op::Prefix => PathPred::Under(norm(c.one(values)?)?),
        _ => PathPred::OneOf(values.into_iter().map(norm).collect::<PResult<_>>()?),
    })
}

/// `customMetadata.<key>` and `embeddedMetadata.<key>`: kept in every plausible form
/// until the field definitions are known.
fn meta_cond(
    c: Clause<'_>,
    source: MetaSource,
    key: &str,
    field_pos: usize,
    values: Vec<RawVal>,
) -> PResult<MetaCond> {
    if c.pos_op == Op::Has {
        // Needs words whatever the field turns out to be.
        for v in &values {
            has_words(c.label, v.clone())?;
        }
    }
    Ok(MetaCond {
        source,
        key: key.to_owned(),
        field_pos,
        op: c.pos_op,
        written_op: c.op,
        op_pos: c.op_pos,
        values: values.into_iter().map(lit).collect(),
    })
}

fn lit(v: RawVal) -> Lit {
    let (num, boolean) = match v.kind {
        RawKind::Num(n) => (Some(n), None),
        RawKind::Bool(b) => (None, Some(b)),
        RawKind::Str | RawKind::Bare => {
            let t = v.text.trim();
            let num = if is_number_text(t, true) {
                t.parse::<f64>().ok().filter(|n| n.is_finite())
            } else {
                None
            };
            let boolean = if t.eq_ignore_ascii_case("true") {
                Some(true)
            } else if t.eq_ignore_ascii_case("false") {
                Some(false)
            } else {
                None
            };
            (num, boolean)
        }
    };
    let date = match v.kind {
        RawKind::Str | RawKind::Bare => parse_date(&v.text),
        _ => None,
    };
    Lit {
        pos: v.pos,
        shown: v.shown,
        kind: v.kind,
        words: needles(&v.text),
        text: v.text,
        num,
        boolean,
        date,
    }
}

/// `/a/b/`, `a/b`, `/a/b` all become `/a/b`; the root becomes "".
fn normalize_folder(s: &str) -> String {
    let t = s.trim_end_matches('/');
    if t.is_empty() {
        String::new()
    } else if t.starts_with('/') {
        t.to_owned()
    } else {
        format!("/{t}")
    }
}

/// `"10kb"`, `"2.5 MB"`, `"1024"`; units are powers of 1024.
fn parse_size(s: &str) -> Option<f64> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let num = t.get(..split)?;
    let unit = t.get(split..)?.trim();
    if !is_number_text(num, false) {
        return None;
    }
    let n: f64 = num.parse().ok()?;
    let k = 1024.0_f64;
    let mult = match unit.to_ascii_lowercase().as_str() {
        "" | "b" | "byte" | "bytes" => 1.0,
        "k" | "kb" | "kib" => k,
        "m" | "mb" | "mib" => k * k,
        "g" | "gb" | "gib" => k * k * k,
        "t" | "tb" | "tib" => k * k * k * k,
        _ => return None,
    };
    let bytes = n * mult;
    bytes.is_finite().then_some(bytes)
}

/// An ISO date/time or a relative time (`12h`, `7d`, `2w`, `1m`, `1y`).
fn parse_date(s: &str) -> Option<DateVal> {
    let s = s.trim();
    if let Some((start, len)) = parse_abs_date(s) {
        return Some(DateVal::Abs { start, len });
    }
    let unit_char = s.chars().last()?;
    let (unit_ms, eq_unit) = match unit_char.to_ascii_lowercase() {
        'h' => (HOUR_MS, HOUR_MS),
        'd' => (DAY_MS, DAY_MS),
        'w' => (7 * DAY_MS, DAY_MS),
        'm' => (30 * DAY_MS, DAY_MS),
        'y' => (365 * DAY_MS, DAY_MS),
        _ => return None,
    };
    let num = s.get(..s.len() - 1)?.trim_end();
    if !is_number_text(num, false) {
        return None;
    }
    let n: f64 = num.parse().ok()?;
    // Truncation to whole milliseconds is intended; the cap keeps it in range.
    #[allow(clippy::cast_possible_truncation)]
    let ago = (n * unit_ms as f64).min(MAX_RELATIVE_MS) as i64;
    Some(DateVal::Rel { ago, unit: eq_unit })
}

/// `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH:MM]` → (epoch ms, precision in ms).
/// Without a zone the time is UTC.
pub(super) fn parse_abs_date(s: &str) -> Option<(i64, i64)> {
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| -> Option<u32> {
        let part = b.get(from..from + n)?;
        part.iter().try_fold(0u32, |acc, d| {
            d.is_ascii_digit()
                .then(|| acc * 10 + u32::from(d.wrapping_sub(b'0')))
        })
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let year = digits(0, 4)?;
    if !at(4, b'-') || !at(7, b'-') {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, digits(5, 2)?, digits(8, 2)?)?;
    if b.len() == 10 {
        let t = date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis();
        return Some((t, DAY_MS));
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let hour = digits(11, 2)?;
    if !at(13, b':') {
        return None;
    }
    let minute = digits(14, 2)?;
    let mut i = 16;
    let mut len = MINUTE_MS;
    let mut second = 0;
    if at(i, b':') {
        second = digits(i + 1, 2)?;
        i += 3;
        len = 1_000;
    }
    let mut milli = 0;
    if at(i, b'.') {
        i += 1;
        let mut n = 0;
        while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            if n < 3 {
                milli = milli * 10 + u32::from(d.wrapping_sub(b'0'));
            }
            n += 1;
            i += 1;
        }
        if n == 0 {
            return None;
        }
        for _ in n..3 {
            milli *= 10;
        }
        len = 1;
    }
    let mut offset_ms = 0i64;
    match b.get(i) {
        None => {}
        Some(b'Z' | b'z') => i += 1,
        Some(&sign @ (b'+' | b'-')) => {
            let oh = digits(i + 1, 2)?;
            i += 3;
            if at(i, b':') {
                i += 1;
            }
            let om = digits(i, 2)?;
            i += 2;
            if oh > 23 || om > 59 {
                return None;
            }
            offset_ms = (i64::from(oh) * 60 + i64::from(om)) * MINUTE_MS;
            if sign == b'-' {
                offset_ms = -offset_ms;
            }
        }
        Some(_) => return None,
    }
    if i != b.len() {
        return None;
    }
    let t = date
        .and_hms_milli_opt(hour, minute, second, milli)?
        .and_utc()
        .timestamp_millis();
    Some((t - offset_ms, len))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Timestamp;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn date_parsing() {
        assert_eq!(
            parse_abs_date("2020-01-01"),
            Some((ts("2020-01-01T00:00:00Z").millis(), DAY_MS))
        );
        assert_eq!(
            parse_abs_date("2020-01-01T12:12:12.5"),
            Some((ts("2020-01-01T12:12:12.500Z").millis(), 1))
        );
        assert_eq!(
            parse_abs_date("2020-01-01T12:12:12-02:00"),
            Some((ts("2020-01-01T14:12:12Z").millis(), 1000))
        );
        for bad in [
            "2020-1-01",
            "2020-13-01",
            "2020-01-01T25:00",
            "2020-01-01T",
            "2020-01-01Tx",
            "20200101",
        ] {
            assert_eq!(parse_abs_date(bad), None, "{bad}");
        }
        assert_eq!(parse_size("2.5 MB"), Some(2.5 * 1024.0 * 1024.0));
        assert_eq!(parse_size("10kb"), Some(10240.0));
        assert_eq!(parse_size("1gb"), Some(1024.0 * 1024.0 * 1024.0));
        assert_eq!(parse_size("12"), Some(12.0));
        assert_eq!(parse_size("big"), None);
        assert_eq!(parse_size("1..5mb"), None);
    }
}
