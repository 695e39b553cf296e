//! Our own layout engine: text measured with the font's glyph advances, lines broken by
//! UAX #14 with the CJK rules of SPEC §4 (no closing punctuation at a line start, no opening
//! punctuation at a line end), then blocks — headings, paragraphs, lists, forms, tables,
//! cards, drawings — cut into unbreakable items and paginated: a table's header row repeats
//! on every page, a row never splits mid-line, keep-together groups move to a fresh page
//! when they do not fit, and nothing is drawn below the bottom margin.

use rustc_hash::FxHashMap;

use unicode_linebreak::{BreakOpportunity, linebreaks};

use super::draw::{Bookmark, Glyph, Op, Page, Rgb, Stroke};
use super::fonts::{CHECK_BOX_CARRIER, FontChain, is_check_box, is_invisible};

// ---------------------------------------------------------------------------------------------
// Measuring

/// What a character maps to: font place, glyph id, advance; `None` when no font has it.
type Found = Option<(u8, u16, f32)>;

/// Maps characters to glyphs of the chain (regular or bold), remembering each answer for the
/// document, and the first character no font draws.
pub struct Shaper<'a> {
    chain: &'a FontChain,
    /// Regular, then bold.
    cache: [FxHashMap<char, Found>; 2],
    pub missing: Option<char>,
}

