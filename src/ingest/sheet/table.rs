//! Tables: one record per row under a header row, until a notes block or a sign-off block.

use super::form::is_help_text;
use super::*;

impl SheetReader<'_> {
    // -----------------------------------------------------------------------------------------
    // Tables

    pub(super) fn read_table(&self, kind: &'static KindDef, header: &Header, out: &mut FileRead) {
        let plan = self.columns(kind, header, &mut out.diags);
        let rows = self.rows();
        let start = rows.partition_point(|&r| r <= header.row);
        let signoff = crate::schema::kind("signoff");
        let subs: Vec<(Option<&'static str>, &'static KindDef)> =
            signoff.filter(|s| s.key != kind.key).map(|s| (None, s)).into_iter().collect();
        // Checked on every data row, so first a single lookup: sign-off headers start with one
        // of their labels (签字阶段, 部门, 姓名…).
        let stop = |r: u32| {
            subs.first().is_some_and(|(_, sk)| {
                let first = self.grid.row(r).find_map(|(_, g)| match &g.cell {
                    Cell::Text(t) if g.origin.is_none() => Some(t.as_str()),
                    _ => None,
                });
                first.is_some_and(|t| self.field(sk, t).is_some())
            }) && self.sub_header(r, &subs).is_some()
        };
        let (mut records, next) =
            self.read_rows(kind, &plan, header, &rows[start..], Mode::Table, &stop, &mut out.diags);
        // A form kind read one record per row is a register: each row its own project.
        if kind.shape == Shape::Form {
            records.iter_mut().for_each(|r| r.register = true);
        }
        out.records.extend(records);
        // A sign-off block under the table (各部门负责人签字).
        let mut i = start + next;
        while i < rows.len() {
            let Some((_, h)) = self.sub_header(rows[i], &subs) else { break };
            let sk = subs[0].1;
            let plan = self.columns(sk, &h, &mut out.diags);
            let (records, used) = self.read_rows(sk, &plan, &h, &rows[i + 1..], Mode::Sub, &stop, &mut out.diags);
            out.records.extend(records);
            i += 1 + used;
        }
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
        let mut prev = header.row;
        let mut used = 0;
        for &r in rows {
            if mode == Mode::Sub && (r > prev + 1 || g.is_blank(r)) {
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
                || self.is_banner(r, c0)
                || (near_header && self.is_help_row(r, plan))
            {
                continue;
            }
            if let Some(rec) = self.record_of_row(kind, plan, r, first_col, diags) {
                records.push(rec);
            }
        }
        (records, used)
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

    /// A section title merged across the table (`一、筹备阶段`).
    pub(super) fn is_banner(&self, r: u32, c0: u32) -> bool {
        let real: Vec<u32> = self.grid.row(r).filter(|(_, g)| g.origin.is_none()).map(|(c, _)| c).collect();
        real == [c0] && self.grid.is_horizontal_copy(r, c0 + 1)
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
