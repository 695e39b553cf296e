//! Forms: label → value rows, then sub-tables (attendees, agenda, actions, metrics, sign-offs).

use super::*;

impl SheetReader<'_> {
    // -----------------------------------------------------------------------------------------
    // Forms

    /// Label/value pairs of row `r` for `kind`: the row's first cell must be a label (or
    /// `label：value` in one cell); later pairs on the same row are read too
    /// (`项目名称 | X | 验收日期 | Y`). Values skip instruction columns and the seed's own
    /// fill-in help text.
    pub(super) fn label_pairs(&self, kind: &'static KindDef, r: u32, instr: &BTreeSet<u32>) -> Vec<LabelPair> {
        let g = self.grid;
        let cells: Vec<(u32, &GCell)> = g
            .row(r)
            .filter(|(c, gc)| !gc.cell.is_empty() && !instr.contains(c) && !g.is_horizontal_copy(r, *c))
            .collect();
        let label_of = |gc: &GCell| match &gc.cell {
            Cell::Text(t) => self.field(kind, t),
            _ => None,
        };
        let mut pairs = Vec::new();
        let mut i = 0;
        while i < cells.len() {
            let (c, gc) = cells[i];
            if let Some(f) = label_of(gc) {
                let value = cells.get(i + 1).filter(|(_, v)| label_of(v).is_none());
                let value = match value {
                    Some((_, v)) if is_help_text(f, &v.cell) => {
                        // The seed's 填写说明 sits between label and value: take the next cell.
                        i += 1;
                        cells.get(i + 1).filter(|(_, v)| label_of(v).is_none())
                    }
                    other => other,
                };
                match value {
                    Some((vc, v)) => {
                        pairs.push((f, c, Some((v.cell.clone(), *vc, v.formula))));
                        i += 2;
                    }
                    None => {
                        pairs.push((f, c, None));
                        i += 1;
                    }
                }
                continue;
            }
            if let Cell::Text(t) = &gc.cell
                && let Some((f, rest)) = self.split_label(kind, t)
            {
                pairs.push((f, c, Some((Cell::Text(rest), c, false))));
                i += 1;
                continue;
            }
            if let Cell::Text(t) = &gc.cell
                && (matches!(self.decided(kind, t), Some(None)) || t.trim_end().ends_with([':', '：']))
            {
                // A label of something that is no field here (`Project Code:`): skip it and
                // its value, and read on.
                let value_follows = cells.get(i + 1).is_some_and(|(_, v)| label_of(v).is_none());
                i += if value_follows { 2 } else { 1 };
                continue;
            }
            if pairs.is_empty() {
                // The first cell is not a label: not a label row.
                return pairs;
            }
            i += 1;
        }
        pairs
    }

    /// Whether row `r` starts with a label of its own (not a copy of a label merged down
    /// beside a sub-table).
    pub(super) fn starts_with_label(&self, kind: &'static KindDef, r: u32, instr: &BTreeSet<u32>) -> bool {
        let first = self.grid.row(r).find(|(c, g)| !g.cell.is_empty() && !instr.contains(c));
        first.is_some_and(|(_, g)| g.origin.is_none()) && !self.label_pairs(kind, r, instr).is_empty()
    }

    /// `会议时间：2023年9月15日` in one cell.
    pub(super) fn split_label(&self, kind: &'static KindDef, text: &str) -> Option<(&'static FieldDef, String)> {
        let (at, colon) = text.char_indices().find(|(_, ch)| *ch == ':' || *ch == '：')?;
        let (label, rest) = (&text[..at], text[at + colon.len_utf8()..].trim());
        if rest.is_empty() {
            return None;
        }
        self.field(kind, label).map(|f| (f, rest.to_string()))
    }

    pub(super) fn read_form(&self, kind: &'static KindDef, out: &mut FileRead) {
        let g = self.grid;
        let subs = sub_kinds(kind, true);
        let rows: Vec<u32> = g.rows.keys().copied().collect();
        let mut instr: BTreeSet<u32> = BTreeSet::new();
        let mut values: FormValues = Vec::new();
        let mut first_loc: Option<Location> = None;
        let mut sub_records: Vec<(&'static str, Vec<RawRecord>)> = Vec::new();
        let mut signoffs: Vec<RawRecord> = Vec::new();
        // The last label read and its column, for values continuing on the rows below.
        let mut last: Option<(&'static FieldDef, u32)> = None;
        let mut prev: Option<u32> = None;
        let mut i = 0;
        while i < rows.len() {
            let r = rows[i];
            if prev.is_some_and(|p| r > p + 1) || g.is_blank(r) {
                last = None;
            }
            prev = Some(r);
            if g.is_blank(r) {
                i += 1;
                continue;
            }
            if let Some((which, h)) = self.sub_header(r, &subs) {
                let (parent, sk) = subs[which];
                let plan = self.columns(sk, &h, &mut out.diags);
                let stop =
                    |row: u32| self.sub_header(row, &subs).is_some() || self.starts_with_label(kind, row, &instr);
                let (records, used) = self.read_rows(sk, &plan, &h, &rows[i + 1..], Mode::Sub, &stop, &mut out.diags);
                if first_loc.is_none() {
                    first_loc = Some(self.loc(r, h.cols.first().map_or(0, |c| c.col)));
                }
                match parent {
                    Some(key) => match sub_records.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, list)) => list.extend(records),
                        None => sub_records.push((key, records)),
                    },
                    None => signoffs.extend(records),
                }
                i += 1 + used;
                prev = rows.get(i.saturating_sub(1)).copied();
                last = None;
                continue;
            }
            let pairs = self.label_pairs(kind, r, &instr);
            if !pairs.is_empty() {
                for (f, label_col, value) in pairs {
                    if first_loc.is_none() {
                        first_loc = Some(self.loc(r, label_col));
                    }
                    last = Some((f, label_col));
                    if let Some((cell, c, formula)) = value.filter(|(cell, _, _)| !(is_list(f) && is_slot_number(cell)))
                    {
                        push(&mut values, f, (cell, r, c, formula));
                    }
                }
                i += 1;
                continue;
            }
            let cells: Vec<(u32, &GCell)> =
                g.row(r).filter(|(c, gc)| !gc.cell.is_empty() && !g.is_horizontal_copy(r, *c)).collect();
            let found: Vec<u32> = cells
                .iter()
                .filter(|(_, gc)| matches!(&gc.cell, Cell::Text(t) if is_instruction_header(t)))
                .map(|(c, _)| *c)
                .collect();
            if !found.is_empty() {
                instr.extend(found);
                last = None;
                i += 1;
                continue;
            }
            // A value continuing under its label (`目标达成情况` over two rows of metrics).
            if let Some((f, label_col)) = last
                && matches!(f.ty, Type::List | Type::Sub(_) | Type::Text | Type::Markdown)
                && let Some((c, gc)) = cells.iter().find(|(c, _)| !instr.contains(c))
                && *c > label_col
                && !matches!(&gc.cell, Cell::Text(t) if is_notes_start(t))
            {
                if !is_slot_number(&gc.cell) {
                    push(&mut values, f, (gc.cell.clone(), r, *c, gc.formula));
                }
            } else {
                last = None;
            }
            i += 1;
        }
        if values.is_empty() && sub_records.is_empty() {
            out.records.extend(signoffs);
            return;
        }
        let loc = first_loc.unwrap_or_else(|| self.sheet_loc());
        let mut rec = RawRecord::new(kind, loc);
        for (f, list) in values {
            for (cell, r, c, formula) in &list {
                if *formula {
                    out.diags.push(self.formula_warning(f.label.get(self.lang()), f.key, cell, *r, *c));
                }
            }
            let (_, r, c, _) = list[0];
            let mut cells = list.iter().map(|v| v.0.clone());
            let cell = match f.ty {
                _ if list.len() == 1 => cells.next().unwrap_or(Cell::Empty),
                // Text continuing over several rows is one text.
                Type::Text | Type::Markdown => Cell::Text(cells.map(|c| c.display()).collect::<Vec<_>>().join("\n")),
                Type::List | Type::Sub(_) | Type::Parties => Cell::List(cells.collect()),
                // A single value given twice: the first wins, the others are kept as extra.
                _ => {
                    let lang = self.lang();
                    for (dup, dr, dc, _) in &list[1..] {
                        let label = f.label.get(lang);
                        let first = cell_name(r, c);
                        let msg = MSG_DUPLICATE_LABEL.fill(lang, &[("field", label), ("first", &first)]);
                        out.diags.push(
                            Diagnostic::info("extra", self.loc(*dr, *dc), msg)
                                .field(f.key)
                                .value(dup.display())
                                .hint(HINT_DUPLICATE_LABEL.get(lang)),
                        );
                        rec.extra.push((label.to_string(), dup.display()));
                    }
                    cells.next().unwrap_or(Cell::Empty)
                }
            };
            rec.fields.push(RawField { key: f.key, cell, loc: self.loc(r, c) });
        }
        rec.subs = sub_records;
        out.records.push(rec);
        out.records.extend(signoffs);
    }
}