impl<'a> Shaper<'a> {
    pub fn new(chain: &'a FontChain) -> Shaper<'a> {
        let cache = |n| FxHashMap::with_capacity_and_hasher(n, Default::default());
        Shaper { chain, cache: [cache(512), cache(128)], missing: None }
    }

    pub fn chain(&self) -> &FontChain {
        self.chain
    }

    /// The regular glyph of a character; `None` for invisible characters and, recorded in
    /// `missing`, for characters no font has.
    pub fn glyph(&mut self, c: char) -> Option<Glyph> {
        self.glyph_as(c, false)
    }

    /// The glyph of a character in the regular or the bold face (bold glyphs are wider).
    pub fn glyph_as(&mut self, c: char, bold: bool) -> Option<Glyph> {
        let c = if c == '\t' { ' ' } else { c };
        if is_invisible(c) {
            return None;
        }
        let chain = self.chain;
        let found = *self.cache[usize::from(bold)].entry(c).or_insert_with(|| {
            // A check box takes the white square's place; the writer draws it.
            let c = if is_check_box(c) { CHECK_BOX_CARRIER } else { c };
            let hit = if bold { chain.find_bold(c) } else { chain.find(c) };
            hit.map(|(font, gid)| {
                let adv = chain.font(usize::from(font)).map_or(500.0, |f| f.advance(gid));
                (font, gid, adv)
            })
        });
        match found {
            Some((font, gid, advance)) => Some(Glyph { font, gid, advance, ch: c }),
            None => {
                if self.missing.is_none() && !c.is_whitespace() {
                    self.missing = Some(c);
                }
                None
            }
        }
    }

    /// Width of a text in points at a size.
    pub fn width(&mut self, s: &str, size: f32) -> f32 {
        self.width_as(s, size, false)
    }

    /// Width of a text in points at a size, regular or bold.
    pub fn width_as(&mut self, s: &str, size: f32, bold: bool) -> f32 {
        s.chars().filter_map(|c| self.glyph_as(c, bold)).map(|g| g.advance).sum::<f32>() * size / 1000.0
    }

    pub fn glyphs(&mut self, s: &str) -> Vec<Glyph> {
        self.glyphs_as(s, false)
    }

    pub fn glyphs_as(&mut self, s: &str, bold: bool) -> Vec<Glyph> {
        s.chars().filter_map(|c| self.glyph_as(c, bold)).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Styles and text

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    pub size: f32,
    pub color: Rgb,
    pub bold: bool,
    /// A pill behind the text (status badges).
    pub bg: Option<Rgb>,
}

impl Style {
    pub const fn new(size: f32, color: Rgb) -> Style {
        Style { size, color, bold: false, bg: None }
    }

    pub const fn bold(mut self) -> Style {
        self.bold = true;
        self
    }

    pub const fn bg(mut self, bg: Rgb) -> Style {
        self.bg = Some(bg);
        self
    }

    pub const fn color(mut self, color: Rgb) -> Style {
        self.color = color;
        self
    }

    pub const fn size(mut self, size: f32) -> Style {
        self.size = size;
        self
    }
}

/// Text whose parts have their own styles.
#[derive(Clone, Debug, Default)]
pub struct Rich {
    pub text: String,
    /// (byte offset where a style starts, style); the first starts at 0.
    pub spans: Vec<(usize, Style)>,
}

impl Rich {
    pub fn new(text: &str, style: Style) -> Rich {
        Rich { text: text.to_string(), spans: vec![(0, style)] }
    }

    pub fn push(&mut self, text: &str, style: Style) -> &mut Rich {
        if !text.is_empty() {
            self.spans.push((self.text.len(), style));
            self.text.push_str(text);
        }
        self
    }

    pub fn with(mut self, text: &str, style: Style) -> Rich {
        self.push(text, style);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// The largest font size used (for line height).
    pub fn max_size(&self) -> f32 {
        self.spans.iter().map(|(_, s)| s.size).fold(0.0, f32::max)
    }
}

/// A run of one style on a line, `x` from the line's start.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub style: Style,
    pub x: f32,
    pub width: f32,
    pub glyphs: Vec<Glyph>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Line {
    pub runs: Vec<Run>,
    pub width: f32,
    /// Height of the line box.
    pub height: f32,
}

impl Line {
    pub fn text(&self) -> String {
        self.runs.iter().flat_map(|r| r.glyphs.iter().map(|g| g.ch)).collect()
    }
}

/// Closing punctuation that may not start a line (SPEC §4: ，。、）》 …).
pub fn is_closing(c: char) -> bool {
    "，。、；：？！）》」』】〕〉〗〙〛”’·・…‥—～,.;:?!)]}%％".contains(c)
}

/// Opening punctuation that may not end a line.
pub fn is_opening(c: char) -> bool {
    "（《「『【〔〈〖〘〚“‘([{".contains(c)
}

pub const LINE_HEIGHT: f32 = 1.4;

struct Ch {
    /// Where the character starts in the text.
    at: usize,
    c: char,
    style: usize,
    glyph: Option<Glyph>,
    w: f32,
}

/// Breaks rich text into lines no wider than `max_w` (UAX #14, with the CJK rules enforced
/// again where a line has to be cut inside an unbreakable stretch).
pub fn break_lines(sh: &mut Shaper, rich: &Rich, max_w: f32) -> Vec<Line> {
    let max_w = max_w.max(1.0);
    let text = rich.text.as_str();
    let styles: Vec<Style> = rich.spans.iter().map(|(_, s)| *s).collect();
    if styles.is_empty() {
        return Vec::new();
    }
    let mut span = 0;
    let mut chars: Vec<Ch> = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        while span + 1 < rich.spans.len() && rich.spans[span + 1].0 <= at {
            span += 1;
        }
        let c = if c == '\t' { ' ' } else { c };
        let glyph = if c == '\n' || c == '\r' { None } else { sh.glyph_as(c, styles[span].bold) };
        let w = glyph.map_or(0.0, |g| g.advance * styles[span].size / 1000.0);
        chars.push(Ch { at, c, style: span, glyph, w });
    }
    // The character each break opportunity comes before (they come in the text's order).
    let mut end = 0usize;

    let mut lines = Vec::new();
    let mut line_start = 0usize;
    let mut line_w = 0.0f32;
    let mut seg_start = 0usize;
    let width = |chars: &[Ch]| chars.iter().map(|c| c.w).sum::<f32>();
    let trimmed = |chars: &[Ch]| {
        let end = chars.iter().rposition(|c| !c.c.is_whitespace()).map_or(0, |p| p + 1);
        chars[..end].iter().map(|c| c.w).sum::<f32>()
    };
    for (bi, kind) in linebreaks(text) {
        while end < chars.len() && chars[end].at < bi {
            end += 1;
        }
        if end < seg_start {
            continue;
        }
        let seg = &chars[seg_start..end];
        let (full, trim) = (width(seg), trimmed(seg));
        if line_w + trim <= max_w + 0.01 {
            line_w += full;
        } else {
            if seg_start > line_start {
                lines.push(make_line(&chars[line_start..seg_start], &styles));
                line_start = seg_start;
            }
            if trim > max_w + 0.01 {
                // No break opportunity in a stretch wider than the line: cut it by characters.
                // The width of what is left is kept as a running total, so a stretch of any
                // length is cut in linear time.
                let mut i = seg_start;
                let tail = full - trim;
                let mut rest_w = full;
                loop {
                    if rest_w - tail <= max_w + 0.01 {
                        line_start = i;
                        line_w = rest_w;
                        break;
                    }
                    let mut k = 0;
                    let mut w = 0.0;
                    while i + k < end && (k == 0 || w + chars[i + k].w <= max_w + 0.01) {
                        w += chars[i + k].w;
                        k += 1;
                    }
                    // Kinsoku: carry characters over so that a closing mark never starts the
                    // next line and an opening mark never ends this one.
                    for _ in 0..2 {
                        if k > 1 && i + k < end && is_closing(chars[i + k].c) {
                            k -= 1;
                        }
                    }
                    while k > 1 && is_opening(chars[i + k - 1].c) {
                        k -= 1;
                    }
                    lines.push(make_line(&chars[i..i + k], &styles));
                    rest_w -= width(&chars[i..i + k]);
                    i += k;
                }
            } else {
                line_w = full;
            }
        }
        if kind == BreakOpportunity::Mandatory {
            if end > line_start || lines.is_empty() || chars.get(end.wrapping_sub(1)).is_some_and(|c| c.c == '\n') {
                lines.push(make_line(&chars[line_start..end], &styles));
            }
            line_start = end;
            line_w = 0.0;
        }
        seg_start = end;
    }
    // A text that ends with a new line has no empty line after it.
    if lines.len() > 1 && lines.last().is_some_and(|l| l.runs.is_empty()) && text.ends_with('\n') {
        lines.pop();
    }
    let base = rich.max_size();
    for l in &mut lines {
        if l.height == 0.0 {
            l.height = base * LINE_HEIGHT;
        }
    }
    lines
}

fn make_line(chars: &[Ch], styles: &[Style]) -> Line {
    let end = chars.iter().rposition(|c| !c.c.is_whitespace()).map_or(0, |p| p + 1);
    let mut runs: Vec<Run> = Vec::new();
    let mut x = 0.0;
    for (i, ch) in chars[..end].iter().enumerate() {
        let Some(g) = ch.glyph else { continue };
        let style = styles[ch.style];
        match runs.last_mut() {
            Some(r) if r.style == style => {
                r.glyphs.push(g);
                r.width += ch.w;
            }
            _ => {
                // Room for the rest of the line: most lines are one run.
                let mut glyphs = Vec::with_capacity(end - i);
                glyphs.push(g);
                runs.push(Run { style, x, width: ch.w, glyphs });
            }
        }
        x += ch.w;
    }
    let size = runs.iter().map(|r| r.style.size).fold(0.0, f32::max);
    Line { runs, width: x, height: size * LINE_HEIGHT }
}

/// Ops drawing a line whose box starts at (x, top); its glyphs move into them.
pub fn draw_line(line: Line, x: f32, top: f32, ops: &mut Vec<Op>) {
    let size = line.runs.iter().map(|r| r.style.size).fold(0.0, f32::max);
    let baseline = top + (line.height - size) / 2.0 + size * 0.86;
    for r in line.runs {
        if let Some(bg) = r.style.bg {
            let s = r.style.size;
            ops.push(Op::Rect {
                x: x + r.x - s * 0.3,
                y: baseline - s * 0.95,
                w: r.width + s * 0.6,
                h: s * 1.25,
                fill: Some(bg),
                stroke: None,
                radius: s * 0.35,
            });
        }
        ops.push(Op::Text {
            x: x + r.x,
            y: baseline,
            size: r.style.size,
            color: r.style.color,
            bold: r.style.bold,
            glyphs: r.glyphs,
        });
    }
}

/// The widest stretch of a text that cannot be broken, and its width on one line.
pub fn min_max_width(sh: &mut Shaper, rich: &Rich) -> (f32, f32) {
    let text = rich.text.as_str();
    let mut span = 0;
    let mut chars = text.char_indices().peekable();
    let (mut min, mut max, mut line) = (0.0f32, 0.0f32, 0.0f32);
    for (bi, kind) in linebreaks(text) {
        // The stretch before this break: its width, whitespace at its end apart.
        let (mut seg, mut trail) = (0.0f32, 0.0f32);
        while let Some((i, c)) = chars.next_if(|(i, _)| *i < bi) {
            while span + 1 < rich.spans.len() && rich.spans[span + 1].0 <= i {
                span += 1;
            }
            let (size, bold) = rich.spans.get(span).map_or((10.0, false), |s| (s.1.size, s.1.bold));
            let w = if c == '\n' { 0.0 } else { sh.glyph_as(c, bold).map_or(0.0, |g| g.advance * size / 1000.0) };
            if c.is_whitespace() {
                trail += w;
            } else {
                seg += trail + w;
                trail = 0.0;
            }
        }
        min = min.max(seg);
        line += seg + trail;
        if kind == BreakOpportunity::Mandatory {
            max = max.max(line - trail);
            line = 0.0;
        }
    }
    (min, max.max(line))
}

// ---------------------------------------------------------------------------------------------
// Items and pagination

/// An unbreakable slice of the flow, drawn relative to its own top-left corner.
#[derive(Clone, Debug, Default)]
pub struct Item {
    pub height: f32,
    pub ops: Vec<Op>,
    /// Space above, dropped at the top of a page.
    pub space_before: f32,
    /// Stays on the same page as the next item, always (a heading with what follows it, a
    /// table's header with its first two rows, the last two rows together, a paragraph's
    /// first and last two lines).
    pub keep_with_next: bool,
    /// Stays on the same page as the next item when the group it belongs to fits on one page
    /// (a signature grid with its title): a group taller than a page breaks where
    /// `keep_with_next` allows.
    pub keep_together: bool,
    /// The table header drawn above this item when it starts a page (index into `Flow::headers`).
    pub header: Option<usize>,
    /// Starts a new page.
    pub break_before: bool,
    /// A bookmark at the top of the item: title and level.
    pub bookmark: Option<(String, usize)>,
}

/// Page size and margins, in points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    pub width: f32,
    pub height: f32,
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
}

pub const A4: (f32, f32) = (595.28, 841.89);

impl Geometry {
    pub fn a4(landscape: bool) -> Geometry {
        let (w, h) = if landscape { (A4.1, A4.0) } else { A4 };
        Geometry { width: w, height: h, left: 46.0, right: 46.0, top: 62.0, bottom: 58.0 }
    }

