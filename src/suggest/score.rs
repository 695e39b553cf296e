//! How well a column fits a field: its header against the field's names and the lexicon's
//! words, times what its cells hold against the field's type. Columns are then given fields
//! one-to-one per sheet by the best total (Kuhn–Munkres).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;

use super::profile::Profile;
use crate::schema::lexicon::{FIELD_WORDS, NOT_FIELDS};
use crate::schema::{FieldDef, KindDef, Type, normalize};

/// Below this a column gets no field (`~`).
pub const MIN_SCORE: f64 = 0.36;

/// A header, read once: its main text (no bracketed remarks, no trailing colon) normalised and
/// as words, the whole text normalised, and whether it names something dossier keeps no
/// field for.
#[derive(Debug)]
pub struct HeaderText {
    main: String,
    full: String,
    tokens: Vec<String>,
    chars: usize,
    no_field: bool,
    /// The text with its brackets opened (`ToDo(priority)` → `ToDo priority`), when it has any.
    inner: Option<Box<HeaderText>>,
}

impl HeaderText {
    pub fn new(header: &str) -> HeaderText {
        let main_raw = main_text(header);
        let main = normalize(&main_raw);
        let tokens = tokens(&main_raw);
        let no_field = NOT_FIELDS
            .iter()
            .any(|w| if w.is_ascii() { tokens.iter().any(|t| t == w) } else { main.contains(&normalize(w)) });
        let opened: String = header.chars().filter(|c| !matches!(c, '(' | ')' | '（' | '）' | '[' | ']')).collect();
        let inner = (opened != header).then(|| Box::new(HeaderText::new(&opened.replace(char::is_whitespace, " "))));
        HeaderText { chars: main.chars().count(), main, full: normalize(header), tokens, no_field, inner }
    }

    pub fn no_field(&self) -> bool {
        self.no_field
    }

    /// How well this header names a phrase: 1.0 the same words, less when the phrase is only
    /// part of the header, 0 when it is not in it.
    fn matches(&self, p: &Phrase) -> f64 {
        if p.norm.is_empty() || self.main.is_empty() {
            return 0.0;
        }
        if self.main == p.norm || self.full == p.norm {
            return 1.0;
        }
        if p.exact_only {
            return 0.0;
        }
        if p.ascii {
            if p.tokens.is_empty() || self.tokens.is_empty() {
                return 0.0;
            }
            // The phrase's words, in order, inside the header's.
            if !self.tokens.windows(p.tokens.len()).any(|w| w == p.tokens.as_slice()) {
                return 0.0;
            }
            0.55 + 0.35 * p.tokens.len() as f64 / self.tokens.len() as f64
        } else {
            if !self.main.contains(&p.norm) {
                return 0.0;
            }
            0.55 + 0.35 * p.chars as f64 / self.chars as f64
        }
    }
}

/// A name or lexicon word, read once.
struct Phrase {
    text: &'static str,
    norm: String,
    tokens: Vec<String>,
    chars: usize,
    ascii: bool,
    exact_only: bool,
    weight: f64,
}

impl Phrase {
    fn new(text: &'static str, weight: f64) -> Phrase {
        let exact_only = text.starts_with('=');
        let text = text.trim_start_matches('=');
        let norm = normalize(text);
        Phrase {
            text,
            chars: norm.chars().count(),
            norm,
            tokens: tokens(text),
            ascii: text.is_ascii(),
            exact_only,
            weight,
        }
    }
}

/// The phrases naming a field of a kind: its catalogue names, the lexicon's strong words, and
/// its weak words at 0.6 — built once per process for each (kind, field).
fn phrases(kind: &str, key: &str, field: &'static FieldDef) -> Arc<Vec<Phrase>> {
    type Table = Mutex<HashMap<(String, String), Arc<Vec<Phrase>>>>;
    static TABLE: OnceLock<Table> = OnceLock::new();
    let mut table = TABLE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    table
        .entry((kind.to_string(), key.to_string()))
        .or_insert_with(|| {
            let mut out: Vec<Phrase> =
                field.names().filter(|n| *n != field.key || n.len() > 2).map(|n| Phrase::new(n, 1.0)).collect();
            for fw in FIELD_WORDS.iter().filter(|fw| fw.kind == kind && fw.field == key) {
                out.extend(fw.strong.iter().map(|p| Phrase::new(p, 1.0)));
                out.extend(fw.weak.iter().map(|p| Phrase::new(p, 0.6)));
            }
            Arc::new(out)
        })
        .clone()
}

/// How well a header names a phrase (see [`HeaderText`]); `=说明` matches only the whole
/// header.
#[cfg(test)]
pub fn phrase_match(header: &str, phrase: &'static str) -> f64 {
    HeaderText::new(header).matches(&Phrase::new(phrase, 1.0))
}

/// The header without bracketed remarks and a trailing colon: `Impact (resulting in…)` →
/// `Impact`, `Status (Open/Closed)` → `Status`, `Date:` → `Date`.
pub fn main_text(header: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in header.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let t = out.trim().trim_end_matches([':', '：', '*', '＊']).trim().to_string();
    if t.is_empty() { header.trim().to_string() } else { t }
}

const STOP: &[&str] = &["of", "the", "a", "an", "in", "to", "by", "for", "and", "or", "is", "be", "etc"];

fn tokens(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '%' && c != '#')
        .filter(|t| !t.is_empty() && !STOP.contains(t))
        .map(str::to_string)
        .collect()
}

