//! Vector graphics of the documents: KPI cards, the Gantt chart (cut into page-sized slices
//! that each repeat the time axis), the legend, and the metric achievement bars.

use super::draw::{Op, Rgb, Stroke};
use super::layout::{Flow, Geometry, INK, Item, MUTED, RULE, Style, cursor};
use crate::render::gantt::{RowSpans, Rows, fitting, route};
use crate::report::plan::OVERDUE_STROKE;
use crate::report::{Gantt, Kpi, MetricRow, Swatch};

/// Text colour and background of a tone (`ok`, `info`, `warn`, `bad`, `muted`).
pub fn tone(t: &str) -> (Rgb, Rgb) {
    match t {
        "ok" => (Rgb(0x1a, 0x7f, 0x37), Rgb(0xda, 0xf5, 0xe0)),
        "info" => (Rgb(0x09, 0x5f, 0xc4), Rgb(0xdd, 0xee, 0xff)),
        "warn" => (Rgb(0x9a, 0x5b, 0x00), Rgb(0xff, 0xf1, 0xc2)),
        "bad" => (Rgb(0xc4, 0x1e, 0x2a), Rgb(0xff, 0xe4, 0xe1)),
        _ => (Rgb(0x57, 0x60, 0x6a), Rgb(0xea, 0xee, 0xf2)),
    }
}

/// Fill of a bar of a tone: stronger than the badge background, lighter than the text.
pub fn bar_fill(t: &str) -> Rgb {
    match t {
        "ok" => Rgb(0x3f, 0xa9, 0x5c),
        "info" => Rgb(0x3b, 0x82, 0xd6),
        "warn" => Rgb(0xe0, 0x9b, 0x1a),
        "bad" => Rgb(0xd9, 0x43, 0x43),
        _ => Rgb(0xa3, 0xac, 0xb6),
    }
}

/// A text op at a baseline, with its width.
pub fn text(flow: &mut Flow, x: f32, baseline: f32, s: &str, style: Style) -> (Op, f32) {
    let glyphs = flow.sh.glyphs_as(s, style.bold);
    let w = glyphs.iter().map(|g| g.advance).sum::<f32>() * style.size / 1000.0;
    (Op::Text { x, y: baseline, size: style.size, color: style.color, bold: style.bold, glyphs }, w)
}

