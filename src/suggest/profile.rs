//! What a column's cells hold, whatever its header says: the share of values that read as
//! dates, percentages, numbers, people, hierarchical ids or words of an enumeration, how
//! unique they are and how long — the evidence a field's type must agree with.

use std::collections::BTreeMap;

use crate::ingest::Cell;
use crate::ingest::values::{is_department, parse_date, parse_percent};
use crate::mapping::{DateOrder, reorder_date};
use crate::schema::{ENUMS, EnumDef};

/// A column's evidence.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    /// Non-empty cells.
    pub n: usize,
    pub dates: usize,
    /// Text dates whose day and month order is ambiguous or needs `dates:` (`05/02/25`).
    pub ordered_dates: Vec<String>,
    pub percents: usize,
    pub numbers: usize,
    /// Whole numbers, for scales (1–5) and running numbers.
    pub ints: Vec<i64>,
    pub ids: usize,
    pub parties: usize,
    /// Cells with several sentences or lines: free text.
    pub long: usize,
    pub total_chars: usize,
    /// Distinct values as written (trimmed), with counts, in first-seen order.
    pub distinct: Vec<(String, usize)>,
    /// Per enumeration: cells naming one of its values.
    pub enum_hits: BTreeMap<&'static str, usize>,
}

impl Profile {
    pub fn of<'a>(cells: impl IntoIterator<Item = &'a Cell>) -> Profile {
        let mut p = Profile::default();
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        for cell in cells {
            if cell.is_empty() {
                continue;
            }
            p.n += 1;
            let text = cell.display().trim().to_string();
            p.total_chars += text.chars().count();
            match index.get(&text) {
                Some(&i) => p.distinct[i].1 += 1,
                None => {
                    index.insert(text.clone(), p.distinct.len());
                    p.distinct.push((text.clone(), 1));
                }
            }
            match cell {
                Cell::DateTime { .. } => p.dates += 1,
                Cell::Number { value, percent } => {
                    p.numbers += 1;
                    if *percent {
                        p.percents += 1;
                    }
                    if value.fract() == 0.0 && value.abs() < 1e9 {
                        p.ints.push(*value as i64);
                    }
                    // A number in a date column: an Excel serial written as General.
                    if (20_000.0..80_000.0).contains(value) && value.fract() == 0.0 {
                        p.dates += 1;
                    }
                    if value.fract() == 0.0 && *value >= 0.0 && *value < 100_000.0 || is_hierarchical(&text) {
                        p.ids += 1;
                    }
                }
                _ => p.text(&text),
            }
            for e in ENUMS {
                if lookup(e, &text) {
                    *p.enum_hits.entry(e.name).or_default() += 1;
                }
            }
        }
        p
    }

    fn text(&mut self, text: &str) {
        if text.contains('\n') || text.chars().count() > 40 {
            self.long += 1;
        }
        // Day-month-year texts (`13/01/2025`, `05/02/25`) are kept whether or not their order
        // is clear by itself: together they tell the column's order.
        if [DateOrder::Dmy, DateOrder::Mdy].iter().any(|o| reorder_date(text, *o).is_some()) {
            self.dates += 1;
            self.ordered_dates.push(text.to_string());
        } else if parse_date(text, Some(2000)).is_some() {
            self.dates += 1;
        }
        if text.contains('%') && parse_percent(text).is_some() {
            self.percents += 1;
        }
        if let Ok(v) = text.replace(',', "").parse::<f64>() {
            self.numbers += 1;
            if v.fract() == 0.0 && v.abs() < 1e9 {
                self.ints.push(v as i64);
            }
        }
        if is_id(text) {
            self.ids += 1;
        }
        if is_party(text) {
            self.parties += 1;
        }
    }

    pub fn share(&self, k: usize) -> f64 {
        if self.n == 0 { 0.0 } else { k as f64 / self.n as f64 }
    }

    pub fn avg_len(&self) -> f64 {
        if self.n == 0 { 0.0 } else { self.total_chars as f64 / self.n as f64 }
    }

    /// Share of cells that are distinct values.
    pub fn unique(&self) -> f64 {
        self.share(self.distinct.len())
    }

    /// A few distinct short values repeated: a vocabulary (status, level, yes/no).
    pub fn is_vocabulary(&self) -> bool {
        self.n > 0 && self.distinct.len() <= 12 && self.avg_len() <= 24.0 && self.long == 0
    }

    /// Whole numbers counting up by one, as a running number does (`1, 2, 3 …`).
    pub fn is_running(&self) -> bool {
        self.ints.len() == self.n && self.n >= 2 && self.ints.windows(2).all(|w| w[1] == w[0] + 1)
    }

    /// Whole numbers 0–10 only: a scale (impact 1–5, priority 1–4).
    pub fn scale(&self) -> Option<(i64, i64)> {
        if self.n == 0 || self.ints.len() < self.n || self.ints.iter().any(|v| !(0..=10).contains(v)) {
            return None;
        }
        Some((*self.ints.iter().min()?, *self.ints.iter().max()?))
    }

    /// The order of day and month its ambiguous text dates reveal: any first part above 12
    /// means DMY, any second part above 12 MDY; else the part that varies between rows while
    /// the other stays constant is the day.
    pub fn date_order(&self) -> Option<DateOrder> {
        let parts: Vec<(u32, u32)> = self
            .ordered_dates
            .iter()
            .filter_map(|t| {
                let date = t.split_whitespace().next()?;
                let sep = date.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
                let mut it = date.split(sep);
                let a = it.next()?.parse().ok()?;
                let b = it.next()?.parse().ok()?;
                Some((a, b))
            })
            .collect();
        if parts.iter().any(|&(a, _)| a > 12) {
            return Some(DateOrder::Dmy);
        }
        if parts.iter().any(|&(_, b)| b > 12) {
            return Some(DateOrder::Mdy);
        }
        let distinct = |f: fn(&(u32, u32)) -> u32| parts.iter().map(f).collect::<std::collections::BTreeSet<_>>().len();
        let (firsts, seconds) = (distinct(|p| p.0), distinct(|p| p.1));
        match firsts.cmp(&seconds) {
            std::cmp::Ordering::Greater if parts.len() >= 3 => Some(DateOrder::Dmy),
            std::cmp::Ordering::Less if parts.len() >= 3 => Some(DateOrder::Mdy),
            _ => None,
        }
    }
}

