//! A sheet as a capped sparse grid of cells, whatever file it came from (a workbook sheet, a
//! CSV file): values by absolute (row, column), merged ranges filled into every cell they cover,
//! formulas without a saved result marked.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::ingest::Cell;

/// Rows read per sheet (0-based absolute rows below this). PMO sheets hold 10²–10⁴ rows; a sheet
/// claiming a million rows is bloated formatting, and reading it would cost memory and time.
pub(crate) const MAX_ROWS: u32 = 20_000;
/// Columns read per sheet (A to GR).
pub(crate) const MAX_COLS: u32 = 200;
/// Cell elements visited per pass over a sheet, empty or not: bounds the time spent on sheets
/// with millions of formatted blank cells.
pub(crate) const MAX_VISITS: usize = 3_000_000;
/// Cells written by filling merged ranges, per sheet.
pub(crate) const MAX_MERGE_FILL: usize = 500_000;
/// A merged range: its top-left and bottom-right cells, (row, column), inclusive.
pub(crate) type Merge = ((u32, u32), (u32, u32));

/// One stored cell. Empty cells are never stored.
#[derive(Clone, Debug)]
pub(crate) struct GCell {
    pub(crate) cell: Cell,
    /// Top-left cell of the merged range this cell was filled from (None for a real cell).
    pub(crate) origin: Option<(u32, u32)>,
    /// A formula with no saved result (the cell is `Cell::Error("=…")`).
    pub(crate) formula: bool,
}

/// A sheet's non-empty cells by absolute (row, column), within [`MAX_ROWS`] × [`MAX_COLS`].
#[derive(Default, Debug)]
pub(crate) struct Grid {
    pub(crate) rows: BTreeMap<u32, BTreeMap<u32, GCell>>,
    /// Content beyond the caps was not read.
    pub(crate) truncated: bool,
    /// Reading stopped before the end of the sheet (rows beyond the cap, or the visit budget).
    pub(crate) partial: bool,
}

impl Grid {
    pub(crate) fn get(&self, r: u32, c: u32) -> Option<&GCell> {
        self.rows.get(&r)?.get(&c)
    }

    pub(crate) fn row(&self, r: u32) -> impl Iterator<Item = (u32, &GCell)> {
        self.rows.get(&r).into_iter().flat_map(|m| m.iter().map(|(c, g)| (*c, g)))
    }

    /// A row with nothing but copies of merged cells from elsewhere reads as blank.
    pub(crate) fn is_blank(&self, r: u32) -> bool {
        self.row(r).all(|(_, g)| g.origin.is_some_and(|o| o.0 != r) || g.cell.is_empty())
    }

    /// The text of a cell as a header or label reads it.
    pub(crate) fn label(&self, r: u32, c: u32) -> Option<Cow<'_, str>> {
        let g = self.get(r, c)?;
        match &g.cell {
            Cell::Text(s) => {
                let t = s.trim();
                (!t.is_empty()).then_some(Cow::Borrowed(t))
            }
            Cell::Empty | Cell::Error(_) => None,
            other => Some(Cow::Owned(other.display())),
        }
    }

    /// A copy of a merged cell whose top-left lies to its left in the same merged range.
    pub(crate) fn is_horizontal_copy(&self, r: u32, c: u32) -> bool {
        self.get(r, c).and_then(|g| g.origin).is_some_and(|o| o.1 < c)
    }

    /// Whether the merged range holding (r, c) continues into the next row.
    pub(crate) fn merge_continues_down(&self, r: u32, c: u32) -> bool {
        let Some(g) = self.get(r, c) else { return false };
        let origin = g.origin.unwrap_or((r, c));
        self.get(r + 1, c).is_some_and(|below| below.origin == Some(origin))
    }

    pub(crate) fn put(&mut self, r: u32, c: u32, g: GCell) {
        self.rows.entry(r).or_default().insert(c, g);
    }

    /// Copies the value of each merged range's top-left cell into every cell it covers.
    pub(crate) fn fill_merges(&mut self, merges: &[Merge]) {
        let Some(last_row) = self.rows.keys().next_back().copied() else { return };
        let mut budget = MAX_MERGE_FILL;
        for m in merges {
            let ((r0, c0), (r1, c1)) = *m;
            if r0 >= MAX_ROWS || c0 >= MAX_COLS || r1 < r0 || c1 < c0 || (r0 == r1 && c0 == c1) {
                continue;
            }
            let Some(top) = self.get(r0, c0).cloned() else { continue };
            let (r1, c1) = (r1.min(last_row).min(MAX_ROWS - 1), c1.min(MAX_COLS - 1));
            for r in r0..=r1 {
                for c in c0..=c1 {
                    if (r, c) == (r0, c0) {
                        continue;
                    }
                    if budget == 0 {
                        return;
                    }
                    budget -= 1;
                    self.put(r, c, GCell { cell: top.cell.clone(), origin: Some((r0, c0)), formula: top.formula });
                }
            }
        }
    }
}

/// Collects cells under the caps and the visit budget.
#[derive(Default)]
pub(crate) struct Loader {
    pub(crate) grid: Grid,
    pub(crate) visits: usize,
    /// A cell element without a value was seen (maybe a formula without a saved result).
    pub(crate) saw_empty: bool,
}

impl Loader {
    /// Takes one cell; false means stop reading this sheet.
    pub(crate) fn take(&mut self, (r, c): (u32, u32), cell: Option<Cell>) -> bool {
        self.visits += 1;
        if self.visits > MAX_VISITS {
            self.grid.truncated = true;
            self.grid.partial = true;
            return false;
        }
        if r >= MAX_ROWS || c >= MAX_COLS {
            if cell.is_some() {
                self.grid.truncated = true;
                // Rows come in order: nothing after this row is kept.
                if r >= MAX_ROWS {
                    self.grid.partial = true;
                    return false;
                }
            }
            return true;
        }
        match cell {
            Some(cell) => self.grid.put(r, c, GCell { cell, origin: None, formula: false }),
            None => self.saw_empty = true,
        }
        true
    }

    /// Marks a formula cell that has no saved value.
    pub(crate) fn formula(&mut self, (r, c): (u32, u32), formula: &str) {
        if r < MAX_ROWS && c < MAX_COLS && !formula.is_empty() && self.grid.get(r, c).is_none() {
            let cell = Cell::Error(format!("={formula}"));
            self.grid.put(r, c, GCell { cell, origin: None, formula: true });
        }
    }

    /// The second pass over a sheet with empty cells: which of them are formulas without a
    /// saved result. `next` yields (position, formula text) from either calamine reader.
    pub(crate) fn formulas<E>(
        &mut self,
        mut next: impl FnMut() -> Result<Option<((u32, u32), String)>, E>,
    ) -> Result<(), E> {
        let mut visits = 0usize;
        while let Some((pos, formula)) = next()? {
            visits += 1;
            if pos.0 >= MAX_ROWS || visits > MAX_VISITS {
                break;
            }
            self.formula(pos, &formula);
        }
        Ok(())
    }
}
