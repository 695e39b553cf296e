//! What a laid-out page holds: positioned glyph runs and vector shapes, in points, with
//! the origin at the page's top-left corner (y grows downwards; the writer flips it).

/// A colour, 0–255 per channel (sRGB).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0x1f, 0x23, 0x28);
    pub const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
}

/// One glyph of a run: the font of the chain that draws it, its glyph id in that font, its
/// advance in 1/1000 em, and the text it stands for (for copy and search).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Glyph {
    pub font: u8,
    pub gid: u16,
    pub advance: f32,
    pub ch: char,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    pub color: Rgb,
    pub width: f32,
    /// Dash and gap lengths.
    pub dash: Option<(f32, f32)>,
}

impl Stroke {
    pub fn solid(color: Rgb, width: f32) -> Stroke {
        Stroke { color, width, dash: None }
    }

    pub fn dashed(color: Rgb, width: f32, on: f32, off: f32) -> Stroke {
        Stroke { color, width, dash: Some((on, off)) }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// A run of glyphs; `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        color: Rgb,
        bold: bool,
        glyphs: Vec<Glyph>,
    },
    /// A rectangle, its corners rounded by `radius`.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<Stroke>,
        radius: f32,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        stroke: Stroke,
    },
    /// A polygon or polyline.
    Poly {
        points: Vec<(f32, f32)>,
        close: bool,
        fill: Option<Rgb>,
        stroke: Option<Stroke>,
    },
    /// A link over an area of the page (draws nothing) to a place in the document: a page
    /// (0-based, in the whole file) and the y of the target from that page's top.
    Link {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        page: usize,
        to_y: f32,
    },
    /// A box to sign in (draws nothing): the writer makes it an empty signature field named
    /// `name` (`signoff/产品部`), which `dossier sign --visible` fills later.
    SignBox {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        name: String,
        /// What a viewer shows over the field (`签字：产品部`).
        tooltip: String,
    },
}

impl Op {
    /// Moves the op by (dx, dy).
    pub fn translate(&mut self, dx: f32, dy: f32) {
        match self {
            Op::Text { x, y, .. } | Op::Rect { x, y, .. } | Op::Link { x, y, .. } | Op::SignBox { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
            Op::Line { x1, y1, x2, y2, .. } => {
                *x1 += dx;
                *x2 += dx;
                *y1 += dy;
                *y2 += dy;
            }
            Op::Poly { points, .. } => {
                for p in points {
                    p.0 += dx;
                    p.1 += dy;
                }
            }
        }
    }

    /// The box the op covers: left, top, right, bottom (text: from the ascent to the descent).
    pub fn bounds(&self) -> (f32, f32, f32, f32) {
        match self {
            Op::Text { x, y, size, glyphs, .. } => {
                let w: f32 = glyphs.iter().map(|g| g.advance).sum::<f32>() * size / 1000.0;
                (*x, y - size * 0.88, x + w, y + size * 0.12)
            }
            Op::Rect { x, y, w, h, .. } | Op::Link { x, y, w, h, .. } | Op::SignBox { x, y, w, h, .. } => {
                (*x, *y, x + w, y + h)
            }
            Op::Line { x1, y1, x2, y2, .. } => (x1.min(*x2), y1.min(*y2), x1.max(*x2), y1.max(*y2)),
            Op::Poly { points, .. } => {
                points.iter().fold((f32::MAX, f32::MAX, f32::MIN, f32::MIN), |(l, t, r, b), (x, y)| {
                    (l.min(*x), t.min(*y), r.max(*x), b.max(*y))
                })
            }
        }
    }

    pub fn text(&self) -> Option<String> {
        match self {
            Op::Text { glyphs, .. } => Some(glyphs.iter().map(|g| g.ch).collect()),
            _ => None,
        }
    }
}

/// A page: its size in points and what is drawn on it.
#[derive(Clone, Debug, Default)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub ops: Vec<Op>,
}

/// A bookmark: title, level (0 = top), page index and the y of its target (from the top).
#[derive(Clone, Debug, PartialEq)]
pub struct Bookmark {
    pub title: String,
    pub level: usize,
    pub page: usize,
    pub y: f32,
}