fn lookup(e: &EnumDef, text: &str) -> bool {
    text.chars().count() <= 24 && e.lookup(text).is_some()
}

/// `1`, `1.1`, `2.1.3`, `T2.4`, `R-001`, `A_001`, `REQ-12`, `#12`: an identifier.
pub fn is_id(text: &str) -> bool {
    let t = text.trim().trim_start_matches(['#', '_', ' ']);
    if t.is_empty() || t.chars().count() > 16 || t.contains(char::is_whitespace) {
        return false;
    }
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let letters = t.chars().filter(|c| c.is_ascii_alphabetic()).count();
    digits > 0 && letters <= 6 && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/'))
}

/// `1`, `1.1`, `2.1.3`.
pub fn is_hierarchical(text: &str) -> bool {
    !text.is_empty() && text.split('.').all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A person, a few people, or a department: short, no digits, no sentence punctuation.
pub fn is_party(text: &str) -> bool {
    let t = text.trim();
    let chars = t.chars().count();
    if chars == 0 || chars > 40 || t.chars().any(|c| c.is_ascii_digit()) || t.contains(['。', '？', '?', '!', '！'])
    {
        return false;
    }
    if is_department(t) {
        return true;
    }
    let cjk = t.chars().filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c)).count();
    if cjk > 0 {
        // Chinese names are 2–4 characters; a few of them joined by separators.
        let names: Vec<&str> =
            t.split(['、', '，', ',', '/', '／', ' ', ';', '；', '和', '&']).filter(|s| !s.trim().is_empty()).collect();
        return !names.is_empty()
            && names.iter().all(|n| (1..=5).contains(&n.trim().chars().count()) || n.ends_with('*'));
    }
    // Latin names: one to four capitalised words, or initials, joined by / & , and.
    let words: Vec<&str> = t.split([' ', '/', '&', ',', '-']).filter(|w| !w.is_empty() && *w != "and").collect();
    !words.is_empty()
        && words.len() <= 6
        && words.iter().all(|w| w.chars().next().is_some_and(char::is_alphabetic) && w.len() <= 14)
}