    pub fn content_width(&self) -> f32 {
        self.width - self.left - self.right
    }

    pub fn body_height(&self) -> f32 {
        self.height - self.top - self.bottom
    }

    pub fn bottom_y(&self) -> f32 {
        self.height - self.bottom
    }
}

/// The items of a flow and the table headers they repeat.
#[derive(Default)]
pub struct Laid {
    pub items: Vec<Item>,
    pub headers: Vec<Item>,
}

/// Places items on pages. Returns the pages and the bookmarks found on them. The items' ops
/// move to the pages (a long table is not held twice).
pub fn paginate(mut laid: Laid, g: &Geometry) -> (Vec<Page>, Vec<Bookmark>) {
    let placement = placement(&laid, g);
    let mut pages = Vec::with_capacity(placement.pages);
    let mut fill = PageFill::new(&placement, &laid.headers, g, |p| pages.push(p));
    for (i, item) in laid.items.iter_mut().enumerate() {
        fill.put(i, std::mem::take(&mut item.ops));
    }
    fill.finish();
    (pages, placement.marks)
}

/// Where the next item would go on the last page (y from the page top).
pub fn cursor(laid: &Laid, g: &Geometry) -> f32 {
    placement(laid, g).end
}

/// Where an item goes: its page, its y from the page top, and the table header drawn above
/// it when it starts a page (index into [`Laid::headers`], and the header's y).
#[derive(Clone, Copy, Debug)]
pub struct Placed {
    pub page: usize,
    pub y: f32,
    pub header: Option<(usize, f32)>,
}

/// Where every item of a flow goes, found from their sizes and rules alone (not their ops).
pub struct Placement {
    pub items: Vec<Placed>,
    /// How many pages (at least one).
    pub pages: usize,
    pub marks: Vec<Bookmark>,
    /// Where the next item would go on the last page.
    pub end: f32,
}

/// Places the items on pages.
pub fn placement(laid: &Laid, g: &Geometry) -> Placement {
    let mut pages = 1;
    let mut placed = Vec::with_capacity(laid.items.len());
    let mut marks = Vec::new();
    let mut y = g.top;
    let bottom = g.bottom_y();
    let body = g.body_height();
    let items = &laid.items;
    let header_h = |i: &Item| i.header.and_then(|h| laid.headers.get(h)).map_or(0.0, |h| h.height);
    let mut split_until = 0;
    for (i, item) in items.iter().enumerate() {
        let at_top = (y - g.top).abs() < 0.01;
        if item.break_before && !at_top {
            pages += 1;
            y = g.top;
        }
        let at_top = (y - g.top).abs() < 0.01;
        // The height of this item and the ones it keeps with: all its group when that fits on
        // an empty page, else those it must keep with, else itself.
        // A group found too tall for a page at its start is split, and stays split: the
        // items after its start keep only what they must keep with.
        let own = item.height + if at_top { 0.0 } else { item.space_before };
        let (mut soft, mut hard, mut hard_open) = (own, own, true);
        let mut j = i;
        while (items[j].keep_with_next || (items[j].keep_together && i >= split_until)) && j + 1 < items.len() {
            hard_open &= items[j].keep_with_next;
            j += 1;
            let add = items[j].space_before + items[j].height;
            soft += add;
            if hard_open {
                hard += add;
            }
        }
        if soft + header_h(item) > body {
            split_until = j;
        }
        let need = if soft + header_h(item) <= body {
            soft
        } else if hard + header_h(item) <= body {
            hard
        } else {
            own
        };
        let mut fresh = false;
        if y + need > bottom + 0.01 && !at_top {
            pages += 1;
            y = g.top;
            fresh = true;
        }
        let mut header = None;
        if fresh || (at_top && pages > 1) {
            if let Some((h, head)) = item.header.and_then(|h| Some((h, laid.headers.get(h)?))) {
                header = Some((h, y));
                y += head.height;
            }
        } else if !at_top {
            y += item.space_before;
        }
        if let Some((title, level)) = &item.bookmark {
            marks.push(Bookmark { title: title.clone(), level: *level, page: pages - 1, y });
        }
        placed.push(Placed { page: pages - 1, y, header });
        y += item.height;
    }
    Placement { items: placed, pages, marks, end: y }
}

/// Takes each item's ops as a flow makes it, instead of the flow keeping them (see
/// [`Flow::streaming`]): `item` is the item's index in the flow.
pub trait OpSink {
    fn take(&mut self, item: usize, ops: Vec<Op>);
}

/// Fills pages item by item where a [`Placement`] puts them, handing each page on as soon as
/// it is full: a long flow laid out a second time becomes pages without being held whole.
pub struct PageFill<'p, F> {
    placement: &'p Placement,
    headers: &'p [Item],
    g: Geometry,
    page: Page,
    /// The page being filled.
    at: usize,
    done: F,
}

impl<'p, F: FnMut(Page)> PageFill<'p, F> {
    pub fn new(placement: &'p Placement, headers: &'p [Item], g: &Geometry, done: F) -> PageFill<'p, F> {
        let page = Page { width: g.width, height: g.height, ops: Vec::new() };
        PageFill { placement, headers, g: *g, page, at: 0, done }
    }

    /// Puts item `i`'s ops on its page (with the table header above it there), handing on
    /// the pages before that one.
    pub fn put(&mut self, i: usize, ops: Vec<Op>) {
        let Some(at) = self.placement.items.get(i).copied() else { return };
        while self.at < at.page {
            self.next();
        }
        if let Some((h, y)) = at.header
            && let Some(head) = self.headers.get(h)
        {
            for op in &head.ops {
                let mut op = op.clone();
                op.translate(self.g.left, y);
                self.page.ops.push(op);
            }
        }
        for mut op in ops {
            op.translate(self.g.left, at.y);
            self.page.ops.push(op);
        }
    }

    fn next(&mut self) {
        let blank = Page { width: self.g.width, height: self.g.height, ops: Vec::new() };
        (self.done)(std::mem::replace(&mut self.page, blank));
        self.at += 1;
    }

    /// Hands on the pages not yet handed on.
    pub fn finish(mut self) {
        while self.at < self.placement.pages {
            self.next();
        }
    }
}

