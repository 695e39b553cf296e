//! How values read in documents: dates ISO, rates with one decimal, 万/亿 quantities in
//! Chinese, lists joined the way the language joins them, Markdown made safe.

use chrono::{NaiveDate, NaiveDateTime};

use crate::ingest::trim_float;
use crate::model::{Lang, Quantity, Record, Value};
use crate::schema::{self, Type};

pub fn date(d: Option<NaiveDate>) -> String {
    d.map(crate::model::iso_date).unwrap_or_default()
}

pub fn datetime(dt: NaiveDateTime) -> String {
    crate::model::iso_minute(dt)
}

/// A date or date-time field as written: a date alone stays a date.
pub fn when(rec: &Record, key: &str) -> String {
    match rec.get(key) {
        Some(Value::Date(d)) => date(Some(*d)),
        Some(Value::DateTime(dt)) if dt.time() == chrono::NaiveTime::MIN => date(Some(dt.date())),
        Some(Value::DateTime(dt)) => datetime(*dt),
        _ => String::new(),
    }
}

/// `2023-09-15 14:00–16:00`, or both ends in full when they fall on different days.
pub fn span(start: Option<NaiveDateTime>, end: Option<NaiveDateTime>) -> String {
    match (start, end) {
        (Some(s), Some(e)) if s.date() == e.date() => format!("{}–{}", datetime(s), e.format("%H:%M")),
        (Some(s), Some(e)) => format!("{} – {}", datetime(s), datetime(e)),
        (Some(s), None) => datetime(s),
        (None, Some(e)) => datetime(e),
        (None, None) => String::new(),
    }
}

/// `66.7%`, `100%`: one decimal, none when it is zero.
pub fn percent(p: f64) -> String {
    let r = (p * 10.0).round() / 10.0;
    format!("{}%", trim_float(r))
}

/// Joins items the way the language lists them: `产品部、销售部` / `Sales, Design`.
pub fn join<S: AsRef<str>>(items: &[S], lang: Lang) -> String {
    let sep = if lang == Lang::En { ", " } else { "、" };
    items.iter().map(AsRef::as_ref).filter(|s| !s.trim().is_empty()).collect::<Vec<_>>().join(sep)
}

/// `500万元` in Chinese, `5,000,000 元` in English: the way the forms write amounts.
pub fn quantity(q: &Quantity, lang: Lang) -> String {
    let v = q.value;
    let number = match lang {
        Lang::En => grouped(v),
        _ if v.abs() >= 1e8 => {
            format!("{}{}", trim_float(round2(v / 1e8)), if lang == Lang::ZhTw { "億" } else { "亿" })
        }
        _ if v.abs() >= 1e4 => {
            format!("{}{}", trim_float(round2(v / 1e4)), if lang == Lang::ZhTw { "萬" } else { "万" })
        }
        _ => trim_float(round2(v)),
    };
    match (lang, q.unit.is_empty()) {
        (_, true) => number,
        (Lang::En, false) if q.unit != "%" => format!("{number} {}", q.unit),
        _ => format!("{number}{}", q.unit),
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// `5000000` → `5,000,000`; decimals kept (two at most).
fn grouped(v: f64) -> String {
    let s = trim_float(round2(v));
    let (sign, s) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// The label of an enumeration code of a field (`已完成` for task status `done`), or the code.
pub fn enum_label(kind: &str, key: &str, code: &str, lang: Lang) -> String {
    schema::kind(kind)
        .and_then(|k| k.field(key))
        .and_then(|f| match f.ty {
            Type::Enum(e) => e.value(code),
            _ => None,
        })
        .map_or_else(|| code.to_string(), |v| v.label.get(lang).to_string())
}

/// The catalogue label of a field in `lang`, or its key.
pub fn label(kind: &str, key: &str, lang: Lang) -> String {
    schema::kind(kind).and_then(|k| k.field(key)).map_or_else(|| key.to_string(), |f| f.label.get(lang).to_string())
}

/// Any field of a record as a reader sees it, whatever its type.
pub fn text(rec: &Record, key: &str, lang: Lang) -> String {
    match rec.get(key) {
        None => String::new(),
        Some(Value::Text(s)) => s.trim().to_string(),
        Some(Value::List(l)) => join(l, lang),
        Some(Value::Date(_) | Value::DateTime(_)) => when(rec, key),
        Some(Value::Int(i)) => i.to_string(),
        Some(Value::Percent(p)) => percent(*p),
        Some(Value::Quantity(q)) => quantity(q, lang),
        Some(Value::Party(p)) => p.to_string(),
        Some(Value::Parties(ps)) => join(&ps.iter().map(ToString::to_string).collect::<Vec<_>>(), lang),
        Some(Value::Enum(code)) => enum_label(rec.kind, key, code, lang),
        Some(Value::Records(rs)) => {
            let items: Vec<String> = rs
                .iter()
                .map(|r| match (when(r, "date"), text(r, "name", lang)) {
                    (d, n) if d.is_empty() => n,
                    (d, n) if n.is_empty() => d,
                    (d, n) => format!("{d} {n}"),
                })
                .collect();
            items.join(if lang == Lang::En { "; " } else { "；" })
        }
    }
}

/// List items without the numbers the forms put in front of them (`1.`, `2、`, `(3)`).
pub fn items(list: &[String]) -> Vec<String> {
    list.iter().map(|s| strip_number(s).to_string()).filter(|s| !s.is_empty()).collect()
}

fn strip_number(s: &str) -> &str {
    let s = s.trim();
    let open = s.strip_prefix(['(', '（']).unwrap_or(s);
    let digits = open.trim_start_matches(|c: char| c.is_ascii_digit());
    if digits.len() == open.len() {
        return s;
    }
    match digits.strip_prefix(['.', '、', ')', '）', '．']) {
        // `1.5倍` is a number, not an item number.
        Some(rest) if !rest.trim().is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit()) => rest.trim(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_keep_one_decimal() {
        assert_eq!(percent(200.0 / 3.0), "66.7%");
        assert_eq!(percent(100.0), "100%");
        assert_eq!(percent(104.0), "104%");
    }

    #[test]
    fn amounts_read_like_the_forms() {
        // seed 000 模板4: 销售额520万元(目标500万元)
        let q = Quantity { value: 5_200_000.0, unit: "元".into() };
        assert_eq!(quantity(&q, Lang::ZhCn), "520万元");
        assert_eq!(quantity(&q, Lang::ZhTw), "520萬元");
        assert_eq!(quantity(&q, Lang::En), "5,200,000 元");
        let people = Quantity { value: 150_000.0, unit: "人次".into() };
        assert_eq!(quantity(&people, Lang::ZhCn), "15万人次");
        assert_eq!(quantity(&Quantity { value: 12.5, unit: "%".into() }, Lang::ZhCn), "12.5%");
        assert_eq!(quantity(&Quantity { value: -1234.5, unit: "USD".into() }, Lang::En), "-1,234.5 USD");
    }

    #[test]
    fn numbered_items_lose_their_numbers() {
        // seed 000 模板4 writes 交付成果清单 as 1.《推广活动总结报告》2.《销售数据统计表》
        let list =
            ["1.《推广活动总结报告》", "2、销售数据", "（3）反馈", "2024年复盘", "3.", "1.5倍"].map(String::from);
        assert_eq!(items(&list), ["《推广活动总结报告》", "销售数据", "反馈", "2024年复盘", "3.", "1.5倍"]);
    }
}
