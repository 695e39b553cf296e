//! `dossier map suggest`: a mapping for sheets nobody here wrote, from their headers **and
//! their cells**. For every sheet: find the header row, profile each column ([`profile`]),
//! score every (column, field) pair by header words and content ([`score`]), give fields
//! one-to-one by the best total for each kind, and keep the kind that fits best — or `skip`;
//! forms (minutes, retrospectives) are read by their labels. Then the value words of each
//! enumeration column, the date order, constants the sheet name implies (`type: issue`, a
//! status) and ids where there are none ([`values`]). Everything it knows is in the lexicon
//! beside the catalogue and in these rules; nothing names a file or a sheet.

mod profile;
mod score;
mod values;
mod words;
mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::ingest::Cell;
use crate::ingest::grid::Grid;
use crate::mapping::{DateOrder, Mapping, SheetKind, Target, column_name};
use crate::model::Lang;
use crate::schema::lexicon::{FIELD_WORDS, KIND_WORDS, SKIP_SHEETS};
use crate::schema::{self, EnumValue, FieldDef, KindDef, Type, normalize};

use profile::Profile;
use score::{HeaderText, assign, content_fit, fields_of, header_score, main_text};

/// Non-blank rows searched for a header row.
const HEADER_SCAN: usize = 30;
/// Data rows profiled per column.
const PROFILE_ROWS: usize = 500;
/// Rows and label cells searched for a form's labels.
const FORM_SCAN: usize = 120;

/// The mapping YAML for the sheets of `files`, keeping every decision of `existing`.
pub fn suggest(files: &[PathBuf], existing: &Mapping, lang: Lang) -> String {
    let mut plans = Vec::new();
    for file in files {
        let display = file.display().to_string();
        for (name, grid) in sheets_of(file) {
            let mut plan = analyse(&display, &name, &grid, lang);
            if let Some(rule) = existing.rule(&display, &name) {
                plan.keep(rule, lang);
            }
            plans.push(plan);
        }
    }
    write::yaml(&plans, existing, lang)
}

/// The sheets of a workbook or CSV file, loaded; unreadable ones are left out (`check`
/// reports them).
fn sheets_of(path: &Path) -> Vec<(String, Grid)> {
    // A reader that panics on a damaged file gives nothing, as one that fails does.
    crate::ingest::quietly(|| {
        if crate::ingest::is_csv(path) {
            crate::ingest::csv::load(path, Lang::En)
                .map(|g| vec![(crate::ingest::csv::sheet_name(path), g)])
                .unwrap_or_default()
        } else if crate::ingest::is_workbook(path) {
            crate::ingest::workbook::grids(path)
        } else {
            Vec::new()
        }
    })
    .unwrap_or_default()
}

/// What the suggester decided for one sheet, with its evidence.
#[derive(Clone, Debug)]
pub(crate) struct SheetPlan {
    pub file: String,
    pub sheet: String,
    pub kind: SheetKind,
    /// Why this kind (or why skipped).
    pub why: String,
    /// 1-based (the upper row of a two-row header).
    pub header_row: Option<u32>,
    pub columns: Vec<ColumnChoice>,
    pub values: Vec<ValueChoice>,
    pub set: Vec<(Target, String, String)>,
    pub ids: Option<(String, String)>,
    pub dates: Option<(DateOrder, String, bool)>,
    /// Decisions taken from a mapping given with `--map`.
    pub kept: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct ColumnChoice {
    pub header: String,
    pub target: Option<Target>,
    pub evidence: String,
    /// How sure the suggestion is, 0–1 (the column's score for its field; 1 for `~` of a
    /// header naming something dossier keeps no field for, and for kept decisions).
    pub confidence: f64,
}

#[derive(Clone, Debug)]
pub(crate) struct ValueChoice {
    pub target: Target,
    /// (word, value or None for `~`, evidence, sure).
    pub words: Vec<(String, Option<&'static EnumValue>, String, bool)>,
}

impl SheetPlan {
    fn skip(file: &str, sheet: &str, why: String) -> SheetPlan {
        SheetPlan {
            file: file.to_string(),
            sheet: sheet.to_string(),
            kind: SheetKind::Skip,
            why,
            header_row: None,
            columns: Vec::new(),
            values: Vec::new(),
            set: Vec::new(),
            ids: None,
            dates: None,
            kept: false,
        }
    }