/// The text cut with an ellipsis to fit `max` points.
pub fn fit(flow: &mut Flow, s: &str, max: f32, size: f32) -> String {
    if flow.sh.width(s, size) <= max {
        return s.to_string();
    }
    let ell = flow.sh.width("…", size);
    let mut out = String::new();
    let mut w = ell;
    for c in s.chars() {
        let cw = flow.sh.width(c.encode_utf8(&mut [0; 4]), size);
        if w + cw > max {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.push('…');
    out
}

/// KPI cards in rows of up to six, as one item per row.
pub fn cards(flow: &mut Flow, cards: &[Kpi]) {
    let gap = 8.0;
    let h = 50.0;
    for (ri, chunk) in cards.chunks(6).enumerate() {
        let n = chunk.len().max(3) as f32;
        let w = (flow.width - gap * (n - 1.0)) / n;
        let mut ops = Vec::new();
        for (i, c) in chunk.iter().enumerate() {
            let x = i as f32 * (w + gap);
            let (fg, _) = tone(c.tone);
            ops.push(Op::Rect {
                x,
                y: 0.0,
                w,
                h,
                fill: Some(Rgb(0xfb, 0xfc, 0xfd)),
                stroke: Some(Stroke::solid(RULE, 0.6)),
                radius: 3.0,
            });
            ops.push(Op::Rect { x, y: 0.0, w: 3.0, h, fill: Some(bar_fill(c.tone)), stroke: None, radius: 0.0 });
            let value = fit(flow, &c.value, w - 16.0, 16.0);
            let (t, _) = text(flow, x + 10.0, 21.0, &value, Style::new(16.0, fg).bold());
            ops.push(t);
            let label = fit(flow, &c.label, w - 16.0, 8.0);
            let (t, _) = text(flow, x + 10.0, 34.0, &label, Style::new(8.0, INK));
            ops.push(t);
            if !c.note.is_empty() {
                let note = fit(flow, &c.note, w - 16.0, 7.0);
                let (t, _) = text(flow, x + 10.0, 44.0, &note, Style::new(7.0, MUTED));
                ops.push(t);
            }
        }
        flow.push(Item { height: h, ops, space_before: if ri > 0 { gap } else { 4.0 }, ..Item::default() });
    }
}

const ROW_H: f32 = 15.0;
const AXIS_H: f32 = 26.0;
const BAR_H: f32 = 8.0;
const STRIPE: Rgb = Rgb(0xf5, 0xf7, 0xf9);

/// `#3b82d6` → its colour (grey for anything else).
pub fn hex(s: &str) -> Rgb {
    let v = u32::from_str_radix(s.trim_start_matches('#'), 16).unwrap_or(0xa3acb6);
    Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

/// Labels of the Gantt legend: a swatch per status, the overdue mark, then actual end,
/// today, dependency.
pub struct GanttLabels<'a> {
    pub legend: &'a str,
    pub swatches: &'a [Swatch],
    pub actual_end: &'a str,
    pub today: &'a str,
    pub dependency: &'a str,
    /// Written in the row of a task without dates.
    pub no_dates: &'a str,
}

/// A bar: its status colour, and for an overdue task a dark outline and hatching.
fn bar(ops: &mut Vec<Op>, x: f32, y: f32, w: f32, h: f32, fill: Rgb, overdue: bool) {
    ops.push(Op::Rect { x, y, w, h, fill: Some(fill), stroke: None, radius: 1.5 });
    if overdue {
        let ink = hex(OVERDUE_STROKE);
        // Diagonal hatching, each stroke cut to the bar.
        let stroke = Stroke::solid(ink, 0.5);
        let step = 3.0;
        let mut k = x - h;
        while k < x + w {
            let (x0, y0) = if k < x { (x, y + h - (x - k)) } else { (k, y + h) };
            let (x1, y1) = if k + h > x + w { (x + w, y + h - (x + w - k)) } else { (k + h, y) };
            if x1 > x0 {
                ops.push(Op::Line { x1: x0, y1: y0, x2: x1, y2: y1, stroke });
            }
            k += step;
        }
        ops.push(Op::Rect { x, y, w, h, fill: None, stroke: Some(Stroke::solid(ink, 0.9)), radius: 1.5 });
    }
}

/// The Gantt chart, in slices that fit the page: the first fills what is left of the
/// current page, each repeats the time axis; the legend follows. Arrows run between rows and
/// through free columns, never across bars or labels; a label a line would cross sits on a
/// patch of its row's background, so no line strikes through text.
pub fn gantt(flow: &mut Flow, g: &Gantt, geometry: &Geometry, labels: &GanttLabels) {
    let w = flow.width;
    let label_w = (w * 0.26).min(210.0);
    let small = 7.0;
    // Room on the right for the status written after the last bars.
    let status_w = g.rows.iter().map(|r| flow.sh.width(&status_text(r), small)).fold(0.0, f32::max);
    let right_pad = (status_w + 12.0).min(w * 0.16).max(8.0);
    let axis_x = label_w + 4.0;
    let axis_w = w - axis_x - right_pad;
    let day = axis_w / g.days.max(1) as f32;
    let x_of = |offset: i64| axis_x + offset as f32 * day;
    let today_style = Style::new(small, tone("bad").0).bold();
    // The today label, centred on its line, kept inside the chart; or, when today lies far
    // outside, the edge marker at that edge.
    let today = g.today.map(|t| {
        let x = axis_x + (t as f32 + 0.5) * day;
        let lw = flow.sh.width_as(&g.today_label, small, true);
        (Some(x), (x - lw / 2.0).min(w - lw).max(axis_x), lw, g.today_label.clone())
    });
    let today = today.or_else(|| {
        g.today_edge.as_ref().map(|e| {
            let lw = flow.sh.width_as(&e.label, small, true);
            let lx = if e.side == "right" { w - lw } else { axis_x + 2.0 };
            (None, lx, lw, e.label.clone())
        })
    });

    // Where the flow stands on its page now, to fill the rest of it with the first slice.
    let used = cursor(&flow.laid, geometry) - geometry.top;
    let body = geometry.body_height();
    // The section heading is already placed (it keeps with the first slice).
    let room_first = body - used;
    let per_page = ((body - AXIS_H - 24.0) / ROW_H).floor().max(4.0) as usize;
    let first = ((room_first - AXIS_H - 8.0) / ROW_H).floor().max(0.0) as usize;
    let first = if first < 4 { per_page } else { first.min(per_page) };

    // Every row's bar, actual-end mark and status label, laid out once for all slices.
    let leaves: Vec<bool> =
        (0..g.rows.len()).map(|i| g.rows.iter().any(|o| o.depends_on.iter().any(|d| d.row == i))).collect();
    let bar_of = |i: usize| -> Option<(f32, f32)> {
        let r = &g.rows[i];
        match (r.start, r.end) {
            (Some(s), Some(e)) => Some((x_of(s), (x_of(e + 1) - x_of(s)).max(2.0))),
            _ => None,
        }
    };
    struct Placed {
        bar: Option<(f32, f32)>,
        actual: Option<f32>,
        status: Option<(f32, String, Rgb, f32)>,
        spans: RowSpans,
    }
    let placed: Vec<Placed> = (0..g.rows.len())
        .map(|i| {
            let r = &g.rows[i];
            let bar = bar_of(i);
            let actual = r.actual_end.map(|a| x_of(a + 1));
            let mut spans = RowSpans::default();
            if let Some((bx, bw)) = bar {
                spans.taken.push((bx, bx + bw));
            }
            if let Some(x) = actual {
                spans.taken.push((x - 3.5, x + 3.5));
            }
            let mut right = bar.map_or(axis_x, |(bx, bw)| bx + bw);
            if let Some(x) = actual {
                right = right.max(x + 3.5);
            }
            let status = status_text(r);
            let status = if bar.is_none() && actual.is_none() {
                let t = if status.is_empty() {
                    labels.no_dates.to_string()
                } else {
                    format!("{} · {status}", labels.no_dates)
                };
                let sw = flow.sh.width(&t, small);
                Some((axis_x + 4.0, t, MUTED, sw))
            } else if status.is_empty() {
                None
            } else {
                let color = if r.delay.is_empty() { MUTED } else { tone("bad").0 };
                let sw = flow.sh.width(&status, small);
                let gap = if leaves[i] { 9.0 } else { 4.0 };
                let gap_in = if r.depends_on.is_empty() { 4.0 } else { 10.0 };
                let left = bar.map_or(axis_x, |(bx, _)| bx);
                let x = if right + gap + sw <= w {
                    right + gap
                } else if left - gap_in - sw >= axis_x {
                    left - gap_in - sw
                } else {
                    // Neither side has room: write it in the bar's row, clipped to the chart.
                    (w - sw).max(axis_x + 2.0)
                };
                Some((x, status, color, sw))
            };
            if let Some((x, _, _, sw)) = &status {
                spans.taken.push((*x - 1.0, *x + sw + 1.0));
            }
            Placed { bar, actual, status, spans }
        })
        .collect();

    let n = g.rows.len();
    let mut start = 0;
    let mut slice_no = 0;
    while start < n || (n == 0 && slice_no == 0) {
        let count = if slice_no == 0 { first } else { per_page }.min(n - start);
        let rows = start..start + count;
        let mut ops = Vec::new();
        let height = AXIS_H + count as f32 * ROW_H + 4.0;
        let bottom = AXIS_H + count as f32 * ROW_H;
        let mid = |i: usize| AXIS_H + (i - rows.start) as f32 * ROW_H + ROW_H / 2.0;
        let striped = |i: usize| (i - rows.start) % 2 == 1;
        for i in rows.clone().filter(|i| striped(*i)) {
            ops.push(Op::Rect {
                x: 0.0,
                y: AXIS_H + (i - start) as f32 * ROW_H,
                w,
                h: ROW_H,
                fill: Some(STRIPE),
                stroke: None,
                radius: 0.0,
            });
        }
        // Axis: major ticks (months) labelled above the minor ones (weeks).
        let major_style = Style::new(small + 0.5, INK).bold();
        let majors: Vec<(f32, f32)> = g
            .ticks
            .iter()
            .filter(|t| t.major)
            .map(|t| (x_of(t.offset) + 2.0, flow.sh.width_as(&t.label, major_style.size, true)))
            .collect();
        let partial_first = g.ticks.first().is_some_and(|t| t.major && t.offset == 0);
        let keep_major = fitting(&majors, 6.0, w, partial_first);
        let mut mi = 0;
        for t in &g.ticks {
            let x = x_of(t.offset);
            let stroke = if t.major {
                Stroke::solid(Rgb(0x9a, 0xa4, 0xae), 0.6)
            } else {
                Stroke::solid(Rgb(0xdd, 0xe2, 0xe7), 0.4)
            };
            if t.offset > 0 {
                ops.push(Op::Line { x1: x, y1: if t.major { 2.0 } else { 14.0 }, x2: x, y2: bottom, stroke });
            }
            if t.major {
                let keep = keep_major.get(mi).copied().unwrap_or(false);
                mi += 1;
                if keep {
                    let (op, _) = text(flow, x + 2.0, 9.5, &t.label, major_style);
                    ops.push(op);
                }
                continue;
            }
            let style = Style::new(small - 0.5, MUTED);
            let lw = flow.sh.width(&t.label, style.size);
            // A minor label that would run into a major one, the today label, or past the
            // edge, is left out (its line stays).
            if majors.iter().any(|(m, mw)| x + 2.0 < m + mw + 3.0 && x + 2.0 + lw > m - 3.0) {
                continue;
            }
            if today.as_ref().is_some_and(|(_, tl, tw, _)| x + 2.0 < tl + tw + 3.0 && x + 2.0 + lw > tl - 3.0) {
                continue;
            }
            if t.label.is_empty() || x + 2.0 + lw > w {
                continue;
            }
            let (op, _) = text(flow, x + 2.0, 21.5, &t.label, style);
            ops.push(op);
        }
        ops.push(Op::Line { x1: 0.0, y1: AXIS_H, x2: w, y2: AXIS_H, stroke: Stroke::solid(RULE, 0.6) });
        ops.push(Op::Line { x1: 0.0, y1: bottom, x2: w, y2: bottom, stroke: Stroke::solid(RULE, 0.6) });
        ops.push(Op::Line { x1: axis_x, y1: AXIS_H - 12.0, x2: axis_x, y2: bottom, stroke: Stroke::solid(RULE, 0.6) });
        if let Some((Some(x), ..)) = &today {
            ops.push(Op::Line {
                x1: *x,
                y1: AXIS_H - 3.0,
                x2: *x,
                y2: bottom,
                stroke: Stroke::dashed(tone("bad").0, 0.8, 2.5, 1.5),
            });
        }

        // Dependency arrows, under the bars.
        let lanes = Rows { top: AXIS_H - rows.start as f32 * ROW_H, height: ROW_H };
        let spans: Vec<RowSpans> = placed.iter().map(|p| p.spans.clone()).collect();
        let dep_stroke = Stroke::solid(Rgb(0x6e, 0x77, 0x81), 0.6);
        for i in rows.clone() {
            let Some((to_x, to_w)) = placed[i].bar else { continue };
            for d in &g.rows[i].depends_on {
                if !rows.contains(&d.row) {
                    continue;
                }
                let Some((fx, fw)) = placed[d.row].bar else { continue };
                let pts = route(
                    lanes,
                    &spans,
                    (d.row, fx + fw),
                    (i, to_x),
                    ((fx, fx + fw), (to_x, to_x + to_w)),
                    (axis_x, w),
                );
                let (x2, y2) = *pts.last().expect("a tip");
                let mut line = pts.clone();
                if let Some(last) = line.last_mut() {
                    last.0 -= 0.5;
                }
                ops.push(Op::Poly { points: line, close: false, fill: None, stroke: Some(dep_stroke) });
                ops.push(Op::Poly {
                    points: vec![(x2, y2), (x2 - 3.5, y2 - 2.0), (x2 - 3.5, y2 + 2.0)],
                    close: true,
                    fill: Some(dep_stroke.color),
                    stroke: None,
                });
            }
        }

        for i in rows.clone() {
            let r = &g.rows[i];
            let p = &placed[i];
            let y = mid(i);
            let indent = 2.0 + r.depth.min(4) as f32 * 7.0;
            let full = format!("{} {}", r.id, r.name);
            let label = fit(flow, &full, label_w - indent - 2.0, small + 0.5);
            let (op, _) = text(flow, indent, y + 2.8, &label, Style::new(small + 0.5, INK));
            ops.push(op);
            if let Some((bx, bw)) = p.bar {
                bar(&mut ops, bx, y - BAR_H / 2.0, bw, BAR_H, hex(r.fill), r.overdue);
            }
            if let Some(x) = p.actual {
                ops.push(Op::Poly {
                    points: vec![(x, y - 4.5), (x + 3.2, y), (x, y + 4.5), (x - 3.2, y)],
                    close: true,
                    fill: Some(INK),
                    stroke: Some(Stroke::solid(Rgb::WHITE, 0.5)),
                });
            }
            if let Some((x, s, color, sw)) = &p.status {
                // A patch of the row's background under the text: lines stop at its edges.
                let bg = if striped(i) { STRIPE } else { Rgb::WHITE };
                ops.push(Op::Rect {
                    x: x - 1.0,
                    y: y - 5.0,
                    w: sw + 2.0,
                    h: 9.0,
                    fill: Some(bg),
                    stroke: None,
                    radius: 0.0,
                });
                let (op, _) = text(flow, *x, y + 2.5, s, Style::new(small, *color));
                ops.push(op);
            }
        }

        if let Some((_, lx, lw, label)) = &today {
            ops.push(Op::Rect {
                x: lx - 1.5,
                y: AXIS_H - 11.0,
                w: lw + 3.0,
                h: 9.5,
                fill: Some(Rgb::WHITE),
                stroke: None,
                radius: 1.5,
            });
            let (op, _) = text(flow, *lx, AXIS_H - 3.8, label, today_style);
            ops.push(op);
        }
        flow.push(Item {
            height,
            ops,
            space_before: if slice_no == 0 { 4.0 } else { 0.0 },
            break_before: slice_no > 0,
            ..Item::default()
        });
        start += count;
        slice_no += 1;
        if n == 0 {
            break;
        }
    }
    legend(flow, labels);
}

/// What the chart writes after a bar: the status and the delay (`阻塞 · 延期1天`).
fn status_text(r: &crate::report::GanttRow) -> String {
    let mut status = r.status.as_ref().map(|s| s.label.clone()).unwrap_or_default();
    if !r.delay.is_empty() {
        if !status.is_empty() {
            status.push_str(" · ");
        }
        status.push_str(&r.delay);
    }
    status
}

/// The legend: a swatch per status and the overdue mark, actual end, today, dependency;
/// wrapped onto more lines when wider than the chart.
fn legend(flow: &mut Flow, l: &GanttLabels) {
    let size = 7.5;
    let line_h = 12.0;
    // Each entry drawn at x = 0, with its width; placed afterwards.
    let mut entries: Vec<(Vec<Op>, f32)> = Vec::new();
    let y = 9.0;
    let (op, w) = text(flow, 0.0, y, l.legend, Style::new(size, INK).bold());
    entries.push((vec![op], w));
    for s in l.swatches {
        let mut ops = Vec::new();
        if s.key == "overdue" {
            bar(&mut ops, 0.0, y - 6.5, 12.0, 7.0, Rgb(0xee, 0xf1, 0xf4), true);
        } else {
            ops.push(Op::Rect {
                x: 0.0,
                y: y - 6.5,
                w: 12.0,
                h: 7.0,
                fill: Some(hex(s.fill)),
                stroke: None,
                radius: 1.5,
            });
        }
        let (op, w) = text(flow, 15.0, y, &s.label, Style::new(size, INK));
        ops.push(op);
        entries.push((ops, 15.0 + w));
    }
    let diamond = Op::Poly {
        points: vec![(4.0, y - 7.5), (7.2, y - 3.0), (4.0, y + 1.5), (0.8, y - 3.0)],
        close: true,
        fill: Some(INK),
        stroke: None,
    };
    let (op, w) = text(flow, 11.0, y, l.actual_end, Style::new(size, INK));
    entries.push((vec![diamond, op], 11.0 + w));
    let line =
        Op::Line { x1: 4.0, y1: y - 8.0, x2: 4.0, y2: y + 2.0, stroke: Stroke::dashed(tone("bad").0, 0.8, 2.5, 1.5) };
    let (op, w) = text(flow, 9.0, y, l.today, Style::new(size, INK));
    entries.push((vec![line, op], 9.0 + w));
    let c = Rgb(0x6e, 0x77, 0x81);
    let arrow = vec![
        Op::Line { x1: 0.0, y1: y - 3.0, x2: 12.0, y2: y - 3.0, stroke: Stroke::solid(c, 0.6) },
        Op::Poly {
            points: vec![(15.0, y - 3.0), (11.5, y - 5.0), (11.5, y - 1.0)],
            close: true,
            fill: Some(c),
            stroke: None,
        },
    ];
    let (op, w) = text(flow, 18.0, y, l.dependency, Style::new(size, INK));
    entries.push(([arrow, vec![op]].concat(), 18.0 + w));
    let mut ops = Vec::new();
    let (mut x, mut line_no) = (0.0, 0);
    for (entry, ew) in entries {
        if x > 0.0 && x + ew > flow.width {
            x = 0.0;
            line_no += 1;
        }
        for mut op in entry {
            op.translate(x, line_no as f32 * line_h);
            ops.push(op);
        }
        x += ew + 10.0;
    }
    let height = 14.0 + line_no as f32 * line_h;
    flow.push(Item { height, ops, space_before: 4.0, ..Item::default() });
}

/// Achievement bars on one scale, with a dashed line at 100 %.
pub fn metric_bars(flow: &mut Flow, metrics: &[MetricRow], scale: f64, target_label: &str) {
    let w = flow.width;
    let label_w = (w * 0.3).min(170.0);
    let right_pad = 46.0;
    let axis = w - label_w - right_pad;
    let scale = scale.max(100.0) as f32;
    let x_of = |p: f32| label_w + p.clamp(0.0, scale) / scale * axis;
    let row_h = 18.0;
    let top = 14.0;
    let mut ops = Vec::new();
    let bottom = top + metrics.len() as f32 * row_h;
    for (i, m) in metrics.iter().enumerate() {
        let y = top + i as f32 * row_h + row_h / 2.0;
        let label = fit(flow, &m.name, label_w - 8.0, 8.0);
        let (op, _) = text(flow, 0.0, y + 3.0, &label, Style::new(8.0, INK));
        ops.push(op);
        ops.push(Op::Rect {
            x: label_w,
            y: y - 5.0,
            w: axis,
            h: 10.0,
            fill: Some(Rgb(0xf0, 0xf2, 0xf5)),
            stroke: None,
            radius: 2.0,
        });
        if let Some(a) = m.achievement {
            let bw = (x_of(a as f32) - label_w).max(1.5);
            ops.push(Op::Rect {
                x: label_w,
                y: y - 5.0,
                w: bw,
                h: 10.0,
                fill: Some(bar_fill(m.tone)),
                stroke: None,
                radius: 2.0,
            });
            let (op, _) =
                text(flow, label_w + bw + 4.0, y + 3.0, &m.achievement_text, Style::new(8.0, tone(m.tone).0).bold());
            ops.push(op);
        } else {
            let (op, _) = text(flow, label_w + 4.0, y + 3.0, "—", Style::new(8.0, MUTED));
            ops.push(op);
        }
    }
    let tx = x_of(100.0);
    ops.push(Op::Line { x1: tx, y1: top - 3.0, x2: tx, y2: bottom + 1.0, stroke: Stroke::dashed(INK, 0.7, 2.0, 1.5) });
    let lw = flow.sh.width(target_label, 7.0);
    let (op, _) = text(flow, (tx - lw / 2.0).min(w - lw), top - 5.0, target_label, Style::new(7.0, MUTED));
    ops.push(op);
    flow.push(Item { height: bottom + 4.0, ops, space_before: 8.0, ..Item::default() });
}