impl<F: FnMut(Page)> OpSink for PageFill<'_, F> {
    fn take(&mut self, item: usize, ops: Vec<Op>) {
        self.put(item, ops);
    }
}

// ---------------------------------------------------------------------------------------------
// Blocks

pub const INK: Rgb = Rgb::BLACK;
pub const MUTED: Rgb = Rgb(0x59, 0x63, 0x6e);
pub const RULE: Rgb = Rgb(0xc4, 0xcc, 0xd4);
pub const HEAD_BG: Rgb = Rgb(0xee, 0xf1, 0xf5);
pub const ACCENT: Rgb = Rgb(0x1f, 0x4e, 0x8c);

pub const BODY: f32 = 9.5;
pub const SMALL: f32 = 8.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// A table cell: paragraphs of rich text, aligned.
#[derive(Clone, Debug, Default)]
pub struct Cell {
    pub parts: Vec<Rich>,
    /// Indent of the first part (tree levels).
    pub indent: f32,
    /// A box to sign in: the cell becomes an empty signature field (name, tooltip).
    pub sign_box: Option<(String, String)>,
}

impl Cell {
    pub fn text(s: &str, style: Style) -> Cell {
        if s.is_empty() { Cell::default() } else { Cell::rich(Rich::new(s, style)) }
    }

    pub fn rich(r: Rich) -> Cell {
        Cell { parts: vec![r], ..Cell::default() }
    }

    /// An empty cell to sign in, as the signature field `name` ([`Op::SignBox`]).
    pub fn sign_box(name: &str, tooltip: &str) -> Cell {
        Cell { sign_box: Some((name.to_string(), tooltip.to_string())), ..Cell::default() }
    }

    pub fn and(mut self, r: Rich) -> Cell {
        if !r.is_empty() {
            self.parts.push(r);
        }
        self
    }
}

#[derive(Clone, Debug)]
pub struct Column {
    pub title: String,
    pub align: Align,
    /// A fixed width (signature boxes), else fitted to the content.
    pub fixed: Option<f32>,
    /// Never wrap this column's content below its widest unbreakable stretch... and keep at
    /// least this width.
    pub min: f32,
    /// The first column holds row headers (shaded like the header).
    pub row_header: bool,
    /// Ids, dates, numbers, codes: never broken across lines (a long word elsewhere in the
    /// row wraps inside its own cell instead).
    pub nowrap: bool,
}

impl Column {
    pub fn new(title: &str) -> Column {
        Column { title: title.to_string(), align: Align::Left, fixed: None, min: 0.0, row_header: false, nowrap: false }
    }

    pub fn nowrap(mut self) -> Column {
        self.nowrap = true;
        self
    }

    pub fn align(mut self, a: Align) -> Column {
        self.align = a;
        self
    }

    pub fn fixed(mut self, w: f32) -> Column {
        self.fixed = Some(w);
        self
    }

    pub fn min(mut self, w: f32) -> Column {
        self.min = w;
        self
    }

    pub fn row_header(mut self) -> Column {
        self.row_header = true;
        self
    }
}

#[derive(Clone, Debug, Default)]
pub struct TableRow {
    pub cells: Vec<Cell>,
    pub fill: Option<Rgb>,
    pub min_height: f32,
}

#[derive(Clone, Debug)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<TableRow>,
    pub header: bool,
    pub size: f32,
    /// Keep every row on one page (signature grids).
    pub keep: bool,
    /// Fill the width even when the content is narrow.
    pub full_width: bool,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Table {
        Table { columns, rows: Vec::new(), header: true, size: 8.5, keep: false, full_width: true }
    }
}

pub const PAD_X: f32 = 4.0;
pub const PAD_Y: f32 = 2.6;

/// Column widths for a table in `avail` points: every column at least its widest unbreakable
/// stretch (and its declared minimum, within reason), the rest shared out by how much each
/// column would need on one line, as browsers lay out auto tables. Never wider than `avail`.
pub fn fit_columns(sh: &mut Shaper, t: &Table, avail: f32) -> Vec<f32> {
    let n = t.columns.len();
    let mut min = vec![0.0f32; n];
    let mut max = vec![0.0f32; n];
    let header_style = Style::new(t.size, INK).bold();
    for (i, c) in t.columns.iter().enumerate() {
        if t.header {
            let (a, b) = min_max_width(sh, &Rich::new(&c.title, header_style));
            // A header may wrap between ideographs, but not to one character per line, and
            // keeps its words whole ("Deliverable", "Collaborators") up to eight ems.
            min[i] = min[i].max(a.min(t.size * 8.0));
            max[i] = max[i].max(b);
        }
    }
    for r in &t.rows {
        for (i, cell) in r.cells.iter().enumerate().take(n) {
            for p in &cell.parts {
                let (a, b) = min_max_width(sh, p);
                // A status pill is never broken: all of it is its minimum.
                let pill = p.spans.iter().any(|(_, s)| s.bg.is_some());
                let extra = if pill { p.max_size() * 0.8 } else { 0.0 };
                let a = if pill || t.columns[i].nowrap { b } else { a };
                min[i] = min[i].max(a + cell.indent + extra);
                max[i] = max[i].max(b + cell.indent + extra);
            }
        }
    }
    let pad = 2.0 * PAD_X;
    // Free text may break inside a long word (within its own cell) rather than take the
    // room of the columns that must not break.
    let cap = t.size * 9.0;
    let hard: Vec<bool> = (0..n)
        .map(|i| {
            t.columns[i].nowrap
                || t.rows.iter().any(|r| {
                    r.cells.get(i).is_some_and(|c| c.parts.iter().any(|p| p.spans.iter().any(|(_, s)| s.bg.is_some())))
                })
        })
        .collect();
    for (i, c) in t.columns.iter().enumerate() {
        if !hard[i] {
            min[i] = min[i].min(cap.max(c.min));
        }
        // Every column keeps room for four characters, or all of its text when shorter.
        min[i] = (min[i].max((t.size * 4.0).min(max[i])).max(c.min) + pad).min(avail / 2.0);
        max[i] = (max[i] + pad).max(min[i]);
        if let Some(f) = c.fixed {
            min[i] = f;
            max[i] = f;
        }
    }
    let (smin, smax): (f32, f32) = (min.iter().sum(), max.iter().sum());
    let flexible = |i: usize| t.columns[i].fixed.is_none();
    let mut w: Vec<f32>;
    if smax <= avail {
        w = max.clone();
        if t.full_width {
            let extra = avail - smax;
            let share: f32 = (0..n).filter(|i| flexible(*i)).map(|i| max[i]).sum();
            for i in (0..n).filter(|i| flexible(*i)) {
                w[i] += if share > 0.0 { extra * max[i] / share } else { 0.0 };
            }
        }
    } else if smin <= avail {
        // Columns whose whole text fits in a fair share of the room get it (a name on one
        // line); the long-text columns share what is left, each above its minimum.
        let mut settled: Vec<bool> = (0..n).map(|i| !flexible(i)).collect();
        let mut room = avail - (0..n).filter(|i| !flexible(*i)).map(|i| min[i]).sum::<f32>();
        loop {
            let open: Vec<usize> = (0..n).filter(|i| !settled[*i]).collect();
            if open.is_empty() {
                break;
            }
            let fair = room / open.len() as f32;
            let small: Vec<usize> = open.iter().copied().filter(|i| max[*i] <= fair).collect();
            if small.is_empty() {
                break;
            }
            for i in small {
                settled[i] = true;
                room -= max[i];
            }
        }
        let open: Vec<usize> = (0..n).filter(|i| !settled[*i]).collect();
        let open_min: f32 = open.iter().map(|i| min[*i]).sum();
        if open_min <= room + 0.01 {
            w = (0..n).map(|i| if settled[i] && flexible(i) { max[i] } else { min[i] }).collect();
            let extra = room - open_min;
            let want: f32 = open.iter().map(|i| max[*i] - min[*i]).sum();
            for i in &open {
                w[*i] += if want > 0.0 { extra * (max[*i] - min[*i]) / want } else { extra / open.len() as f32 };
            }
        } else {
            let extra = avail - smin;
            let want: f32 = (0..n).map(|i| max[i] - min[i]).sum();
            w = (0..n).map(|i| min[i] + if want > 0.0 { extra * (max[i] - min[i]) / want } else { 0.0 }).collect();
        }
    } else {
        // Even the minimum does not fit: shrink the free-text columns in proportion (their
        // text is then cut between characters), then, if that is not enough, the others.
        let soft = |i: usize| flexible(i) && !hard[i];
        let kept: f32 = (0..n).filter(|i| !soft(*i)).map(|i| min[i]).sum();
        let flex: f32 = smin - kept;
        let room = (avail - kept).max(avail * 0.3);
        w = (0..n).map(|i| if soft(i) { min[i] * room / flex.max(1.0) } else { min[i] }).collect();
        let total: f32 = w.iter().sum();
        if total > avail {
            let k = avail / total;
            w.iter_mut().for_each(|x| *x *= k);
        }
    }
    w
}

