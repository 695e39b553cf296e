//! Geometry the Gantt charts of PDF and HTML share, in the renderer's own units: where a
//! dependency arrow runs so that it never crosses a bar or a label (along the gaps between
//! rows, down through a column that is free in every row it passes), and where a run of
//! month labels has room.

/// What a chart row holds: the horizontal stretches taken by its bar, marks and labels.
#[derive(Clone, Debug, Default)]
pub struct RowSpans {
    pub taken: Vec<(f32, f32)>,
}

impl RowSpans {
    fn is_free(&self, x: f32, pad: f32) -> bool {
        self.taken.iter().all(|(a, b)| x < a - pad || x > b + pad)
    }
}

/// Rows laid out from `top`, `height` each.
#[derive(Clone, Copy, Debug)]
pub struct Rows {
    pub top: f32,
    pub height: f32,
}

impl Rows {
    fn mid(&self, i: usize) -> f32 {
        self.top + (i as f32 + 0.5) * self.height
    }

    /// The gap (row boundary) under row `i` when going down, above it when going up.
    fn gap(&self, i: usize, down: bool) -> f32 {
        self.top + (i as f32 + if down { 1.0 } else { 0.0 }) * self.height
    }
}

/// The nearest x to `from`, going in `dir` (1 right, −1 left), free in row `spans` (its own
/// bar excepted when `own` is given), at most `reach` away.
fn free_from(spans: &RowSpans, own: Option<(f32, f32)>, from: f32, dir: f32, reach: f32) -> f32 {
    let mut x = from;
    let step = 1.0;
    while (x - from).abs() <= reach {
        let free = spans.taken.iter().filter(|s| Some(**s) != own).all(|(a, b)| x < a - 1.5 || x > b + 1.5);
        if free {
            return x;
        }
        x += dir * step;
    }
    from
}

/// The polyline of a dependency arrow in chart coordinates: from the end of the prerequisite's
/// bar (`from`: row and x) to the start of the task's bar (`to`), leaving and entering each
/// bar's row beside the bar, running along the gaps between rows, and crossing the rows in
/// between through a column free in all of them (the nearest to the task's start). The last
/// point is the arrow's tip.
pub fn route(
    rows: Rows,
    spans: &[RowSpans],
    from: (usize, f32),
    to: (usize, f32),
    bars: ((f32, f32), (f32, f32)),
    axis: (f32, f32),
) -> Vec<(f32, f32)> {
    let ((a, x1), (b, x2)) = (from, to);
    let (ya, yb) = (rows.mid(a), rows.mid(b));
    let none = RowSpans::default();
    let row = |i: usize| spans.get(i).unwrap_or(&none);
    // Leave the prerequisite's row right of its bar, enter the task's row left of its bar.
    let xa = free_from(row(a), Some(bars.0), x1 + 3.0, 1.0, 12.0);
    let xb = free_from(row(b), Some(bars.1), x2 - 4.0, -1.0, 12.0);
    if a == b {
        return vec![(x1, ya), (x2, yb)];
    }
    let down = b > a;
    let (ga, gb) = (rows.gap(a, down), rows.gap(b, !down));
    let mut pts = vec![(x1, ya), (xa, ya), (xa, ga)];
    if a.abs_diff(b) > 1 {
        // The rows strictly between: a column free in every one of them.
        let between: Vec<&RowSpans> = (a.min(b) + 1..a.max(b)).map(row).collect();
        let free = |x: f32| between.iter().all(|r| r.is_free(x, 2.0));
        let mut candidates = vec![xb, xa];
        for r in &between {
            for (s, e) in &r.taken {
                candidates.push(s - 3.0);
                candidates.push(e + 3.0);
            }
        }
        candidates.retain(|x| *x > axis.0 && *x < axis.1);
        let cost = |x: f32| (x - xb).abs() + (x - xa).abs() * 0.5;
        let x = candidates.into_iter().filter(|x| free(*x)).min_by(|p, q| cost(*p).total_cmp(&cost(*q))).unwrap_or(xb);
        pts.push((x, ga));
        pts.push((x, gb));
    }
    pts.push((xb, gb));
    pts.push((xb, yb));
    pts.push((x2, yb));
    pts.dedup();
    pts
}

/// Which labels of a run (x, width) keep: each one must end before the next kept one starts
/// (with `gap`) and before `right`. The first label of the run is the one dropped on a clash
/// with the second when `yield_first` (a partial month giving way to a whole one).
pub fn fitting(labels: &[(f32, f32)], gap: f32, right: f32, yield_first: bool) -> Vec<bool> {
    let mut keep = vec![false; labels.len()];
    let mut end = f32::MIN;
    for (i, (x, w)) in labels.iter().enumerate() {
        let clashes_next = labels.get(i + 1).is_some_and(|(nx, _)| x + w + gap > *nx);
        if i == 0 && yield_first && clashes_next {
            continue;
        }
        if *x >= end && x + w <= right {
            keep[i] = true;
            end = x + w + gap;
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crosses(pts: &[(f32, f32)], rows: Rows, spans: &[RowSpans], skip: &[usize]) -> bool {
        // A vertical segment crossing the middle band of a row where something is drawn.
        pts.windows(2).any(|w| {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            (x0 - x1).abs() < 0.01
                && spans.iter().enumerate().any(|(i, s)| {
                    let (top, bottom) = (rows.top + i as f32 * rows.height, rows.top + (i + 1) as f32 * rows.height);
                    !skip.contains(&i) && y0.min(y1) < bottom - 1.0 && y0.max(y1) > top + 1.0 && !s.is_free(x0, 0.0)
                })
        })
    }

    #[test]
    fn arrows_go_round_the_bars_and_labels_of_the_rows_they_pass() {
        let rows = Rows { top: 20.0, height: 15.0 };
        let spans = vec![
            RowSpans { taken: vec![(100.0, 150.0), (158.0, 200.0)] },
            // A row in between whose bar and label cover the straight way down.
            RowSpans { taken: vec![(140.0, 260.0), (265.0, 300.0)] },
            RowSpans { taken: vec![(110.0, 130.0)] },
            RowSpans { taken: vec![(240.0, 300.0)] },
        ];
        let pts = route(rows, &spans, (0, 150.0), (3, 240.0), ((100.0, 150.0), (240.0, 300.0)), (50.0, 500.0));
        assert_eq!(pts.first(), Some(&(150.0, 27.5)));
        assert_eq!(pts.last(), Some(&(240.0, 72.5)));
        assert!(!crosses(&pts, rows, &spans, &[0, 3]), "{pts:?}");
        // Horizontal runs lie on row boundaries, never through a row's band.
        for w in pts.windows(2) {
            if (w[0].1 - w[1].1).abs() < 0.01 && w[0] != pts[0] && w[1] != *pts.last().unwrap() {
                assert!(((w[0].1 - rows.top) / rows.height).fract().abs() < 0.01, "{pts:?}");
            }
        }
    }

    #[test]
    fn a_partial_month_gives_way_to_the_next_month() {
        assert_eq!(fitting(&[(0.0, 40.0), (30.0, 40.0), (100.0, 40.0)], 4.0, 500.0, true), [false, true, true]);
        assert_eq!(fitting(&[(0.0, 20.0), (30.0, 40.0), (480.0, 40.0)], 4.0, 500.0, true), [true, true, false]);
    }
}
