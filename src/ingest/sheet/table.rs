//! Tables: one record per row under a header row, until a notes block or a sign-off block.

use super::form::is_help_text;
use super::*;

impl SheetReader<'_> {
    // -----------------------------------------------------------------------------------------
    // Tables

    pub(super) fn read_table(&self, kind: &'static KindDef, header: &Header, out: &mut FileRead) {
        let rows = self.rows();
        let signoff = crate::schema::kind("signoff");
        let subs: Vec<(Option<&'static str>, &'static KindDef)> =
            signoff.filter(|s| s.key != kind.key).map(|s| (None, s)).into_iter().collect();
        // Checked on every data row, so first a single lookup: sign-off headers start with one
        // of their labels (签字阶段, 部门, 姓名…).
        let signoff_header = |r: u32| {
            subs.first().is_some_and(|(_, sk)| {
                let first = self.grid.row(r).find_map(|(_, g)| match &g.cell {
                    Cell::Text(t) if g.origin.is_none() => Some(t.as_str()),
                    _ => None,
                });
                first.is_some_and(|t| self.field(sk, t).is_some())
            }) && self.sub_header(r, &subs).is_some()
        };
        let mut header = header.clone();
        let mut start = rows.partition_point(|&r| r <= header.row);
        loop {
            let plan = self.columns(kind, &header, &mut out.diags);
            let at = |r: u32| rows.partition_point(|&x| x < r);
            let stop = |r: u32| signoff_header(r) || self.block_start(kind, &header, &rows, at(r)).is_some();
            let (mut records, next) =
                self.read_rows(kind, &plan, &header, &rows[start..], Mode::Table, &stop, &mut out.diags);
            // A form kind read one record per row is a register: each row its own project.
            if kind.shape == Shape::Form {
                records.iter_mut().for_each(|r| r.register = true);
            }
            out.records.extend(records);
            let i = start + next;
            // Another table of the same kind further down (a plan's milestones, then its
            // events, then its documents), under its own header and title.
            if let Some((h_at, h)) = self.block_start(kind, &header, &rows, i) {
                header = h;
                start = h_at + 1;
                continue;
            }
            // A sign-off block under the table (各部门负责人签字).
            let mut i = i;
            while i < rows.len() {
                let Some((_, h)) = self.sub_header(rows[i], &subs) else { break };
                let sk = subs[0].1;
                let plan = self.columns(sk, &h, &mut out.diags);
                let (records, used) =
                    self.read_rows(sk, &plan, &h, &rows[i + 1..], Mode::Sub, &signoff_header, &mut out.diags);
                out.records.extend(records);
                i += 1 + used;
            }
            return;
        }
    }

    /// Where another table of `kind` starts at `rows[i]`: its header row (a row naming at
    /// least two of the kind's fields, most of its cells, and not the current header again),
    /// or a title row right above one. Returns the header's index in `rows` and the header.
    fn block_start(&self, kind: &'static KindDef, current: &Header, rows: &[u32], i: usize) -> Option<(usize, Header)> {
        let r = *rows.get(i)?;
        // Checked on every data row: a new table starts after a gap or under a title only.
        let after_gap = i == 0 || rows[i - 1] + 1 < r;
        if after_gap && let Some(h) = self.block_header(kind, current, r) {
            return Some((i, h));
        }
        let own: Vec<&GCell> =
            self.grid.row(r).filter(|(_, g)| g.origin.is_none() && !g.cell.is_empty()).map(|(_, g)| g).collect();
        let next = *rows.get(i + 1)?;
        if own.len() == 1 && matches!(own[0].cell, Cell::Text(_)) && next == r + 1 {
            return self.block_header(kind, current, next).map(|h| (i + 1, h));
        }
        None
    }

    fn block_header(&self, kind: &'static KindDef, current: &Header, r: u32) -> Option<Header> {
        // Cheap test first (this runs on every data row): two texts, the first naming a field.
        let texts: Vec<&str> = self
            .grid
            .row(r)
            .filter(|(c, g)| g.origin.is_none_or(|o| o.1 == *c))
            .filter_map(|(_, g)| match &g.cell {
                Cell::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        if texts.len() < 2 || self.field(kind, texts[0]).is_none() {
            return None;
        }
        let h = self.header_at(kind, r, None, 2)?;
        let same = h.cols.iter().filter(|c| current.cols.iter().any(|x| x.col == c.col && x.text == c.text)).count();
        (h.matched * 2 >= h.cells && same * 2 < h.cols.len()).then_some(h)
    }

    /// Reads records from `rows` (the rows after `header`) until the run ends; returns them and
    /// how many rows were consumed.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn read_rows(
        &self,
        kind: &'static KindDef,
        plan: &[ColPlan],
        header: &Header,
        rows: &[u32],
        mode: Mode,
        stop: &dyn Fn(u32) -> bool,
        diags: &mut Vec<Diagnostic>,
    ) -> (Vec<RawRecord>, usize) {
        let g = self.grid;
        let first_col = plan.first().map_or(0, |c| c.col);
        let mut records = Vec::new();
        let mut empty = Vec::new();
        let names: BTreeSet<String> =
            header.cols.iter().map(|c| normalize(&c.text)).filter(|t| !t.is_empty()).collect();
        let mut prev = header.row;
        let mut used = 0;
        for &r in rows {
            if mode == Mode::Sub && (r > prev + 1 || g.is_blank(r)) {
                break;
            }
            // A title alone after several blank rows starts another block (a form under the
            // table, a tracking card): the table has ended.
            if mode == Mode::Table && r > prev + 3 && self.is_title(r) {
                break;
            }
            prev = r;
            let first = g.row(r).find(|(c, g)| !g.cell.is_empty() && !self.grid.is_horizontal_copy(r, *c));
            let Some((c0, first)) = first.filter(|_| !g.is_blank(r)) else {
                used += 1;
                continue;
            };
            if let Cell::Text(t) = &first.cell
                && is_notes_start(t)
            {
                break;
            }
            if stop(r) {
                break;
            }
            used += 1;
            // A template's help row sits right under its header, never further down.
            let near_header = used <= 2;
            if self.is_repeated_header(r, plan, header)
                || self.is_label_row(r, &names)
                || self.is_banner(r, c0, plan)
                || (near_header && self.is_help_row(r, plan))
                || is_total(&first.cell)
                || self.is_section(r, plan)
            {
                continue;
            }
            match self.record_of_row(kind, plan, r, first_col, diags) {
                Some(rec) => records.push(rec),
                None => empty.push(r),
            }
        }
        if !empty.is_empty() {
            diags.push(self.rows_skipped(&empty));
        }
        (records, used)
    }

    /// One note for the rows that held nothing a record is made of (pre-numbered rows,
    /// drop-down defaults, the second row of a two-row record).
    fn rows_skipped(&self, rows: &[u32]) -> Diagnostic {
        let lang = self.lang();
        let list = row_ranges(rows);
        let msg = MSG_ROWS_SKIPPED.fill(lang, &[("n", &rows.len().to_string()), ("rows", &list)]);
        Diagnostic::info("row-skipped", self.sheet_loc(), msg).value(list)
    }

    /// A section heading inside a table (`一、概述`, `Phase 2`): the row's only value, in a
    /// table of several columns, numbered like a heading.
    fn is_section(&self, r: u32, plan: &[ColPlan]) -> bool {
        let own: Vec<&GCell> =
            self.grid.row(r).filter(|(_, g)| g.origin.is_none() && !g.cell.is_empty()).map(|(_, g)| g).collect();
        let [only] = own.as_slice() else { return false };
        let Cell::Text(t) = &only.cell else { return false };
        plan.len() >= 3 && is_heading_text(t)
    }

    /// A row with one text and nothing else.
    fn is_title(&self, r: u32) -> bool {
        let own: Vec<&GCell> =
            self.grid.row(r).filter(|(_, g)| g.origin.is_none() && !g.cell.is_empty()).map(|(_, g)| g).collect();
        matches!(own.as_slice(), [g] if matches!(g.cell, Cell::Text(_)))
    }

    /// A row of labels that repeat the header's (a card or block laid out below the table):
    /// every value of its own is short text, one of them a header of the table. `names` are the
    /// header's texts, normalised.
    fn is_label_row(&self, r: u32, names: &BTreeSet<String>) -> bool {
        let mut any = false;
        for (_, g) in self.grid.row(r).filter(|(_, g)| g.origin.is_none() && !g.cell.is_empty()) {
            // Numbers, dates and sentences are values: this runs on every data row, so stop early.
            let Cell::Text(t) = &g.cell else { return false };
            if t.len() > 64 {
                return false;
            }
            let n = normalize(t);
            if names.contains(&n) {
                any = true;
            } else if n.chars().count() > 2 {
                return false;
            }
        }
        any
    }

    /// A header row repeated inside the data (printed pages, pasted blocks).
    pub(super) fn is_repeated_header(&self, r: u32, plan: &[ColPlan], header: &Header) -> bool {
        let same = plan.iter().filter(|c| self.grid.label(r, c.col).is_some_and(|t| t == c.header)).count();
        same >= 2.max(header.score)
    }

    /// A row of fill-in help under the header (a template's 填写说明 row): two or more cells
    /// repeat their field's help text.
    pub(super) fn is_help_row(&self, r: u32, plan: &[ColPlan]) -> bool {
        let help = plan
            .iter()
            .filter(|cp| match cp.target {
                Target::Field(f) => self.grid.get(r, cp.col).is_some_and(|g| is_help_text(f, &g.cell)),
                _ => false,
            })
            .count();
        help >= 2
    }

    /// A title or a summary line merged across the table (`一、筹备阶段`; `项目费用` beside a
    /// total merged over the fields' columns): a cell of the row spans several of the table's
    /// columns, where a record has one value per column. Never a record.
    pub(super) fn is_banner(&self, r: u32, c0: u32, plan: &[ColPlan]) -> bool {
        let real: Vec<u32> = self.grid.row(r).filter(|(_, g)| g.origin.is_none()).map(|(c, _)| c).collect();
        if real == [c0] && self.grid.is_horizontal_copy(r, c0 + 1) {
            return true;
        }
        real.iter().any(|&c| {
            let mut end = c;
            while self.grid.get(r, end + 1).is_some_and(|g| g.origin == Some((r, c))) {
                end += 1;
            }
            plan.iter().filter(|cp| cp.col > c && cp.col <= end && !matches!(cp.target, Target::Into(..))).count() >= 2
        })
    }

    pub(super) fn record_of_row(
        &self,
        kind: &'static KindDef,
        plan: &[ColPlan],
        r: u32,
        first_col: u32,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<RawRecord> {
        // Values per plan column, joined columns folded into their base.
        let mut vals: Vec<Option<(Cell, u32, bool)>> = vec![None; plan.len()];
        for (i, cp) in plan.iter().enumerate() {
            let Some(g) = self.grid.get(r, cp.col).filter(|g| !g.cell.is_empty()) else { continue };
            match cp.target {
                Target::Into(base, sep) => {
                    let slot = &mut vals[base];
                    *slot = Some(match slot.take() {
                        None => (g.cell.clone(), cp.col, g.formula),
                        Some((a, c, f)) if a == g.cell && g.origin.is_some() => (a, c, f),
                        Some((a, c, f)) => {
                            (Cell::Text(format!("{}{sep}{}", a.display(), g.cell.display())), c, f || g.formula)
                        }
                    });
                }
                _ => vals[i] = Some((g.cell.clone(), cp.col, g.formula)),
            }
        }
        // A record needs a value of its own (not a merged copy, not a placeholder) in a field
        // that says what the row is: text, a person, a date, a list. Numbering, drop-down
        // defaults and formula results alone are not a record.
        let substantive = plan.iter().any(|cp| {
            let Target::Field(f) = cp.target else { return false };
            self.grid.get(r, cp.col).is_some_and(|g| {
                g.origin.is_none()
                    && says_what(f)
                    && !matches!(&g.cell, Cell::Text(t) if is_placeholder(t))
                    && !g.cell.is_empty()
            })
        });
        if !substantive {
            return None;
        }
        let mut rec = RawRecord::new(kind, self.loc(r, first_col));
        for (cp, val) in plan.iter().zip(vals) {
            let Some((cell, c, formula)) = val else { continue };
            let base = match cp.target {
                Target::Into(b, _) => &plan[b],
                _ => cp,
            };
            match base.target {
                Target::Field(f) => {
                    if formula {
                        diags.push(self.formula_warning(f.label.get(self.lang()), f.key, &cell, r, c));
                    }
                    rec.fields.push(RawField { key: f.key, cell, loc: self.loc(r, c) });
                }
                _ => {
                    if formula {
                        diags.push(self.formula_warning(&base.header, "", &cell, r, c));
                    }
                    rec.extra.push((base.header.clone(), cell.display()));
                }
            }
        }
        (!rec.fields.is_empty()).then_some(rec)
    }

    pub(super) fn formula_warning(&self, label: &str, key: &str, cell: &Cell, r: u32, c: u32) -> Diagnostic {
        let lang = self.lang();
        let formula = cell.display();
        let msg = MSG_FORMULA.fill(lang, &[("field", label), ("formula", &formula)]);
        let mut d = Diagnostic::warning("formula", self.loc(r, c), msg)
            .value(formula)
            .expected(EXPECTED_FORMULA.get(lang))
            .hint(HINT_FORMULA.get(lang));
        if !key.is_empty() {
            d = d.field(key);
        }
        d
    }

    /// A form given as columns under a header row: each mapped column's cells down the sheet
    /// (to a notes block) are its field's values — a list for list fields, one text for text
    /// fields, the first value otherwise. One record.
    pub(super) fn read_columns(&self, kind: &'static KindDef, header: &Header, out: &mut FileRead) {
        let plan = self.columns(kind, header, &mut out.diags);
        let rows: Vec<u32> = self.rows().into_iter().filter(|&r| r > header.row).collect();
        let end = rows
            .iter()
            .position(|&r| {
                self.grid
                    .row(r)
                    .any(|(_, g)| matches!(&g.cell, Cell::Text(t) if g.origin.is_none() && is_notes_start(t)))
            })
            .unwrap_or(rows.len());
        let mut rec = RawRecord::new(kind, self.loc(header.row, header.cols.first().map_or(0, |c| c.col)));
        for cp in &plan {
            let Target::Field(f) = cp.target else { continue };
            let cells: Vec<(Cell, u32)> = rows[..end]
                .iter()
                .filter_map(|&r| {
                    self.grid
                        .get(r, cp.col)
                        .filter(|g| !g.cell.is_empty() && g.origin.is_none())
                        .map(|g| (g.cell.clone(), r))
                })
                .collect();
            let Some(&(_, first_row)) = cells.first() else { continue };
            let cell = match f.ty {
                Type::List | Type::Sub(_) | Type::Parties => Cell::List(cells.into_iter().map(|(c, _)| c).collect()),
                Type::Text | Type::Markdown => {
                    Cell::Text(cells.iter().map(|(c, _)| c.display()).collect::<Vec<_>>().join("\n"))
                }
                _ => cells.into_iter().next().map(|(c, _)| c).unwrap_or(Cell::Empty),
            };
            rec.fields.push(RawField { key: f.key, cell, loc: self.loc(first_row, cp.col) });
        }
        if !rec.fields.is_empty() {
            out.records.push(rec);
        }
    }
}

/// Fields whose value says what a row is about (not its number, a drop-down choice or a
/// computed figure).
fn says_what(f: &FieldDef) -> bool {
    f.key != "id"
        && matches!(
            f.ty,
            Type::Text
                | Type::Markdown
                | Type::Party
                | Type::Parties
                | Type::Date
                | Type::DateTime
                | Type::List
                | Type::Quantity
        )
}

/// A subtotal or total row (`小计`, `合计`, `Total`).
fn is_total(cell: &Cell) -> bool {
    let Cell::Text(t) = cell else { return false };
    if t.len() > 24 {
        return false;
    }
    let n = normalize(t);
    ["小计", "合计", "总计", "共计", "总计:", "total", "subtotal", "grandtotal", "sum", "totals"].contains(&n.as_str())
}

/// `一、概述`, `(二)实施`, `第一阶段`, `Phase 2`, `Part B`, `III. Testing`: numbered like a heading.
fn is_heading_text(t: &str) -> bool {
    let t = t.trim();
    let cn = "一二三四五六七八九十";
    let mut chars = t.chars();
    let first = chars.next().unwrap_or(' ');
    if cn.contains(first) {
        let rest: String = t.chars().skip_while(|c| cn.contains(*c)).take(1).collect();
        return matches!(rest.as_str(), "、" | "." | "．" | "：" | ":");
    }
    if (first == '(' || first == '（') && t.chars().nth(1).is_some_and(|c| cn.contains(c)) {
        return true;
    }
    if t.starts_with('第') && t.chars().nth(1).is_some_and(|c| cn.contains(c) || c.is_ascii_digit()) {
        return t.contains(['阶', '部', '章', '期', '节', '階', '節']);
    }
    let lower = t.to_lowercase();
    ["phase ", "stage ", "part ", "section ", "sprint "].iter().any(|p| lower.starts_with(p) && lower.len() <= 40)
}

/// Rows as ranges: `5–12, 15`.
fn row_ranges(rows: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let mut j = i;
        while j + 1 < rows.len() && rows[j + 1] == rows[j] + 1 {
            j += 1;
        }
        out.push(if j > i { format!("{}–{}", rows[i] + 1, rows[j] + 1) } else { (rows[i] + 1).to_string() });
        i = j + 1;
    }
    out.join(", ")
}