/// What a flow is made of, built for one content width.
pub struct Flow<'s, 'a> {
    pub sh: &'s mut Shaper<'a>,
    pub width: f32,
    pub laid: Laid,
    /// Keep-together nesting depth: items made inside keep with the next.
    keeping: usize,
    next_space: f32,
    next_break: bool,
    /// Takes each item's ops as it is pushed (the items keep their sizes and rules).
    sink: Option<&'s mut dyn OpSink>,
}

impl<'s, 'a> Flow<'s, 'a> {
    pub fn new(sh: &'s mut Shaper<'a>, width: f32) -> Flow<'s, 'a> {
        Flow { sh, width, laid: Laid::default(), keeping: 0, next_space: 0.0, next_break: false, sink: None }
    }

    /// A flow whose items' ops go to `sink` as they are made: a long flow laid out once to
    /// find its pages and glyphs, then again to fill the pages, without being held whole.
    pub fn streaming(sh: &'s mut Shaper<'a>, width: f32, sink: &'s mut dyn OpSink) -> Flow<'s, 'a> {
        Flow { sink: Some(sink), ..Flow::new(sh, width) }
    }

    pub fn push(&mut self, mut item: Item) {
        item.space_before += std::mem::take(&mut self.next_space);
        item.break_before |= std::mem::take(&mut self.next_break);
        if self.keeping > 0 {
            item.keep_together = true;
        }
        if let Some(sink) = self.sink.as_mut() {
            sink.take(self.laid.items.len(), std::mem::take(&mut item.ops));
        }
        self.laid.items.push(item);
    }

    /// Keeps what was laid out last on the page of what comes next (a signature box with
    /// the block it confirms).
    pub fn glue_previous(&mut self) {
        if let Some(last) = self.laid.items.last_mut() {
            last.keep_with_next = true;
        }
    }

    pub fn space(&mut self, h: f32) {
        self.next_space += h;
    }

    pub fn page_break(&mut self) {
        self.next_break = true;
    }

    /// Everything pushed inside `f` stays on one page when it fits on one.
    pub fn keep<F: FnOnce(&mut Self)>(&mut self, f: F) {
        self.keeping += 1;
        f(self);
        self.keeping -= 1;
        if self.keeping == 0
            && let Some(last) = self.laid.items.last_mut()
        {
            last.keep_together = false;
        }
    }

