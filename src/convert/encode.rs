//! Typed values back to the text a person would type, chosen so that the readers' own typing
//! (`ingest::values`) gives the same value again. Where a value has several spellings, the
//! candidates are tried in order and each is checked by parsing it back; the first that
//! reads back identically wins.

use chrono::{NaiveDate, NaiveDateTime, Timelike};

use crate::ingest::trim_float;
use crate::ingest::values::{parse_parties, parse_quantity, split_list};
use crate::model::{Lang, Party, Quantity};
use crate::schema::EnumDef;

/// `2024-07-15`.
pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `2024-07-15T14:00` (seconds only when there are some).
pub fn datetime(dt: NaiveDateTime) -> String {
    if dt.second() == 0 { dt.format("%Y-%m-%dT%H:%M") } else { dt.format("%Y-%m-%dT%H:%M:%S") }.to_string()
}

/// `80%`: always with the sign, because a bare `1` would read as 100 %.
pub fn percent(p: f64) -> String {
    format!("{}%", trim_float(p))
}

/// The spellings of a party, most natural first: `市场部/张三`, `市场部*`, `张三(市场部)`.
fn party_candidates(p: &Party) -> Vec<String> {
    let mut out = vec![p.to_string()];
    if let (Some(d), Some(n)) = (&p.department, &p.person) {
        out.push(format!("{n}({d})"));
        out.push(format!("{d} {n}"));
        out.push(format!("{d}/{n}"));
    }
    out
}

/// A party as `部门/人` (or the spelling that reads back as the same department and person).
pub fn party(p: &Party) -> String {
    let candidates = party_candidates(p);
    candidates.iter().find(|c| parse_parties(c).as_slice() == std::slice::from_ref(p)).unwrap_or(&candidates[0]).clone()
}

/// Several parties in one cell: `产品部*、销售部/李四`, one per line when that reads back better.
pub fn parties(ps: &[Party]) -> String {
    let items: Vec<String> = ps.iter().map(party).collect();
    let candidates = [items.join("、"), items.join("\n")];
    candidates.iter().find(|c| parse_parties(c) == ps).unwrap_or(&candidates[1]).clone()
}

/// A list in one cell: one item per line, numbered when an item would otherwise be split or
/// lose a leading marker, `、`-joined as a last resort.
pub fn list(items: &[String]) -> String {
    let numbered: Vec<String> = items.iter().enumerate().map(|(i, s)| format!("{}. {s}", i + 1)).collect();
    let candidates = [items.join("\n"), numbered.join("\n"), items.join("、")];
    candidates.iter().find(|c| split_list(c) == items).unwrap_or(&candidates[0]).clone()
}

/// A quantity as text: `500万元` in Chinese when the value is whole ten-thousands, else
/// `5200000元`, `20%`, `1.5 kg`.
pub fn quantity(q: &Quantity, lang: Lang) -> String {
    let mut candidates = Vec::new();
    let wan = match lang {
        Lang::ZhCn => Some("万"),
        Lang::ZhTw => Some("萬"),
        Lang::En => None,
    };
    if let Some(wan) = wan
        && q.value.abs() >= 1e4
        && (q.value / 1e4).fract() == 0.0
    {
        candidates.push(format!("{}{wan}{}", trim_float(q.value / 1e4), q.unit));
    }
    candidates.push(format!("{}{}", trim_float(q.value), q.unit));
    candidates.push(format!("{} {}", trim_float(q.value), q.unit));
    let last = candidates[candidates.len() - 2].clone();
    candidates.into_iter().find(|c| parse_quantity(c).as_ref() == Some(q)).unwrap_or(last)
}

/// The label of an enumeration value in `lang` when it names that value unambiguously,
/// else its code.
pub fn enum_label(e: &EnumDef, code: &str, lang: Lang) -> String {
    match e.value(code) {
        Some(v) if e.lookup(v.label.get(lang)).is_some_and(|w| w.code == code) => v.label.get(lang).to_string(),
        _ => code.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ENUMS;

    fn p(d: Option<&str>, n: Option<&str>) -> Party {
        Party { department: d.map(str::to_string), person: n.map(str::to_string) }
    }

    #[test]
    fn every_enum_label_and_code_names_its_own_value() {
        for e in ENUMS {
            for v in e.values {
                assert_eq!(e.lookup(v.code).map(|w| w.code), Some(v.code), "{} code {}", e.name, v.code);
                for lang in [Lang::ZhCn, Lang::ZhTw, Lang::En] {
                    assert_eq!(enum_label(e, v.code, lang), v.label.get(lang), "{} {} in {lang:?}", e.name, v.code);
                }
            }
        }
    }

    #[test]
    fn parties_read_back_as_the_same_department_and_person() {
        // seed 000 模板2: `市场部*` is the anonymised owner
        assert_eq!(party(&p(Some("市场部"), Some("*"))), "市场部*");
        assert_eq!(party(&p(Some("Marketing"), Some("Li Na"))), "Marketing/Li Na");
        // `张三(李四)` means department 李四: `李四/张三` would read as two people
        assert_eq!(party(&p(Some("李四"), Some("张三"))), "张三(李四)");
        let ps = [p(Some("产品部"), Some("*")), p(None, Some("王五"))];
        assert_eq!(parse_parties(&parties(&ps)), ps);
    }

    #[test]
    fn lists_survive_commas_and_markers() {
        for items in [
            vec!["活动方案".to_string(), "宣传物料".to_string()],
            vec!["预算分配方案:市场部40%,销售部30%".to_string(), "建立数据共享平台".to_string()],
            vec!["一个, 两个".to_string()],
            vec!["1.1".to_string(), "2.10".to_string()],
        ] {
            assert_eq!(split_list(&list(&items)), items, "{items:?}");
        }
    }

    #[test]
    fn quantities_use_wan_in_chinese_and_read_back() {
        let q = Quantity { value: 5_000_000.0, unit: "元".into() };
        assert_eq!(quantity(&q, Lang::ZhCn), "500万元");
        assert_eq!(quantity(&q, Lang::ZhTw), "500萬元");
        assert_eq!(quantity(&q, Lang::En), "5000000元");
        for q in [
            Quantity { value: 20.0, unit: "%".into() },
            Quantity { value: 1.5, unit: "kg".into() },
            Quantity { value: 120_000.0, unit: "人次".into() },
            Quantity { value: 3.25, unit: String::new() },
        ] {
            for lang in [Lang::ZhCn, Lang::En] {
                assert_eq!(parse_quantity(&quantity(&q, lang)), Some(q.clone()), "{q:?}");
            }
        }
    }
}