/// How well a header names a field of `kind` (a mapping's kind name, for the lexicon): its
/// catalogue names and the lexicon's strong words count fully, weak words at 0.6, what its
/// brackets say a little less. Headers made of words for things dossier has no field for
/// (scores, durations) count at a third. Returns the score and the phrase it matched.
pub fn header_score(h: &HeaderText, kind: &str, key: &str, field: &'static FieldDef) -> (f64, &'static str) {
    let mut best = (0.0, "");
    for p in phrases(kind, key, field).iter() {
        let s = h.matches(p) * p.weight;
        if s > best.0 {
            best = (s, p.text);
        }
    }
    if let Some(inner) = h.inner.as_deref().filter(|_| best.0 < 0.5) {
        let (s, p) = header_score(inner, kind, key, field);
        if s * 0.7 > best.0 {
            best = (s * 0.7, p);
        }
    }
    if best.0 < 1.0 && h.no_field {
        best.0 /= 3.0;
    }
    best
}

/// How well a column's cells fit a field's type, 0–1 (an empty column: 0.6, the header
/// decides).
pub fn content_fit(p: &Profile, field: &FieldDef) -> f64 {
    if p.n == 0 {
        return 0.6;
    }
    let dates = p.share(p.dates);
    let numbers = p.share(p.numbers);
    let long = p.share(p.long);
    match field.ty {
        Type::Date | Type::DateTime => match dates {
            d if d >= 0.6 => 1.0,
            d if d >= 0.3 => 0.6,
            _ => 0.05,
        },
        Type::Percent => {
            let in_range = p.ints.iter().all(|v| (0..=100).contains(v));
            if p.share(p.percents) >= 0.5 {
                1.0
            } else if numbers >= 0.6 && in_range && dates < 0.5 {
                0.85
            } else if numbers >= 0.3 {
                0.5
            } else {
                0.05
            }
        }
        Type::Party | Type::Parties => {
            if long > 0.3 || dates > 0.5 || numbers > 0.5 {
                0.05
            } else {
                match p.share(p.parties) {
                    s if s >= 0.6 => 1.0,
                    s if s >= 0.3 => 0.6,
                    _ => 0.2,
                }
            }
        }
        Type::Enum(e) => {
            let hits = p.share(p.enum_hits.get(e.name).copied().unwrap_or(0));
            if hits >= 0.5 {
                1.0
            } else if long > 0.2 || dates > 0.5 {
                0.05
            } else if p.scale().is_some() && matches!(field.key, "impact" | "priority") {
                0.85
            } else if p.is_vocabulary() {
                0.8
            } else {
                0.3
            }
        }
        Type::Int | Type::Quantity => {
            if numbers >= 0.6 {
                1.0
            } else {
                0.2
            }
        }
        Type::List => {
            if field.key == "depends_on" {
                if long > 0.2 { 0.2 } else { 0.9 }
            } else {
                0.8
            }
        }
        Type::Sub(_) => 0.8,
        Type::Text | Type::Markdown => {
            if field.key == "id" {
                let ids = p.share(p.ids);
                return if ids >= 0.6 && long == 0.0 {
                    1.0
                } else if long > 0.0 {
                    0.05
                } else {
                    0.35
                };
            }
            if dates >= 0.6 {
                0.1
            } else if numbers >= 0.8 {
                0.2
            } else if matches!(field.key, "name" | "description" | "title" | "goal" | "measures" | "result")
                && p.is_vocabulary()
                && p.unique() < 0.5
            {
                // A handful of repeated words is a category, not what each row is about.
                0.5
            } else if matches!(field.key, "description" | "goal" | "measures" | "result" | "summary") {
                // Descriptions are sentences: of two columns named alike, the longer text.
                0.8 + 0.2 * (p.avg_len() / 24.0).min(1.0)
            } else {
                1.0
            }
        }
    }
}

/// Columns (rows of `scores`) given fields (its columns) one-to-one for the best total; a
/// column whose best is below [`MIN_SCORE`] gets none.
pub fn assign(scores: &[Vec<f64>]) -> Vec<Option<usize>> {
    let n = scores.len();
    let m = scores.first().map_or(0, Vec::len);
    if n == 0 || m == 0 {
        return vec![None; n];
    }
    // Each column may also take one of n "no field" slots worth nothing.
    let weights = Matrix::from_fn(n, m + n, |(i, j)| {
        if j < m && scores[i][j] >= MIN_SCORE { (scores[i][j] * 10_000.0).round() as i64 } else { 0 }
    });
    let (_, chosen) = kuhn_munkres(&weights);
    chosen.into_iter().enumerate().map(|(i, j)| (j < m && scores[i][j] >= MIN_SCORE).then_some(j)).collect()
}

/// The fields of a kind a column may be given: its own (not computed, not sub-tables).
pub fn fields_of(kind: &'static KindDef) -> Vec<&'static FieldDef> {
    kind.fields.iter().filter(|f| !f.computed && !matches!(f.ty, Type::Sub(_))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_match_whole_words_and_characters() {
        assert_eq!(phrase_match("Date Raised", "date raised"), 1.0);
        assert!(phrase_match("Risk ID", "id") > 0.6);
        assert_eq!(phrase_match("Paid", "id"), 0.0);
        assert_eq!(phrase_match("Notes", "no"), 0.0);
        assert!(phrase_match("计划开始日期", "开始日期") > 0.7);
        assert_eq!(phrase_match("影响程度（重要性）", "影响程度"), 1.0);
        assert_eq!(phrase_match("Status (Open/Closed)", "status"), 1.0);
        assert_eq!(phrase_match("Conductor:", "conductor"), 1.0);
    }

    #[test]
    fn assignment_is_one_to_one_by_total() {
        // Two columns both like field 0 best; the second fits field 1 nearly as well.
        let s = vec![vec![0.9, 0.1], vec![0.95, 0.85]];
        assert_eq!(assign(&s), vec![Some(0), Some(1)]);
        assert_eq!(assign(&[vec![0.2, 0.1]]), vec![None]);
    }
}