    /// Lines of rich text as items, `indent` from the left; a first line keeps with the
    /// second, and the last two stay together (no orphans or widows).
    pub fn rich(&mut self, rich: &Rich, indent: f32, align: Align) {
        // Badge pills reach a little past their text: keep room for them on both sides.
        let pad = rich.spans.iter().filter(|(_, s)| s.bg.is_some()).map(|(_, s)| s.size * 0.3).fold(0.0, f32::max);
        let indent = indent + pad;
        let width = self.width - pad;
        let lines = break_lines(self.sh, rich, width - indent);
        let n = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            let mut ops = Vec::new();
            let x = indent
                + match align {
                    Align::Left => 0.0,
                    Align::Center => (width - indent - line.width) / 2.0,
                    Align::Right => width - indent - line.width,
                };
            let height = line.height;
            draw_line(line, x, 0.0, &mut ops);
            let keep = n > 1 && (i == 0 || i + 2 == n);
            self.push(Item { height, ops, keep_with_next: keep, ..Item::default() });
        }
    }

    pub fn para(&mut self, text: &str, style: Style) {
        if text.trim().is_empty() {
            return;
        }
        self.rich(&Rich::new(text, style), 0.0, Align::Left);
    }

    /// A section heading: bookmarked, a rule under it, kept with what follows.
    pub fn heading(&mut self, text: &str, level: usize) {
        self.heading_with(text, "", level);
    }

    /// A heading followed by a note in small muted type (`议程  合计 40 分钟`).
    pub fn heading_with(&mut self, text: &str, note: &str, level: usize) {
        let size = if level == 0 { 12.0 } else { 10.5 };
        let style = Style::new(size, if level == 0 { ACCENT } else { INK }).bold();
        let mut rich = Rich::new(text, style);
        if !note.is_empty() {
            rich.push("   ", style);
            rich.push(note, Style::new(SMALL, MUTED));
        }
        let lines = break_lines(self.sh, &rich, self.width);
        let mut ops = Vec::new();
        let mut y = 0.0;
        for line in lines {
            let height = line.height;
            draw_line(line, 0.0, y, &mut ops);
            y += height;
        }
        if level == 0 {
            ops.push(Op::Line {
                x1: 0.0,
                y1: y + 1.5,
                x2: self.width,
                y2: y + 1.5,
                stroke: Stroke::solid(ACCENT, 0.8),
            });
            y += 5.0;
        } else {
            y += 2.0;
        }
        let space = if level == 0 { 12.0 } else { 8.0 };
        self.push(Item {
            height: y,
            ops,
            space_before: space,
            keep_with_next: true,
            bookmark: Some((text.to_string(), level + 1)),
            ..Item::default()
        });
    }

    /// A bulleted or numbered list, items wrapped under their text.
    pub fn list(&mut self, items: &[String], ordered: bool, style: Style) {
        for (i, it) in items.iter().enumerate() {
            let marker = if ordered { format!("{}.", i + 1) } else { "•".to_string() };
            if i > 0 {
                self.space(2.0);
            }
            self.item(&marker, &Rich::new(it, style), 0.0);
        }
    }

    /// One list item: the marker hanging left of text that wraps under itself.
    pub fn item(&mut self, marker: &str, rich: &Rich, indent: f32) {
        let size = rich.max_size();
        // The marker hangs in the margin; a wide one (`12. ☑`) widens it rather than
        // running into the text.
        let marker_line = break_lines(self.sh, &Rich::new(marker, Style::new(size, MUTED)), size * 8.0);
        let hang = marker_line.first().map_or(0.0, |m| m.width + size * 0.25).max(size * 1.8);
        let lines = break_lines(self.sh, rich, self.width - indent - hang);
        let n = lines.len();
        let mut marker_line = marker_line.into_iter().next();
        for (j, line) in lines.into_iter().enumerate() {
            let mut ops = Vec::new();
            let height = line.height;
            if let Some(mut m) = marker_line.take() {
                m.height = height;
                let gap = (hang - m.width).min(size * 0.5);
                let x = (indent + hang - m.width - gap).max(0.0);
                draw_line(m, x, 0.0, &mut ops);
            }
            draw_line(line, indent + hang, 0.0, &mut ops);
            let keep = n > 1 && (j == 0 || j + 2 == n);
            self.push(Item { height, ops, keep_with_next: keep, ..Item::default() });
        }
    }

    /// A table: header row (repeated on each page), rows that never split mid-line.
    pub fn table(&mut self, t: &Table) -> Vec<f32> {
        let widths = fit_columns(self.sh, t, self.width);
        let xs: Vec<f32> = widths
            .iter()
            .scan(0.0, |x, w| {
                let at = *x;
                *x += w;
                Some(at)
            })
            .collect();
        let total: f32 = widths.iter().sum();
        let header_index = if t.header {
            let style = Style::new(t.size, INK).bold();
            let cells: Vec<Cell> = t.columns.iter().map(|c| Cell::text(&c.title, style)).collect();
            let row = TableRow { cells, fill: Some(HEAD_BG), min_height: 0.0 };
            let items = self.row_items(t, &row, &widths, &xs, total, f32::MAX, true);
            let h = items.into_iter().next().unwrap_or_default();
            self.laid.headers.push(h.clone());
            let idx = self.laid.headers.len() - 1;
            self.push(Item { keep_with_next: true, ..h });
            Some(idx)
        } else {
            None
        };
        let header_h = header_index.and_then(|i| self.laid.headers.get(i)).map_or(0.0, |h| h.height);
        // A row taller than a page is cut between lines; keep some room for the header.
        let max_piece = Geometry::a4(false).body_height().min(Geometry::a4(true).body_height()) - header_h - 4.0;
        let n = t.rows.len();
        for (ri, row) in t.rows.iter().enumerate() {
            let items = self.row_items(t, row, &widths, &xs, total, max_piece, false);
            let pieces = items.len();
            for (pi, mut it) in items.into_iter().enumerate() {
                it.header = header_index;
                let last_piece = pi + 1 == pieces;
                // At least two rows before a page break and two after it.
                if last_piece && ri + 1 < n && (ri == 0 || ri + 2 == n) {
                    it.keep_with_next = true;
                }
                if t.keep && ri + 1 < n {
                    it.keep_together = true;
                }
                self.push(it);
            }
        }
        widths
    }

    /// A row as one item, or several when it is taller than `max_h` (cut between lines).
    #[allow(clippy::too_many_arguments)]
    fn row_items(
        &mut self,
        t: &Table,
        row: &TableRow,
        widths: &[f32],
        xs: &[f32],
        total: f32,
        max_h: f32,
        is_header: bool,
    ) -> Vec<Item> {
        // Lines of every cell, with the gap between parts.
        let mut cells: Vec<Vec<(Line, f32)>> = Vec::with_capacity(widths.len());
        for (i, w) in widths.iter().enumerate() {
            let cell = row.cells.get(i);
            let mut lines = Vec::new();
            if let Some(cell) = cell {
                for (pi, p) in cell.parts.iter().enumerate() {
                    let badge = p.spans.iter().any(|(_, s)| s.bg.is_some());
                    let inner = (w - 2.0 * PAD_X - cell.indent - if badge { p.max_size() * 0.6 } else { 0.0 }).max(1.0);
                    for (li, l) in break_lines(self.sh, p, inner).into_iter().enumerate() {
                        let gap = if li == 0 && pi > 0 { 1.5 } else { 0.0 };
                        lines.push((l, gap));
                    }
                }
            }
            cells.push(lines);
        }
        let mut items = Vec::new();
        let mut next = vec![0usize; cells.len()];
        loop {
            // Lines of each cell that fit in this piece.
            let mut take = vec![0usize; cells.len()];
            let mut height: f32 = 0.0;
            for (c, lines) in cells.iter().enumerate() {
                let mut h = 0.0;
                let mut k = next[c];
                while k < lines.len() {
                    let lh = lines[k].0.height + lines[k].1;
                    if h + lh + 2.0 * PAD_Y > max_h && k > next[c] {
                        break;
                    }
                    h += lh;
                    k += 1;
                }
                take[c] = k;
                height = height.max(h);
            }
            let last = take.iter().zip(&cells).all(|(k, l)| *k >= l.len());
            let mut row_h = height + 2.0 * PAD_Y;
            if last && items.is_empty() {
                row_h = row_h.max(row.min_height);
            }
            let mut ops = Vec::new();
            if let Some(fill) = row.fill {
                ops.push(Op::Rect { x: 0.0, y: 0.0, w: total, h: row_h, fill: Some(fill), stroke: None, radius: 0.0 });
            }
            for (c, col) in t.columns.iter().enumerate() {
                if col.row_header && !is_header && row.fill.is_none() {
                    ops.push(Op::Rect {
                        x: xs[c],
                        y: 0.0,
                        w: widths[c],
                        h: row_h,
                        fill: Some(Rgb(0xf6, 0xf8, 0xfa)),
                        stroke: None,
                        radius: 0.0,
                    });
                }
            }
            for (c, lines) in cells.iter_mut().enumerate() {
                let mut y = PAD_Y;
                let indent = row.cells.get(c).map_or(0.0, |cell| cell.indent);
                // Each line is drawn in one piece only: its glyphs move into the ops.
                for (line, gap) in lines.iter_mut().take(take[c]).skip(next[c]) {
                    let line = std::mem::take(line);
                    y += *gap;
                    let align = if is_header { Align::Left } else { t.columns[c].align };
                    let ind = indent;
                    let badge = line.runs.iter().any(|r| r.style.bg.is_some());
                    let bpad =
                        if badge { line.runs.iter().map(|r| r.style.size).fold(0.0, f32::max) * 0.3 } else { 0.0 };
                    let inner = widths[c] - 2.0 * PAD_X;
                    let x = xs[c]
                        + PAD_X
                        + match align {
                            Align::Left => ind + bpad,
                            Align::Center => (inner - line.width) / 2.0,
                            Align::Right => inner - line.width - bpad,
                        };
                    let height = line.height;
                    draw_line(line, x, y, &mut ops);
                    y += height;
                }
            }
            // A box to sign in covers its whole cell, once the row is complete.
            if last {
                for (c, cell) in row.cells.iter().enumerate().take(widths.len()) {
                    if let Some((name, tooltip)) = &cell.sign_box {
                        ops.push(Op::SignBox {
                            x: xs[c],
                            y: 0.0,
                            w: widths[c],
                            h: row_h,
                            name: name.clone(),
                            tooltip: tooltip.clone(),
                        });
                    }
                }
            }
            // Grid: the row's top and bottom rules and the column rules.
            let rule = Stroke::solid(RULE, 0.5);
            ops.push(Op::Line { x1: 0.0, y1: 0.0, x2: total, y2: 0.0, stroke: rule });
            ops.push(Op::Line { x1: 0.0, y1: row_h, x2: total, y2: row_h, stroke: rule });
            for x in xs.iter().copied().chain(std::iter::once(total)) {
                ops.push(Op::Line { x1: x, y1: 0.0, x2: x, y2: row_h, stroke: rule });
            }
            items.push(Item { height: row_h, ops, ..Item::default() });
            next = take;
            if last {
                break;
            }
        }
        items
    }

    /// A two-column form: labels shaded on the left, values wrapping on the right.
    pub fn form(&mut self, rows: &[(String, Cell)], size: f32) {
        self.form_with(rows, size, 0.0);
    }

    /// A form whose rows are at least `min_height` tall (room to write by hand).
    pub fn form_with(&mut self, rows: &[(String, Cell)], size: f32, min_height: f32) {
        let mut t = Table::new(vec![Column::new("").row_header(), Column::new("")]);
        t.header = false;
        t.size = size;
        let label_style = Style::new(size, MUTED).bold();
        // Labels take what they need, at most a third of the width.
        let label_w =
            rows.iter().map(|(l, _)| self.sh.width_as(l, size, true)).fold(0.0, f32::max).min(self.width / 3.0)
                + 2.0 * PAD_X
                + 2.0;
        t.columns[0].fixed = Some(label_w);
        for (label, value) in rows {
            t.rows.push(TableRow {
                cells: vec![Cell::text(label, label_style), value.clone()],
                fill: None,
                min_height,
            });
        }
        self.table(&t);
    }

    /// Ready-made drawing of a given height (charts), as one item.
    pub fn drawing(&mut self, height: f32, ops: Vec<Op>, space_before: f32) {
        self.push(Item { height, ops, space_before, ..Item::default() });
    }
}