    /// Takes every decision an existing rule states; keeps the suggestion for the rest.
    fn keep(&mut self, rule: &crate::mapping::SheetRule, lang: Lang) {
        let kept = words::KEPT.get(lang);
        self.kept = true;
        if let Some(k) = rule.kind {
            if k != self.kind {
                self.columns.clear();
                self.values.clear();
                self.set.clear();
                self.ids = None;
            }
            self.kind = k;
            self.why = kept.into();
        }
        if rule.header_row.is_some() {
            self.header_row = rule.header_row;
        }
        for c in &rule.columns {
            let n = normalize(&c.header);
            self.columns.retain(|x| normalize(&x.header) != n && x.target.is_none_or(|t| Some(t) != c.target));
            self.columns.push(ColumnChoice {
                header: c.header.clone(),
                target: c.target,
                evidence: kept.into(),
                confidence: 1.0,
            });
        }
        for v in &rule.values {
            let words: Vec<_> = v.words.iter().map(|(w, val)| (w.clone(), *val, kept.to_string(), true)).collect();
            match self.values.iter_mut().find(|x| x.target == v.target) {
                Some(x) => {
                    for w in words {
                        x.words.retain(|(old, ..)| normalize(old) != normalize(&w.0));
                        x.words.push(w);
                    }
                }
                None => self.values.push(ValueChoice { target: v.target, words }),
            }
        }
        for (t, text) in &rule.set {
            self.set.retain(|(x, ..)| x != t);
            self.set.push((*t, text.clone(), kept.into()));
        }
        if let Some(ids) = &rule.ids {
            self.ids = Some((ids.clone(), kept.into()));
        }
        if let Some(d) = rule.dates {
            self.dates = Some((d, kept.into(), true));
        }
    }
}

/// A column under a candidate header row.
#[derive(Clone, Debug)]
struct Col {
    col: u32,
    /// As the reader composes it (two-row headers joined); `(column A)` without a header.
    header: String,
    headerless: bool,
    profile: Profile,
    /// The header read once, for scoring against every field.
    text: std::rc::Rc<HeaderText>,
    /// The lower row's text alone, for a two-row header.
    lower: Option<std::rc::Rc<HeaderText>>,
}

impl Col {
    fn text_no_field(&self) -> bool {
        self.text.no_field()
    }
}

/// A candidate table: its header row (0-based; the upper row of a two-row header) and columns.
#[derive(Clone, Debug)]
struct Table {
    upper: u32,
    cols: Vec<Col>,
    data_rows: usize,
}

/// A table kind's fit: the total, and each column's field with its score and evidence.
#[derive(Clone, Debug)]
struct Fit {
    name: &'static str,
    total: f64,
    cols: Vec<Option<(&'static FieldDef, f64, String)>>,
}

/// Table kinds, by their mapping names.
const TABLE_KINDS: &[&str] = &["tasks", "risks", "actions", "requirements", "signoffs"];
/// Fields a table of the kind must have for it to be that kind.
fn anchors(kind: &str) -> &'static [&'static str] {
    match kind {
        "tasks" => &["name"],
        "risks" => &["description"],
        "actions" => &["description"],
        "requirements" => &["title"],
        "signoffs" => &["name"],
        "retrospective" => &["highlights", "problems", "improvements"],
        _ => &[],
    }
}

fn analyse(file: &str, sheet: &str, grid: &Grid, lang: Lang) -> SheetPlan {
    let n_sheet = normalize(sheet);
    if SKIP_SHEETS.iter().any(|s| normalize(s) == n_sheet) {
        return SheetPlan::skip(file, sheet, words::say(words::SKIP_NAME, lang, &[("sheet", sheet)]));
    }
    let rows: Vec<u32> = grid.rows.keys().copied().filter(|&r| !grid.is_blank(r)).collect();
    if rows.len() < 2 {
        return SheetPlan::skip(file, sheet, words::FEW_ROWS.get(lang).into());
    }
    let tables = candidate_tables(grid, &rows);
    let mut best: Option<(f64, Table, Fit)> = None;
    for t in &tables {
        for &name in TABLE_KINDS.iter().chain(["retrospective"].iter()) {
            let Some(fit) = fit(t, name, file, sheet, lang) else { continue };
            if best.as_ref().is_none_or(|(s, _, _)| fit.total > *s) {
                best = Some((fit.total, t.clone(), fit));
            }
        }
    }
    let form = form_fit(grid, &rows, file, sheet, lang);
    let table_total = best.as_ref().map_or(0.0, |(s, _, _)| *s);
    if let Some(form) = form.filter(|f| f.total > table_total) {
        return form.into_plan(file, sheet, lang);
    }
    match best {
        Some((total, t, fit)) if total >= 1.2 => table_plan(file, sheet, &t, fit, lang),
        Some((total, _, fit)) => SheetPlan::skip(
            file,
            sheet,
            words::say(words::WEAK, lang, &[("kind", fit.name), ("score", &format!("{total:.2}"))]),
        ),
        None => SheetPlan::skip(file, sheet, words::NO_HEADER.get(lang).into()),
    }
}

/// Header rows worth trying: rows with at least two short texts, the data below them.
fn candidate_tables(grid: &Grid, rows: &[u32]) -> Vec<Table> {
    let mut out = Vec::new();
    for (i, &r) in rows.iter().enumerate().take(HEADER_SCAN) {
        let labels: Vec<&Cell> = grid
            .row(r)
            .filter(|(c, g)| g.origin.is_none_or(|o| o == (r, *c)) && is_label(&g.cell))
            .map(|(_, g)| &g.cell)
            .collect();
        // A header row has two short texts at least, one of them naming a field.
        if labels.len() < 2 || !labels.iter().any(|c| names_a_field(&c.display())) {
            continue;
        }
        let data: Vec<u32> = rows[i + 1..].to_vec();
        if data.is_empty() {
            continue;
        }
        out.push(table_at(grid, r, None, &data));
        // Merged group labels above (`Initial` over `Probability | Impact`).
        if i + 1 < rows.len() && rows[i + 1] == r + 1 && grid.row(r).any(|(c, _)| grid.is_horizontal_copy(r, c)) {
            let data: Vec<u32> = rows[i + 2..].to_vec();
            if !data.is_empty() {
                out.push(table_at(grid, r + 1, Some(r), &data));
            }
        }
    }
    out
}

/// Whether a text names a field of some table kind well (a header, not a value).
fn names_a_field(text: &str) -> bool {
    let h = HeaderText::new(text);
    TABLE_KINDS.iter().chain(["retrospective"].iter()).any(|name| {
        kind_of(name).is_some_and(|(kind, _)| {
            kind.fields.iter().filter(|f| !f.computed).any(|f| header_score(&h, name, f.key, f).0 >= 0.55)
        })
    })
}

fn is_label(cell: &Cell) -> bool {
    match cell {
        Cell::Text(t) => {
            let t = t.trim();
            !t.is_empty()
                && t.chars().count() <= 60
                && crate::ingest::values::parse_date(t, Some(2000)).is_none()
                && t.parse::<f64>().is_err()
        }
        _ => false,
    }
}

/// The columns under header row `r` (with `parent` above for two-row headers), composed as
/// the reader composes them, and their profiles.
fn table_at(grid: &Grid, r: u32, parent: Option<u32>, data: &[u32]) -> Table {
    let mut cols: Vec<u32> = grid.row(r).map(|(c, _)| c).collect();
    if let Some(p) = parent {
        cols.extend(grid.row(p).map(|(c, _)| c));
    }
    for &d in data.iter().take(PROFILE_ROWS) {
        cols.extend(grid.row(d).map(|(c, _)| c));
    }
    cols.sort_unstable();
    cols.dedup();
    let mut out = Vec::new();
    for c in cols {
        if grid.is_horizontal_copy(r, c)
            && parent.is_none_or(|p| grid.is_horizontal_copy(p, c) || grid.get(p, c).is_none())
        {
            continue;
        }
        let child = grid.label(r, c);
        let up = parent.and_then(|p| grid.label(p, c));
        // The lower header of a two-row header names the column too (`Initial` over `Impact`).
        let lower = child.as_deref().filter(|_| up.is_some()).map(|t| std::rc::Rc::new(HeaderText::new(t)));
        let header = match (up, child) {
            (Some(p), Some(ch)) if p != ch => {
                let sep = if p.is_ascii() && ch.is_ascii() { " " } else { "" };
                format!("{p}{sep}{ch}")
            }
            (Some(p), None) => p.into_owned(),
            (_, Some(ch)) => ch.into_owned(),
            (None, None) => String::new(),
        };
        let cells: Vec<&Cell> = data
            .iter()
            .take(PROFILE_ROWS)
            .filter_map(|&d| grid.get(d, c).filter(|g| g.origin.is_none()).map(|g| &g.cell))
            .collect();
        if header.is_empty() && cells.is_empty() {
            continue;
        }
        let headerless = header.is_empty();
        out.push(Col {
            col: c,
            lower,
            text: std::rc::Rc::new(HeaderText::new(&header)),
            header: if headerless { column_name(c) } else { header },
            headerless,
            profile: Profile::of(cells),
        });
    }
    Table { upper: parent.unwrap_or(r), cols: out, data_rows: data.len() }
}

/// How well a table fits a kind: columns given its fields one-to-one; None when a field the
/// kind cannot do without has no column.
fn fit(t: &Table, name: &'static str, file: &str, sheet: &str, lang: Lang) -> Option<Fit> {
    let (kind, _) = kind_of(name)?;
    let fields: Vec<&'static FieldDef> = match name {
        "retrospective" => {
            kind.fields.iter().filter(|f| matches!(f.key, "highlights" | "problems" | "improvements")).collect()
        }
        _ => fields_of(kind),
    };
    let mut evidence: Vec<Vec<String>> = Vec::new();
    let scores: Vec<Vec<f64>> = t
        .cols
        .iter()
        .map(|c| {
            let mut ev = Vec::new();
            let row = fields
                .iter()
                .map(|f| {
                    let (s, ev1) = column_score(c, name, f, lang);
                    ev.push(ev1);
                    s
                })
                .collect();
            evidence.push(ev);
            row
        })
        .collect();
    let chosen = assign(&scores);
    let mut cols = Vec::new();
    let mut total = 0.0;
    for (i, j) in chosen.iter().enumerate() {
        match j {
            Some(j) => {
                total += scores[i][*j];
                cols.push(Some((fields[*j], scores[i][*j], evidence[i][*j].clone())));
            }
            None => cols.push(None),
        }
    }
    let has = |key: &str| cols.iter().flatten().any(|(f, _, _)| f.key == key);
    // One column is a list, not a table of records (a Gantt chart's names beside its bars).
    if cols.iter().flatten().count() < 2 {
        return None;
    }
    let needed = anchors(name);
    let ok = if name == "retrospective" {
        needed.iter().filter(|k| has(k)).count() >= 2
    } else {
        needed.iter().all(|k| has(k))
    };
    if !ok {
        return None;
    }
    total += name_bonus(name, file, sheet);
    // A few rows under many matched headers beat many rows under few; a table with no data
    // row is a template.
    if t.data_rows == 0 {
        total *= 0.5;
    }
    Some(Fit { name, total, cols })
}

/// The score of one column for one field, and its evidence.
fn column_score(c: &Col, kind: &str, f: &'static FieldDef, lang: Lang) -> (f64, String) {
    let p = &c.profile;
    let fit = content_fit(p, f);
    if c.headerless {
        // Only a running number can be read without a header: the id.
        let ok = f.key == "id" && p.n > 0 && p.share(p.ids) >= 0.9 && p.unique() >= 0.9;
        let (k, n) = (p.ids.to_string(), p.n.to_string());
        return if ok {
            (0.6, words::say(words::IDS_NO_HEADER, lang, &[("k", &k), ("n", &n)]))
        } else {
            (0.0, String::new())
        };
    }
    let (mut h, mut phrase) = header_score(&c.text, kind, f.key, f);
    if let Some(lower) = &c.lower
        && let (s, p) = header_score(lower, kind, f.key, f)
        && s > h
    {
        (h, phrase) = (s, p);
    }
    let mut s = h * fit;
    // An enumeration column whose words read as none of the field's codes does not hold it.
    if let Type::Enum(e) = f.ty
        && p.n > 0
        && values::readable_share(e, f.key, p, &c.header) < 0.5
    {
        s *= 0.1;
    }
    // Words that are all the field's values say what the column is, whatever its header.
    if let Type::Enum(e) = f.ty
        && s < 0.45
        && p.n >= 2
        && p.share(p.enum_hits.get(e.name).copied().unwrap_or(0)) >= 0.8
        && !c.text_no_field()
    {
        s = 0.45;
    }
    let cells = describe(p, f, lang);
    let mut ev = if phrase.is_empty() {
        cells
    } else {
        format!("{cells}{}", words::say(words::HEADER, lang, &[("phrase", phrase)]))
    };
    // Ids are recognisable by themselves: unique codes (`T2.1`, `R-001`) or a running number.
    if f.key == "id" && s < 0.55 && p.n >= 2 && p.long == 0 && p.unique() >= 0.9 && !c.text_no_field() {
        let coded = p.share(p.ids) >= 0.9 && (p.ints.len() < p.n || p.is_running());
        if coded {
            s = 0.55;
            ev = words::say(words::IDS_UNIQUE, lang, &[("k", &p.ids.to_string()), ("n", &p.n.to_string())]);
        }
    }
    (s, ev)
}

/// What the cells say about a field, for the evidence comment (`12/12 dates; `).
fn describe(p: &Profile, f: &FieldDef, lang: Lang) -> String {
    let n = p.n.to_string();
    let say = |text, k: usize| words::say(text, lang, &[("k", &k.to_string()), ("n", &n)]);
    if p.n == 0 {
        return format!("{}{}", words::EMPTY.get(lang), words::SEP.get(lang));
    }
    let part = match f.ty {
        Type::Date | Type::DateTime => say(words::DATES, p.dates),
        Type::Percent => say(words::NUMBERS, p.numbers.max(p.percents)),
        Type::Party | Type::Parties => say(words::NAMES, p.parties),
        Type::Enum(_) => say(words::WORDS, p.distinct.len()),
        _ if f.key == "id" => say(words::IDS, p.ids),
        _ => say(words::VALUES, p.n),
    };
    format!("{part}{}", words::SEP.get(lang))
}

/// Kind words in the sheet name (strong) or the file name. Where several kinds' words are
/// in a name, the most specific (longest) wins: "Action Tracker" is an action log.
fn name_bonus(kind: &str, file: &str, sheet: &str) -> f64 {
    let stem = Path::new(file).file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let longest = |text: &str, of: Option<&str>| -> usize {
        let n = normalize(text);
        let toks: Vec<String> = text.to_lowercase().split(|c: char| !c.is_alphanumeric()).map(str::to_string).collect();
        KIND_WORDS
            .iter()
            .filter(|(k, _)| of.is_none_or(|o| *k == o))
            .flat_map(|(_, ws)| ws.iter())
            .filter(|w| {
                if w.is_ascii() && !w.contains(' ') { toks.iter().any(|t| t == *w) } else { n.contains(&normalize(w)) }
            })
            .map(|w| normalize(w).chars().count())
            .max()
            .unwrap_or(0)
    };
    let wins = |text: &str| {
        let mine = longest(text, Some(kind));
        mine > 0 && mine >= longest(text, None)
    };
    let mut bonus = if wins(sheet) {
        1.5
    } else if wins(stem) {
        1.0
    } else {
        0.0
    };
    // A sheet named by one of the kind's statuses (a Kanban column: ToDo, In progress, Done).
    if let Some((k, _)) = kind_of(kind)
        && let Some(Type::Enum(e)) = k.field("status").map(|f| f.ty)
        && values::status_word(e, sheet).is_some()
    {
        bonus += 0.5;
    }
    bonus
}

/// A mapping kind name's catalogue kind and whether it is read one record per row.
fn kind_of(name: &str) -> Option<(&'static KindDef, bool)> {
    match SheetKind::parse(name)? {
        SheetKind::Read { kind, table } => Some((kind, table)),
        SheetKind::Skip => None,
    }
}

fn table_plan(file: &str, sheet: &str, t: &Table, fit: Fit, lang: Lang) -> SheetPlan {
    let (kind, table) = kind_of(fit.name).expect("a table kind");
    let mut plan = SheetPlan::skip(file, sheet, String::new());
    plan.kind = SheetKind::Read { kind, table: table || fit.name != "retrospective" };
    if fit.name == "retrospective" {
        plan.kind = SheetKind::Read { kind, table: false };
    }
    plan.header_row = Some(t.upper + 1);
    let matched = fit.cols.iter().flatten().count();
    let (m, n, rows) = (matched.to_string(), t.cols.len().to_string(), t.data_rows.to_string());
    plan.why = words::say(words::TABLE, lang, &[("m", &m), ("n", &n), ("rows", &rows)]);
    let mut cols = fit.cols.clone();
    values::fix_dates(&t.cols.iter().map(|c| &c.header).collect::<Vec<_>>(), &mut cols, kind, lang);
    for (c, choice) in t.cols.iter().zip(&cols) {
        let choice = match choice {
            Some((f, s, ev)) => ColumnChoice {
                header: c.header.clone(),
                target: Some(Target { kind, field: f, parent: None }),
                evidence: ev.clone(),
                confidence: *s,
            },
            None if c.headerless => continue,
            None => {
                let why =
                    if c.text_no_field() { words::NO_FIELD_FOR } else { words::NO_FIELD_FITS }.get(lang).to_string();
                ColumnChoice { header: c.header.clone(), target: None, evidence: why, confidence: 1.0 }
            }
        };
        plan.columns.push(choice);
    }
    let assigned: BTreeMap<&str, &Col> =
        t.cols.iter().zip(&cols).filter_map(|(c, ch)| ch.as_ref().map(|(f, _, _)| (f.key, c))).collect();
    plan.values = values::value_maps(kind, &assigned, lang);
    // An enumeration column whose words mostly read as no code does not hold that field.
    let unread: Vec<&str> = plan
        .values
        .iter()
        .filter(|v| {
            let col = assigned.get(v.target.field.key);
            let cells = col.map_or(0, |c| c.profile.n).max(1);
            let none: usize = v
                .words
                .iter()
                .filter(|(_, code, _, _)| code.is_none())
                .map(|(w, ..)| col.and_then(|c| c.profile.distinct.iter().find(|(d, _)| d == w)).map_or(0, |(_, n)| *n))
                .sum();
            none * 2 > cells
        })
        .map(|v| v.target.field.key)
        .collect();
    if !unread.is_empty() {
        plan.values.retain(|v| !unread.contains(&v.target.field.key));
        for c in plan.columns.iter_mut().filter(|c| c.target.is_some_and(|t| unread.contains(&t.field.key))) {
            c.evidence = words::say(words::UNREAD_WORDS, lang, &[("field", c.target.map_or("", |t| t.field.key))]);
            c.target = None;
        }
    }
    let assigned: BTreeMap<&str, &Col> = assigned.into_iter().filter(|(k, _)| !unread.contains(k)).collect();
    plan.dates = values::date_order(kind, &assigned, lang);
    plan.set = values::constants(kind, fit.name, file, sheet, &assigned, t, lang);
    plan.ids = values::ids(kind, fit.name, &assigned, lang);
    plan
}

/// A form's fit: its labels and what each names.
struct FormFit {
    name: &'static str,
    total: f64,
    labels: Vec<(String, Option<Target>, String, f64)>,
}

impl FormFit {
    fn into_plan(self, file: &str, sheet: &str, lang: Lang) -> SheetPlan {
        let (kind, _) = kind_of(self.name).expect("a form kind");
        let mut plan = SheetPlan::skip(file, sheet, String::new());
        plan.kind = SheetKind::Read { kind, table: false };
        let n = self.labels.iter().filter(|l| l.1.is_some()).count();
        plan.why = words::say(words::FORM, lang, &[("n", &n.to_string())]);
        let mut seen = std::collections::BTreeSet::new();
        for (label, target, ev, confidence) in self.labels {
            if seen.insert(normalize(&label)) {
                plan.columns.push(ColumnChoice { header: label, target, evidence: ev, confidence });
            }
        }
        plan
    }
}

/// Forms read by their labels: minutes, retrospectives, a requirement form.
fn form_fit(grid: &Grid, rows: &[u32], file: &str, sheet: &str, lang: Lang) -> Option<FormFit> {
    let mut best: Option<FormFit> = None;
    for name in ["meetings", "retrospective", "requirement"] {
        let (kind, _) = kind_of(name)?;
        let mut labels = Vec::new();
        let mut fields = std::collections::BTreeSet::new();
        let mut total = 0.0;
        for &r in rows.iter().take(FORM_SCAN) {
            let cells: Vec<(u32, &Cell)> =
                grid.row(r).filter(|(c, g)| g.origin.is_none_or(|o| o == (r, *c))).map(|(c, g)| (c, &g.cell)).collect();
            let row_labels = cells.iter().filter(|(_, c)| is_label(c)).count();
            for (i, (_, cell)) in cells.iter().enumerate() {
                let Cell::Text(text) = cell else { continue };
                if !is_label(cell) || text.trim().chars().count() > 24 {
                    continue;
                }
                let best_target = form_target(kind, name, text, lang);
                let label_shaped = text.trim_end().ends_with([':', '：']);
                // A header row of a sub-table (≥ 3 short texts) counts its cells as labels too.
                let in_header_row = row_labels >= 3 && cells.len() == row_labels;
                match best_target {
                    Some((target, s, ev)) => {
                        if target.parent.is_none() && fields.insert(target.field.key) {
                            total += s;
                        }
                        labels.push((text.trim().to_string(), Some(target), ev, s));
                    }
                    None if label_shaped || (in_header_row && i + 1 < cells.len()) => {
                        labels.push((text.trim().to_string(), None, words::NO_FIELD_FITS.get(lang).into(), 1.0));
                    }
                    None => {}
                }
            }
        }
        if fields.len() < 3 {
            continue;
        }
        total += name_bonus(name, file, sheet);
        if best.as_ref().is_none_or(|b| total > b.total) {
            best = Some(FormFit { name, total, labels });
        }
    }
    best
}

/// The field (or sub-table field) of a form a label names, when it names one well.
fn form_target(kind: &'static KindDef, name: &str, label: &str, lang: Lang) -> Option<(Target, f64, String)> {
    let text = HeaderText::new(label);
    let mut best: Option<(Target, f64, String)> = None;
    let mut consider = |target: Target, key: &str| {
        let (s, phrase) = header_score(&text, name, key, target.field);
        if s >= 0.85 && best.as_ref().is_none_or(|b| s > b.1) {
            best = Some((target, s, words::say(words::LABEL, lang, &[("phrase", phrase)])));
        }
    };
    for f in kind.fields.iter().filter(|f| !f.computed) {
        consider(Target { kind, field: f, parent: None }, f.key);
        if let Type::Sub(sub) = f.ty
            && let Some(sk) = schema::kind(sub)
        {
            for sf in sk.fields.iter().filter(|f| !f.computed) {
                let key = format!("{}.{}", f.key, sf.key);
                // Sub-table fields count only through the lexicon's words for them.
                if FIELD_WORDS.iter().any(|w| w.kind == name && w.field == key) {
                    consider(Target { kind: sk, field: sf, parent: Some(f.key) }, &key);
                }
            }
        }
    }
    best.filter(|_| !text.no_field() || main_text(label).chars().count() <= 3)
}
