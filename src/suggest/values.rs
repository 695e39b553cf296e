//! What a sheet needs beyond column names: the code of each word of its enumeration columns
//! (catalogue names, the lexicon's words, numeric and worded scales by rank), its date order,
//! constants its name implies (an issue log's `type: issue`, a Kanban column's status) and
//! ids where it has none.

use std::collections::BTreeMap;

use super::profile::Profile;
use super::{Col, ValueChoice, words};
use crate::mapping::{DateOrder, Target};
use crate::model::Lang;
use crate::schema::lexicon::{ISSUE_WORDS, LEVELS, VALUE_WORDS};
use crate::schema::{EnumDef, EnumValue, FieldDef, KindDef, Type, normalize};

/// A plan's one completion-date column is its planned end unless the header says "actual":
/// a plan lists when things should finish.
pub(super) fn fix_dates(
    headers: &[&String],
    cols: &mut [Option<(&'static FieldDef, f64, String)>],
    kind: &'static KindDef,
    lang: Lang,
) {
    let Some(planned) = kind.field("planned_end") else { return };
    let has = |cols: &[Option<(&'static FieldDef, f64, String)>], key: &str| {
        cols.iter().flatten().any(|(f, _, _)| f.key == key)
    };
    if has(cols, "planned_end") || !has(cols, "actual_end") {
        return;
    }
    for (h, c) in headers.iter().zip(cols.iter_mut()) {
        if let Some((f, s, ev)) = c
            && f.key == "actual_end"
        {
            let n = normalize(h);
            if !n.contains("实际") && !n.contains("actual") {
                *c = Some((planned, *s, format!("{ev}{}{}", words::SEP.get(lang), words::ONLY_END.get(lang))));
            }
        }
    }
}

/// A value map for every enumeration column: the words the catalogue does not read already.
pub(super) fn value_maps(kind: &'static KindDef, cols: &BTreeMap<&str, &Col>, lang: Lang) -> Vec<ValueChoice> {
    let mut out = Vec::new();
    for (key, col) in cols {
        let Some(f) = kind.field(key) else { continue };
        let Type::Enum(e) = f.ty else { continue };
        let p = &col.profile;
        let words = if matches!(f.key, "impact" | "priority") {
            scale_words(e, f.key, p, &col.header, lang)
        } else {
            Vec::new()
        };
        let mut choice = ValueChoice { target: Target { kind, field: f, parent: None }, words };
        for (word, _) in &p.distinct {
            if choice.words.iter().any(|(w, ..)| w == word) || e.lookup(word).is_some() {
                continue;
            }
            let (v, ev, sure) = word_code(e, word, lang);
            choice.words.push((word.clone(), v, ev, sure));
        }
        if !choice.words.is_empty() {
            out.push(choice);
        }
    }
    out
}

/// The share of a column's cells whose words read as one of the enumeration's codes: by the
/// catalogue, the lexicon, a scale, or closely enough.
pub(super) fn readable_share(e: &'static EnumDef, key: &str, p: &Profile, header: &str) -> f64 {
    // Hundreds of different words are no vocabulary: only the catalogue's own names count.
    if p.distinct.len() > 40 {
        let read: usize = p.distinct.iter().filter(|(w, _)| e.lookup(w).is_some()).map(|(_, n)| n).sum();
        return p.share(read);
    }
    let scaled =
        if matches!(key, "impact" | "priority") { scale_words(e, key, p, header, Lang::En) } else { Vec::new() };
    let read: usize = p
        .distinct
        .iter()
        .filter(|(w, _)| {
            e.lookup(w).is_some() || scaled.iter().any(|(s, ..)| s == w) || word_code(e, w, Lang::En).0.is_some()
        })
        .map(|(_, n)| n)
        .sum();
    p.share(read)
}

/// A word's code: the lexicon's, a level named in brackets at its end (`Fix the API (High)`),
/// else the nearest name when close, else none (`~`).
fn word_code(e: &'static EnumDef, word: &str, lang: Lang) -> (Option<&'static EnumValue>, String, bool) {
    if let Some(inner) = trailing_bracket(word)
        && let Some(v) = e.lookup(&inner).or_else(|| word_code(e, &inner, lang).0)
    {
        return (Some(v), words::say(words::BRACKET, lang, &[("inner", &inner)]), true);
    }
    let n = normalize(word);
    if let Some((_, _, code)) = VALUE_WORDS.iter().find(|(en, w, _)| *en == e.name && normalize(w) == n) {
        return (e.value(code), words::say(words::MEANS, lang, &[("word", word), ("code", code)]), true);
    }
    // A longer label holding one value's name (`Ready for testing (QA)`).
    let mut near: Option<(f64, &'static EnumValue)> = None;
    for v in e.values {
        let names = v.names().map(str::to_string).chain(
            VALUE_WORDS.iter().filter(|(en, _, c)| *en == e.name && *c == v.code).map(|(_, w, _)| w.to_string()),
        );
        for name in names {
            let m = normalize(&name);
            if m.chars().count() < 2 {
                continue;
            }
            let s = strsim::normalized_levenshtein(&n, &m);
            if s > near.map_or(0.0, |x| x.0) {
                near = Some((s, v));
            }
        }
    }
    match near {
        Some((s, v)) if s >= 0.75 => (Some(v), words::say(words::CLOSE, lang, &[("code", v.code)]), false),
        _ => (None, words::NO_CODE.get(lang).into(), false),
    }
}

/// The text in brackets at the end of a longer label: `Fix the API (High)` → `High`.
fn trailing_bracket(word: &str) -> Option<String> {
    let t = word.trim().strip_suffix([')', '）'])?;
    let open = t.rfind(['(', '（'])?;
    let inner = t[open..].trim_start_matches(['(', '（']).trim();
    (open > 0 && !inner.is_empty() && inner.chars().count() <= 12).then(|| inner.to_string())
}

/// Scales read by rank: numbers 1–K (impact: higher is worse; priority: 1 is the most
/// urgent) and ordinal words (`Critical / Major / Minor`, `十分重要 / 重要 / 一般`).
fn scale_words(
    e: &'static EnumDef,
    key: &str,
    p: &Profile,
    header: &str,
    lang: Lang,
) -> Vec<(String, Option<&'static EnumValue>, String, bool)> {
    let codes: [&str; 3] = if key == "impact" { ["low", "medium", "high"] } else { ["P2", "P1", "P0"] };
    let level = |i: usize| e.value(codes[i]);
    let mut out = Vec::new();
    if let Some((_, max)) = p.scale() {
        let k = header_scale(header).unwrap_or(0).max(max).max(3) as f64;
        for (word, _) in &p.distinct {
            let Ok(v) = word.parse::<f64>() else { continue };
            let r = if key == "priority" { (k + 1.0 - v) / k } else { v / k };
            let i = if r > 0.76 {
                2
            } else if r > 0.5 {
                1
            } else {
                0
            };
            out.push((
                word.clone(),
                level(i),
                words::say(words::SCALE, lang, &[("word", word), ("k", &k.to_string())]),
                true,
            ));
        }
        return out;
    }
    // Worded levels: rank the sheet's own words when it uses three or more (a scale of its
    // own: in 十分重要 / 重要 / 一般, 一般 is the lowest), else read each.
    let all: Vec<(String, i32)> = p.distinct.iter().filter_map(|(w, _)| intensity(w).map(|i| (w.clone(), i))).collect();
    let ranked: Vec<(String, i32)> =
        if all.len() >= 3 { all } else { all.into_iter().filter(|(w, _)| e.lookup(w).is_none()).collect() };
    let mut levels: Vec<i32> = ranked.iter().map(|(_, i)| *i).collect();
    levels.sort_unstable();
    levels.dedup();
    for (word, i) in ranked {
        let idx = if levels.len() >= 3 {
            let pos = levels.iter().position(|l| *l == i).unwrap_or(0);
            if pos == levels.len() - 1 {
                2
            } else if pos == 0 {
                0
            } else {
                1
            }
        } else if i >= 3 {
            2
        } else if i == 2 {
            1
        } else {
            0
        };
        if e.lookup(&word).map(|v| v.code) != level(idx).map(|v| v.code) {
            out.push((word, level(idx), words::RANK.get(lang).to_string(), true));
        }
    }
    out
}

/// `(1-5)`, `(Scoring 1-4)` in a header: the scale's top.
fn header_scale(header: &str) -> Option<i64> {
    let t: String = header.chars().map(|c| if c == '–' || c == '~' { '-' } else { c }).collect();
    let i = t.find("1-")?;
    t[i + 2..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
        .filter(|&k| (2..=10).contains(&k))
}

/// An ordinal word's level (0–4), compound labels (`重要/不紧急`) adding up their parts.
fn intensity(word: &str) -> Option<i32> {
    let n = word.trim().to_lowercase();
    if let Some((_, l)) = LEVELS.iter().find(|(w, _)| *w == n) {
        return Some(*l);
    }
    let parts: Vec<&str> =
        n.split(['/', '／', '、', ',', '，', '+', '&']).map(str::trim).filter(|s| !s.is_empty()).collect();
    if parts.len() < 2 {
        return None;
    }
    let mut sum = 0;
    for p in parts {
        sum += LEVELS.iter().find(|(w, _)| *w == p).map(|(_, l)| *l)?;
    }
    Some(sum)
}

/// The date order of the plan's ambiguous text dates, when it has any.
pub(super) fn date_order(
    kind: &'static KindDef,
    cols: &BTreeMap<&str, &Col>,
    lang: Lang,
) -> Option<(DateOrder, String, bool)> {
    let mut all = Profile::default();
    for (key, col) in cols {
        if kind.field(key).is_some_and(|f| matches!(f.ty, Type::Date | Type::DateTime)) {
            all.ordered_dates.extend(col.profile.ordered_dates.iter().cloned());
        }
    }
    if all.ordered_dates.is_empty() {
        return None;
    }
    let example = all.ordered_dates[0].clone();
    match all.date_order() {
        Some(o) => Some((o, words::say(words::DATE_ORDER, lang, &[("example", &example)]), true)),
        None => Some((DateOrder::Dmy, words::say(words::DATE_EITHER, lang, &[("example", &example)]), false)),
    }
}

/// Constants the sheet implies: an issue log's rows are issues; a Kanban column's sheet name
/// is its rows' status.
pub(super) fn constants(
    kind: &'static KindDef,
    name: &str,
    file: &str,
    sheet: &str,
    cols: &BTreeMap<&str, &Col>,
    t: &super::Table,
    lang: Lang,
) -> Vec<(Target, String, String)> {
    let mut out = Vec::new();
    if name == "risks"
        && !cols.contains_key("type")
        && let Some(f) = kind.field("type")
    {
        let stem = std::path::Path::new(file).file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let says_issue = |text: &str| {
            let n = normalize(text);
            let toks: Vec<String> =
                text.to_lowercase().split(|c: char| !c.is_alphanumeric()).map(str::to_string).collect();
            ISSUE_WORDS
                .iter()
                .any(|w| if w.is_ascii() { toks.iter().any(|t| t == w) } else { n.contains(&normalize(w)) })
        };
        let says_risk = |text: &str| {
            let n = normalize(text);
            n.contains("risk") || n.contains("风险")
        };
        let headers = || t.cols.iter().filter(|c| cols.values().any(|x| x.col == c.col)).map(|c| c.header.as_str());
        let why = if says_issue(sheet) && !says_risk(sheet) {
            Some(words::say(words::ISSUE_SHEET, lang, &[("sheet", sheet)]))
        } else if !says_risk(sheet) && headers().any(|h| says_issue(h) && !says_risk(h)) {
            Some(words::ISSUE_HEADERS.get(lang).to_string())
        } else if !says_risk(sheet) && says_issue(stem) && !says_risk(stem) {
            Some(words::say(words::ISSUE_FILE, lang, &[("stem", stem)]))
        } else {
            None
        };
        if let Some(why) = why {
            out.push((Target { kind, field: f, parent: None }, "issue".to_string(), why));
        }
    }
    if !cols.contains_key("status")
        && let Some(f) = kind.field("status")
        && let Type::Enum(e) = f.ty
        && let Some(v) = status_word(e, sheet)
    {
        out.push((
            Target { kind, field: f, parent: None },
            v.code.to_string(),
            words::say(words::STATUS_SHEET, lang, &[("sheet", sheet)]),
        ));
    }
    out
}

/// The value a name (a sheet's) is, by the catalogue or the lexicon.
pub(super) fn status_word(e: &'static EnumDef, name: &str) -> Option<&'static EnumValue> {
    let n = normalize(name);
    e.lookup(name).or_else(|| {
        VALUE_WORDS.iter().find(|(en, w, _)| *en == e.name && normalize(w) == n).and_then(|(_, _, c)| e.value(c))
    })
}

/// An id pattern when the kind needs ids and no column holds them.
pub(super) fn ids(
    kind: &'static KindDef,
    name: &str,
    cols: &BTreeMap<&str, &Col>,
    lang: Lang,
) -> Option<(String, String)> {
    if cols.contains_key("id") || !kind.field("id").is_some_and(|f| f.required) {
        return None;
    }
    let prefix = match name {
        "tasks" => "T",
        "risks" => "R",
        "actions" => "A",
        "requirements" => "REQ",
        _ => "ID",
    };
    Some((format!("{prefix}-{{row}}"), words::IDS_MADE.get(lang).into()))
}