#[cfg(test)]
mod tests {
    use super::super::fonts::tests::test_chain;
    use super::*;
    use crate::model::Lang;

    fn lines(sh: &mut Shaper, s: &str, size: f32, w: f32) -> Vec<String> {
        break_lines(sh, &Rich::new(s, Style::new(size, INK)), w).iter().map(Line::text).collect()
    }

    #[test]
    fn ideographs_break_anywhere_but_closing_punctuation_never_starts_a_line() {
        // SPEC §4 PDF: CJK breaking between any two ideographs, never ，。、）》 at a line start.
        let Some(chain) = test_chain(Lang::ZhCn) else { return };
        let mut sh = Shaper::new(&chain);
        let text =
            "市场部负责推广方案，技术部负责数据监测。设计部（含外包）完成《视觉规范》、物料制作；渠道商配合执行！";
        for chars in 3..20 {
            let w = 10.0 * chars as f32 + 0.5;
            let ls = lines(&mut sh, text, 10.0, w);
            assert_eq!(ls.concat(), text, "no character lost or added at width {chars}");
            for (i, l) in ls.iter().enumerate() {
                let first = l.chars().next().unwrap();
                let last = l.chars().last().unwrap();
                assert!(!is_closing(first) || i == 0, "line {i} starts with {first}: {ls:?}");
                assert!(!is_opening(last) || i + 1 == ls.len(), "line {i} ends with {last}: {ls:?}");
                assert!(sh.width(l, 10.0) <= w + 0.01, "line {l} wider than {w}");
            }
        }
    }

    #[test]
    fn latin_text_breaks_at_spaces_and_long_words_are_cut() {
        let Some(chain) = test_chain(Lang::En) else { return };
        let mut sh = Shaper::new(&chain);
        let ls = lines(&mut sh, "Launch the campaign on all channels", 10.0, 80.0);
        assert!(ls.len() > 1 && ls.iter().all(|l| !l.starts_with(' ') && !l.ends_with(' ')), "{ls:?}");
        assert_eq!(ls.join(" "), "Launch the campaign on all channels");
        let ls = lines(&mut sh, "https://example.com/a/very/long/path/without/spaces", 10.0, 60.0);
        assert!(ls.len() > 2 && ls.iter().all(|l| sh.width(l, 10.0) <= 60.01), "{ls:?}");
        assert_eq!(lines(&mut sh, "a\nb\n\nc", 10.0, 100.0), ["a", "b", "", "c"]);
        assert_eq!(lines(&mut sh, "2024-07-15", 10.0, 60.0), ["2024-07-15"]);
        let cut = lines(&mut sh, "2024-07-15", 10.0, 20.0);
        assert!(cut.len() > 1 && cut.concat() == "2024-07-15", "a date is cut only when nothing else fits: {cut:?}");
    }

    fn check_table_page(pages: &[Page], g: &Geometry, widths: &[f32]) {
        let xs: Vec<f32> = widths
            .iter()
            .scan(g.left, |x, w| {
                let at = *x;
                *x += w;
                Some(at)
            })
            .collect();
        for p in pages {
            for op in &p.ops {
                let (l, t, r, b) = op.bounds();
                assert!(b <= g.bottom_y() + 0.01, "drawn below the bottom margin: {op:?}");
                assert!(
                    t >= g.top - 0.01 && l >= g.left - 0.01 && r <= g.width - g.right + 0.01,
                    "outside the margins: {op:?}"
                );
                if let Op::Text { .. } = op {
                    // Inside one column, padding included.
                    let inside = xs
                        .iter()
                        .zip(widths)
                        .any(|(x, w)| l >= x + PAD_X - 0.3 - 0.01 && r <= x + w - PAD_X + 0.3 + 0.01);
                    assert!(inside, "text {:?} crosses a column edge ({l}..{r}) {xs:?}", op.text());
                }
            }
        }
    }