/// A form label's field, its column, and its value cell (value, column, formula without result).
pub(super) type LabelPair = (&'static FieldDef, u32, Option<(Cell, u32, bool)>);

pub(super) type FormValues = Vec<(&'static FieldDef, Vec<(Cell, u32, u32, bool)>)>;

/// Adds a value read for a form field (a label may repeat or continue on the rows below).
pub(super) fn push(values: &mut FormValues, f: &'static FieldDef, v: (Cell, u32, u32, bool)) {
    match values.iter_mut().find(|(k, _)| k.key == f.key) {
        Some((_, list)) => list.push(v),
        None => values.push((f, vec![v])),
    }
}

/// Sub-kinds a form may hold as sub-tables, by parent field key; sign-offs (no parent) last.
pub(super) fn sub_kinds(kind: &'static KindDef, with_signoff: bool) -> Vec<(Option<&'static str>, &'static KindDef)> {
    let mut subs: Vec<(Option<&'static str>, &'static KindDef)> = kind
        .fields
        .iter()
        .filter_map(|f| match f.ty {
            Type::Sub(sub) => schema::kind(sub).map(|k| (Some(f.key), k)),
            _ => None,
        })
        .collect();
    if with_signoff && let Some(s) = schema::kind("signoff") {
        subs.push((None, s));
    }
    subs
}

/// Whether a cell repeats the seed's fill-in help for the field (an instruction column
/// without a header).
pub(super) fn is_help_text(f: &FieldDef, cell: &Cell) -> bool {
    let Cell::Text(t) = cell else { return false };
    let n = normalize(t);
    !n.is_empty() && [f.help.zh_cn, f.help.zh_tw, f.help.en].iter().any(|h| !h.is_empty() && normalize(h) == n)
}

/// A bare item number (`1`, `2.`, `3、`) in a list or text field: an empty numbered slot of a
/// template, not a value.
fn is_slot_number(cell: &Cell) -> bool {
    match cell {
        Cell::Number { value, .. } => value.fract() == 0.0 && (0.0..100.0).contains(value),
        Cell::Text(t) => {
            let t = t.trim().trim_end_matches(['.', '、', ')', '）']);
            !t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

fn is_list(f: &FieldDef) -> bool {
    matches!(f.ty, Type::List | Type::Sub(_) | Type::Text | Type::Markdown)
}
