//! Deciding what a sheet holds (by its name, its headers or its labels) and where its header
//! row is; turning a header row into column targets.

use super::form::sub_kinds;
use super::*;

impl SheetReader<'_> {
    pub(super) fn plan(&self) -> Result<Plan, Skip> {
        let rows = self.rows();
        if let Some(kind) = self.rule.and_then(|r| r.kind) {
            return self.plan_mapped(kind, &rows);
        }
        let by_name = self
            .ctx
            .schema
            .kind_for_sheet(&self.name)
            .and_then(|k| if k.collection.is_some() { Some(k) } else { parent_form(k) });
        if let Some(kind) = by_name {
            match kind.shape {
                Shape::Table => {
                    if let Some(h) = self.find_header(kind, &rows, 2) {
                        return Ok(Plan::Table(kind, h));
                    }
                }
                Shape::Form => {
                    if self.form_score(kind, &rows, 1) >= 1 {
                        return Ok(Plan::Form(kind));
                    }
                }
            }
        }
        let mut best: Option<(usize, Plan)> = None;
        let prefer_meeting = name_is_date(&self.name);
        for kind in KINDS.iter().filter(|k| k.collection.is_some()) {
            let (score, plan) = match kind.shape {
                Shape::Table => match self.find_header(kind, &rows, 3) {
                    Some(h) => (h.score, Plan::Table(kind, h)),
                    None => continue,
                },
                Shape::Form => {
                    let s = self.form_score(kind, &rows, usize::MAX);
                    if s < 3 {
                        continue;
                    }
                    (s, Plan::Form(kind))
                }
            };
            let better = match &best {
                None => true,
                Some((b, _)) => score > *b || (score == *b && prefer_meeting && kind.key == "meeting"),
            };
            if better {
                best = Some((score, plan));
            }
        }
        best.map(|(_, p)| p).ok_or(match by_name {
            Some(k) if k.shape == Shape::Table => Skip::NoHeader(k),
            _ => Skip::Nothing,
        })
    }

    /// The plan a mapping rule gives: its kind, read at its header row when it names one.
    fn plan_mapped(&self, kind: SheetKind, rows: &[u32]) -> Result<Plan, Skip> {
        let SheetKind::Read { kind, table } = kind else { return Err(Skip::Mapped) };
        let at = self.rule.and_then(|r| r.header_row).map(|r| r - 1);
        let header = match at {
            Some(r) => self.header_near(kind, r),
            None if table => self.find_header(kind, rows, 1),
            None => None,
        };
        match (header, table) {
            (Some(h), true) => Ok(Plan::Table(kind, h)),
            (Some(h), false) => Ok(Plan::Columns(kind, h)),
            (None, false) if at.is_none() => Ok(Plan::Form(kind)),
            (None, _) => Err(Skip::NoHeader(kind)),
        }
    }

    /// The header at row `r` (0-based): that row alone, or with the row below when `r` holds
    /// merged group labels over it (`Initial` over `Probability | Impact`), whichever names
    /// more fields.
    fn header_near(&self, kind: &'static KindDef, r: u32) -> Option<Header> {
        let one = self.header_at(kind, r, None, 1);
        let two = self
            .grid
            .row(r)
            .any(|(c, _)| self.grid.is_horizontal_copy(r, c))
            .then(|| self.header_at(kind, r + 1, Some(r), 1))
            .flatten();
        match (one, two) {
            (Some(a), Some(b)) => Some(if b.score > a.score { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    /// How much a sheet looks like a form of `kind`: distinct labels found, plus the best
    /// sub-table header of its own sub-kinds.
    /// Stops counting at `enough`.
    pub(super) fn form_score(&self, kind: &'static KindDef, rows: &[u32], enough: usize) -> usize {
        let mut fields = BTreeSet::new();
        let none = BTreeSet::new();
        for &r in rows.iter().take(FORM_SCAN) {
            for (f, _, _) in self.label_pairs(kind, r, &none) {
                fields.insert(f.key);
            }
            if fields.len() >= enough {
                return fields.len();
            }
        }
        let subs = sub_kinds(kind, false);
        let sub = rows
            .iter()
            .take(HEADER_SCAN)
            .filter_map(|&r| self.sub_header(r, &subs).map(|(_, h)| h.score))
            .max()
            .unwrap_or(0);
        fields.len() + sub
    }

    /// The best header row for `kind` among the first non-blank rows, single or two-level.
    pub(super) fn find_header(&self, kind: &'static KindDef, rows: &[u32], min: usize) -> Option<Header> {
        let mut best: Option<(usize, Header)> = None;
        for (i, &r) in rows.iter().enumerate().take(HEADER_SCAN) {
            // A clear header was found a few rows up: what follows is data.
            if let Some((at, b)) = &best
                && i > at + 2
                && b.score >= 3
                && b.matched * 2 >= b.cells
            {
                break;
            }
            let mut cand = self.header_at(kind, r, None, min);
            if i > 0
                && rows[i - 1] + 1 == r
                && self.grid.row(r - 1).any(|(c, _)| self.grid.is_horizontal_copy(r - 1, c))
                && let Some(two) = self.header_at(kind, r, Some(r - 1), min)
                && cand.as_ref().is_none_or(|c| two.score > c.score)
            {
                cand = Some(two);
            }
            if let Some(cand) = cand
                && best.as_ref().is_none_or(|(_, b)| cand.score > b.score)
            {
                best = Some((i, cand));
            }
        }
        best.map(|(_, h)| h)
    }

    /// Reads row `r` as a header for `kind`; `parent` is the row above holding merged banners
    /// (`计划` over `开始 | 结束`). None when fewer than `min` distinct fields match.
    pub(super) fn header_at(&self, kind: &'static KindDef, r: u32, parent: Option<u32>, min: usize) -> Option<Header> {
        let g = self.grid;
        let cols: Vec<u32> = match parent {
            None => g.row(r).map(|(c, _)| c).collect(),
            Some(p) => g.row(r).chain(g.row(p)).map(|(c, _)| c).collect::<BTreeSet<u32>>().into_iter().collect(),
        };
        let mut out = Header { row: r, score: 0, matched: 0, cells: 0, cols: Vec::new() };
        let mut seen = BTreeSet::new();
        for c in cols {
            // A label merged down into the data rows names a block, not a column.
            if g.get(r, c).is_some() && g.merge_continues_down(r, c) {
                continue;
            }
            // Only text cells can name a field; a number or date in a header row is kept as
            // the column's name (filled in below, if the row qualifies) but never looked up.
            let is_text = |row: u32| matches!(g.get(row, c).map(|x| &x.cell), Some(Cell::Text(_)));
            if !is_text(r) && parent.is_none_or(|p| !is_text(p)) {
                if g.label(r, c).is_some() {
                    out.cells += 1;
                    out.cols.push(HCol { col: c, text: String::new(), row: r, field: None, merged_with_prev: false });
                }
                continue;
            }
            let child = g.label(r, c);
            let up = parent.and_then(|p| g.label(p, c));
            let (text, field) = match (up, child) {
                (Some(p), Some(ch)) if p != ch => {
                    let sep = if p.is_ascii() && ch.is_ascii() { " " } else { "" };
                    let joined = format!("{p}{sep}{ch}");
                    let field = match self.decided(kind, &joined) {
                        Some(decision) => decision,
                        None => [joined.clone(), format!("{joined}时间"), format!("{joined}日期")]
                            .iter()
                            .find_map(|t| self.m.field(kind, t))
                            .or_else(|| self.field(kind, &ch))
                            .or_else(|| self.field(kind, &p)),
                    };
                    (joined, field)
                }
                // Single texts are copied only if the row qualifies (below).
                (Some(p), None) => (String::new(), self.field(kind, &p)),
                (_, Some(ch)) => (String::new(), self.field(kind, &ch)),
                (None, None) => continue,
            };
            out.cells += 1;
            if let Some(f) = field {
                out.matched += 1;
                seen.insert(f.key);
            }
            let merged_with_prev = g.is_horizontal_copy(r, c);
            out.cols.push(HCol { col: c, text, row: r, field, merged_with_prev });
        }
        // Columns without a header that the mapping names (`"(column A)": id`).
        for (c, col) in self.rule.into_iter().flat_map(|r| r.headerless()) {
            let Some(target) = col.target.filter(|t| t.kind.key == kind.key) else { continue };
            if out.cols.iter().all(|hc| hc.col != c) {
                out.cols.push(HCol {
                    col: c,
                    text: col.header.clone(),
                    row: r,
                    field: Some(target.field),
                    merged_with_prev: false,
                });
                out.cols.sort_by_key(|hc| hc.col);
                out.matched += 1;
                out.cells += 1;
                seen.insert(target.field.key);
            }
        }
        out.score = seen.len();
        if out.score < min.max(1) {
            return None;
        }
        for hc in out.cols.iter_mut().filter(|hc| hc.text.is_empty()) {
            hc.text = g
                .label(r, hc.col)
                .or_else(|| parent.and_then(|p| g.label(p, hc.col)))
                .map(Cow::into_owned)
                .unwrap_or_default();
        }
        Some(out)
    }

    /// A row that opens a sub-table of one of `subs`: ≥ 2 fields matched, covering at least
    /// half of the row's cells. Earlier entries of `subs` win ties.
    pub(super) fn sub_header(
        &self,
        r: u32,
        subs: &[(Option<&'static str>, &'static KindDef)],
    ) -> Option<(usize, Header)> {
        // Cheap test first (this runs on every row of a form): a header row has at least two
        // text cells, and one of its first three names a field of one of the kinds.
        let texts: Vec<&str> = self
            .grid
            .row(r)
            .filter(|(c, g)| g.origin.is_none_or(|o| o.1 == *c))
            .filter_map(|(_, g)| match &g.cell {
                Cell::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .take(3)
            .collect();
        if texts.len() < 2 || !subs.iter().any(|(_, k)| texts.iter().any(|t| self.field(k, t).is_some())) {
            return None;
        }
        let mut best: Option<(usize, Header)> = None;
        for (i, (_, kind)) in subs.iter().enumerate() {
            let Some(h) = self.header_at(kind, r, None, 2) else { continue };
            if h.matched * 2 >= h.cells && best.as_ref().is_none_or(|(_, b)| h.score > b.score) {
                best = Some((i, h));
            }
        }
        best
    }

    /// Turns a header into column targets; reports unmatched and duplicate columns once.
    pub(super) fn columns(&self, kind: &'static KindDef, header: &Header, diags: &mut Vec<Diagnostic>) -> Vec<ColPlan> {
        let lang = self.lang();
        let mut plan: Vec<ColPlan> = Vec::new();
        let mut first_of: HashMap<&'static str, usize> = HashMap::new();
        // When two columns name one field, the column headed by the field's own label wins
        // over an alias (`任务ID` over `序号`); otherwise the first one.
        let mut winner: HashMap<&'static str, usize> = HashMap::new();
        for (i, hc) in header.cols.iter().enumerate().filter(|(_, hc)| !hc.merged_with_prev) {
            let Some(f) = hc.field else { continue };
            let n = normalize(&hc.text);
            let is_label = [f.label.zh_cn, f.label.zh_tw, f.label.en].iter().any(|l| normalize(l) == n);
            match winner.get(f.key) {
                None => {
                    winner.insert(f.key, i);
                }
                Some(&w) if is_label => {
                    let w_text = normalize(&header.cols[w].text);
                    if ![f.label.zh_cn, f.label.zh_tw, f.label.en].iter().any(|l| normalize(l) == w_text) {
                        winner.insert(f.key, i);
                    }
                }
                Some(_) => {}
            }
        }
        for (i, hc) in header.cols.iter().enumerate() {
            let prev = plan.len().checked_sub(1);
            let target = if hc.merged_with_prev
                && let Some(p) = prev
            {
                // One merged header over several columns: their values read as one.
                let base = match plan[p].target {
                    Target::Into(b, _) => b,
                    _ => p,
                };
                Target::Into(base, " ")
            } else {
                match hc.field {
                    Some(f) if f.ty == Type::Party => match first_of.get(f.key) {
                        None => {
                            first_of.insert(f.key, plan.len());
                            Target::Field(f)
                        }
                        // `负责部门 | 负责人`: department and person of one party.
                        Some(&base) => Target::Into(base, "/"),
                    },
                    Some(f) => match winner.get(f.key) {
                        Some(&w) if w == i => Target::Field(f),
                        _ => {
                            let w = winner.get(f.key).map_or(hc.col, |&w| header.cols[w].col);
                            let first = cell_name(header.row, w);
                            let msg = MSG_DUPLICATE.fill(
                                lang,
                                &[
                                    ("header", &hc.text),
                                    ("field", f.label.get(lang)),
                                    ("first", first.trim_end_matches(char::is_numeric)),
                                ],
                            );
                            diags.push(
                                Diagnostic::info("extra", self.loc(hc.row, hc.col), msg)
                                    .field(f.key)
                                    .value(hc.text.clone())
                                    .hint(HINT_DUPLICATE.get(lang)),
                            );
                            Target::Extra
                        }
                    },
                    None => {
                        // A column the mapping says is no field (`~`) is kept without a word.
                        if self.decided(kind, &hc.text).is_none() {
                            diags.push(self.extra_info(kind, hc));
                        }
                        Target::Extra
                    }
                }
            };
            plan.push(ColPlan { col: hc.col, header: hc.text.clone(), target });
        }
        plan
    }

    pub(super) fn extra_info(&self, kind: &'static KindDef, hc: &HCol) -> Diagnostic {
        let lang = self.lang();
        let msg = MSG_EXTRA.fill(lang, &[("header", &hc.text), ("kind", kind.label.get(lang))]);
        let suggestions: Vec<String> = self
            .ctx
            .schema
            .suggest(kind.key, &hc.text)
            .iter()
            .map(|f| match lang {
                Lang::En => format!("{} ({})", f.label.get(lang), f.key),
                _ => format!("{}（{}）", f.label.get(lang), f.key),
            })
            .collect();
        let sep = if lang == Lang::En { ", " } else { "、" };
        let hint = if suggestions.is_empty() {
            HINT_EXTRA_MAP.get(lang).to_string()
        } else {
            HINT_EXTRA_SUGGEST.fill(lang, &[("fields", &suggestions.join(sep))])
        };
        let mut d = Diagnostic::info("extra", self.loc(hc.row, hc.col), msg).value(hc.text.clone()).hint(hint);
        if !suggestions.is_empty() {
            d = d.expected(suggestions.join(sep));
        }
        d
    }

    /// What a sheet no kind claimed looks like: its header row (the row, among the first 30,
    /// with the most text cells, at least 3, with data below) and the table kind whose fields
    /// its headers name or resemble most (catalogue order breaks ties).
    pub(super) fn resemblance(&self) -> Option<Resemblance> {
        let rows = self.rows();
        let texts = |r: u32| {
            self.grid
                .row(r)
                .filter(|(c, g)| g.origin.is_none_or(|o| o == (r, *c)) && matches!(g.cell, Cell::Text(_)))
                .count()
        };
        let mut header: Option<(u32, usize)> = None;
        for &r in rows.iter().take(30) {
            let n = texts(r);
            if n >= 3 && header.is_none_or(|(_, best)| n > best) {
                header = Some((r, n));
            }
        }
        let (hr, _) = header?;
        rows.iter().any(|&r| r > hr).then_some(())?;
        let headers: Vec<(Location, String)> = self
            .grid
            .row(hr)
            .filter_map(|(c, _)| self.grid.label(hr, c).map(|t| (self.loc(hr, c), t.into_owned())))
            .collect();
        let schema = &self.ctx.schema;
        let mut best: Option<(usize, usize, &'static KindDef)> = None;
        for kind in KINDS.iter().filter(|k| k.shape == Shape::Table && k.collection.is_some()) {
            let matched = headers.iter().filter(|(_, h)| schema.field(kind.key, h).is_some()).count();
            let near = headers.iter().filter(|(_, h)| !schema.suggest(kind.key, h).is_empty()).count();
            let score = matched * 2 + near;
            if score > 0 && best.is_none_or(|(s, _, _)| score > s) {
                best = Some((score, matched, kind));
            }
        }
        let (_, matched, kind) = best?;
        Some(Resemblance { sheet: self.name.to_string(), kind, headers, matched })
    }
}