    fn sample_table(rows: usize) -> Table {
        let mut t = Table::new(vec![
            Column::new("任务ID"),
            Column::new("子任务名称"),
            Column::new("负责部门/人"),
            Column::new("计划结束时间"),
            Column::new("存在问题"),
        ]);
        let s = Style::new(8.5, INK);
        for i in 0..rows {
            let long = "渠道商A公司的物料到货延迟，需协调物流，并重新确认上线时间（含备用方案）。".repeat(1 + i % 3);
            t.rows.push(TableRow {
                cells: vec![
                    Cell::text(&format!("{}.{}", i / 10 + 1, i % 10 + 1), s),
                    Cell::text("制定推广方案与执行计划", s),
                    Cell::text("市场部/张三", s),
                    Cell::text("2024-07-25", s),
                    Cell::text(&long, s),
                ],
                fill: None,
                min_height: 0.0,
            });
        }
        t
    }

    #[test]
    fn long_tables_stay_in_their_cells_and_margins_and_repeat_the_header() {
        let Some(chain) = test_chain(Lang::ZhCn) else { return };
        let mut sh = Shaper::new(&chain);
        let g = Geometry::a4(false);
        let mut flow = Flow::new(&mut sh, g.content_width());
        let widths = flow.table(&sample_table(60));
        let laid = std::mem::take(&mut flow.laid);
        let (pages, _) = paginate(laid, &g);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        assert!((widths.iter().sum::<f32>() - g.content_width()).abs() < 0.5);
        check_table_page(&pages, &g, &widths);
        for p in &pages {
            // The first text of every page is the header row.
            let first = p.ops.iter().find_map(Op::text).unwrap();
            assert_eq!(first, "任务ID");
        }
    }

    #[test]
    fn a_narrow_page_cuts_cell_text_but_never_overflows() {
        let Some(chain) = test_chain(Lang::ZhCn) else { return };
        let mut sh = Shaper::new(&chain);
        let g = Geometry { left: 200.0, right: 200.0, ..Geometry::a4(false) };
        let mut flow = Flow::new(&mut sh, g.content_width());
        let widths = flow.table(&sample_table(5));
        let laid = std::mem::take(&mut flow.laid);
        let (pages, _) = paginate(laid, &g);
        check_table_page(&pages, &g, &widths);
    }

    #[test]
    fn a_row_taller_than_a_page_is_cut_between_lines() {
        let Some(chain) = test_chain(Lang::ZhCn) else { return };
        let mut sh = Shaper::new(&chain);
        let g = Geometry::a4(false);
        let mut t = sample_table(1);
        t.rows[0].cells[4] = Cell::text(&"很长的问题描述。".repeat(600), Style::new(8.5, INK));
        let mut flow = Flow::new(&mut sh, g.content_width());
        let widths = flow.table(&t);
        let laid = std::mem::take(&mut flow.laid);
        let (pages, _) = paginate(laid, &g);
        assert!(pages.len() >= 2);
        check_table_page(&pages, &g, &widths);
    }

    #[test]
    fn keep_together_groups_move_to_the_next_page_whole() {
        let Some(chain) = test_chain(Lang::ZhCn) else { return };
        let mut sh = Shaper::new(&chain);
        let g = Geometry::a4(false);
        let mut flow = Flow::new(&mut sh, g.content_width());
        for _ in 0..40 {
            flow.para("填充文字，用来把页面写到快满。", Style::new(BODY, INK));
        }
        let mut grid = Table::new(vec![Column::new("部门"), Column::new("签字").fixed(120.0)]);
        grid.keep = true;
        for d in ["产品部", "销售部", "设计部", "渠道商A公司"] {
            grid.rows.push(TableRow { cells: vec![Cell::text(d, Style::new(9.0, INK))], fill: None, min_height: 36.0 });
        }
        flow.keep(|f| {
            f.heading("涉及部门评审签字", 1);
            f.table(&grid);
        });
        let laid = std::mem::take(&mut flow.laid);
        let (pages, marks) = paginate(laid, &g);
        let page_of =
            |s: &str| pages.iter().position(|p| p.ops.iter().any(|o| o.text().as_deref() == Some(s))).unwrap();
        assert_eq!(page_of("涉及部门评审签字"), page_of("渠道商A公司"));
        assert_eq!(page_of("部门"), page_of("产品部"));
        assert_eq!(marks.last().map(|m| m.page), Some(page_of("产品部")));
        for p in &pages {
            assert!(p.ops.iter().all(|o| o.bounds().3 <= g.bottom_y() + 0.01));
        }
    }

    #[test]
    fn columns_fit_their_content_and_the_page() {
        let Some(chain) = test_chain(Lang::ZhCn) else { return };
        let mut sh = Shaper::new(&chain);
        let t = sample_table(3);
        let w = fit_columns(&mut sh, &t, 500.0);
        assert!((w.iter().sum::<f32>() - 500.0).abs() < 0.5, "{w:?}");
        // The date never wraps; the problem column gets the most room.
        let date = sh.width("2024-07-25", 8.5) + 2.0 * PAD_X;
        assert!(w[3] >= date - 0.01, "{w:?}");
        assert!(w[4] > w[1] && w[4] > w[2], "{w:?}");
    }

    #[test]
    fn an_english_header_keeps_its_words_whole_in_a_crowded_table() {
        let Some(chain) = test_chain(Lang::En) else { return };
        let mut sh = Shaper::new(&chain);
        // Fourteen columns, as the English task table of seed document 2 has: dates, a short
        // deliverable under "Deliverable", and a long problem that takes what room is left.
        let title = |i: usize| if i == 10 { "Deliverable" } else { "Planned end" };
        let mut t = Table::new((0..14).map(|i| Column::new(title(i))).collect());
        let s = Style::new(8.5, INK);
        let long = "宣传物料设计不符合品牌规范，需重新设计并增加品牌审核环节（见风险001）".repeat(3);
        let text = |i: usize| match i {
            10 => "《推广活动方案V1.0》",
            13 => long.as_str(),
            _ => "2024-07-25",
        };
        t.rows.push(TableRow { cells: (0..14).map(|i| Cell::text(text(i), s)).collect(), fill: None, min_height: 0.0 });
        let w = fit_columns(&mut sh, &t, 750.0);
        let word = sh.width_as("Deliverable", 8.5, true) + 2.0 * PAD_X;
        assert!(w[10] >= word - 0.01, "{} < {word}", w[10]);
    }
}
