//! PDF serialisation of laid-out pages: every font embedded as a subset (Type 0 / CID,
//! Identity-H, with a ToUnicode map so text copies out as the right characters), vector
//! content streams, bookmarks, document metadata and, on request, PDF/A-2u (XMP metadata,
//! sRGB output intent). The same pages and metadata give the same bytes: nothing reads the
//! clock, object order is fixed, the document ID is a hash of the content.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

use super::draw::{Bookmark, Glyph, Op, Page, Rgb, Stroke};
use super::fonts::{FontChain, is_check_box};

/// Document information (Info dictionary, and XMP for PDF/A).
#[derive(Clone, Debug, Default)]
pub struct Meta {
    pub title: String,
    pub subject: String,
    pub author: String,
    pub keywords: String,
    /// The generator (`dossier 0.1.0`): Creator and Producer.
    pub creator: String,
    /// BCP 47 language of the text (`zh-CN`).
    pub lang: String,
    /// Creation and modification date (from `--as-of` or `SOURCE_DATE_EPOCH`, never the clock).
    pub date: NaiveDateTime,
    pub pdfa: bool,
}

struct Writer {
    buf: Vec<u8>,
    offsets: Vec<usize>,
}

impl Writer {
    fn new() -> Writer {
        let mut buf = Vec::with_capacity(64 * 1024);
        buf.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
        Writer { buf, offsets: vec![0] }
    }

    /// Reserves an object number.
    fn alloc(&mut self) -> usize {
        self.offsets.push(0);
        self.offsets.len() - 1
    }

    fn obj(&mut self, id: usize, body: &str) {
        self.offsets[id] = self.buf.len();
        let _ = write!(self.buf, "{id} 0 obj\n{body}\nendobj\n");
    }

    /// A stream object.
    fn stream(&mut self, id: usize, s: &Stream) {
        self.offsets[id] = self.buf.len();
        let _ = write!(self.buf, "{id} 0 obj\n<<{} /Length {}>>\nstream\n", s.dict, s.data.len());
        self.buf.extend_from_slice(&s.data);
        self.buf.extend_from_slice(b"\nendstream\nendobj\n");
    }
}

/// A stream ready to be written, in as many files as need it: its dictionary entries (the
/// filter among them) and its data, deflated once.
#[derive(Clone, Debug)]
pub struct Stream {
    dict: String,
    data: Vec<u8>,
}

impl Stream {
    /// `data` with the dictionary entries `dict`; `compress` deflates it.
    pub fn new(dict: &str, data: &[u8], compress: bool) -> Stream {
        if compress {
            Stream { dict: format!("{dict} /Filter /FlateDecode"), data: deflate(data) }
        } else {
            Stream { dict: dict.to_string(), data: data.to_vec() }
        }
    }
}

/// The zlib level: measured on a batch of synthetic projects, level 2 takes 5 % fewer
/// instructions for the whole PDF build than level 6 and makes the files 4 % larger (level 1,
/// another algorithm, 8 % fewer and 24 % larger).
const LEVEL: u32 = 2;

/// zlib at [`LEVEL`] (zlib-rs: the same bytes on every machine). One compressor per thread,
/// reset between streams: setting one up costs more than compressing a typical page, and a
/// reset one gives the same bytes as a new one.
fn deflate(data: &[u8]) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    thread_local! {
        static ZLIB: std::cell::RefCell<Compress> = std::cell::RefCell::new(Compress::new(Compression::new(LEVEL), true));
    }
    ZLIB.with(|z| {
        let mut z = z.borrow_mut();
        z.reset();
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        loop {
            let done = z.total_in() as usize;
            match z.compress_vec(&data[done.min(data.len())..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return out,
                Ok(_) => out.reserve(out.capacity().max(4096)),
                Err(_) => return fallback_deflate(data),
            }
        }
    })
}

fn fallback_deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::with_capacity(data.len() / 3), flate2::Compression::new(LEVEL));
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// A number as PDF writes it: at most 3 decimals, no trailing zeros, no `-0`.
pub fn num(v: f32) -> String {
    let mut s = String::new();
    put(&mut s, v);
    s
}

/// A text string: ASCII printable as a literal, anything else UTF-16BE with a BOM in hex.
fn text_string(s: &str) -> String {
    if s.chars().all(|c| (' '..='~').contains(&c)) {
        let mut out = String::from("(");
        for c in s.chars() {
            if matches!(c, '(' | ')' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push(')');
        out
    } else {
        let mut out = String::from("<FEFF");
        for u in s.encode_utf16() {
            let _ = write!(out, "{u:04X}");
        }
        out.push('>');
        out
    }
}

fn pdf_date(d: &NaiveDateTime) -> String {
    format!("(D:{}Z)", d.format("%Y%m%d%H%M%S"))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Glyphs of one font used by the document: old glyph id → (advance, the characters it
/// stands for, in order of first use). One glyph can draw several characters (`人` and the
/// Kangxi radical `⼈`, `・` and `·`).
type Used = BTreeMap<u16, (f32, Vec<char>)>;

/// One font of the chain, subset and serialised once for every file of a set: the font
/// program, and one PDF font per *layer*. Layer `n` holds the `n`-th character of every glyph
/// that draws more than `n`, so every (glyph, character) pair has its own code and its own
/// ToUnicode entry: no character's text is replaced by another's in copy and search
/// (PDF/A-2u). Almost every document has one layer.
struct EmbeddedFont {
    /// `ABCDEF+PostScriptName`.
    base: String,
    /// The font descriptor's entries but the name and the program.
    descriptor: String,
    /// `FontFile3` (CFF) or `FontFile2` (TrueType), and the program.
    file_key: &'static str,
    file: Stream,
    /// `CIDFontType0` or `CIDFontType2`, and what the CID font adds for it.
    subtype: &'static str,
    cid_extra: &'static str,
    layers: Vec<Layer>,
    /// Old glyph id → new glyph id (the CID, the same in every layer).
    cids: BTreeMap<u16, u16>,
    /// (old glyph id, character) → layer, for the pairs past layer 0.
    extra: BTreeMap<(u16, char), usize>,
    /// A family's Bold face: bold text in it needs no synthetic stroke.
    bold: bool,
}

/// One PDF font over a font program: its resource name (`F0`, `F0_1`), widths and ToUnicode map.
struct Layer {
    name: String,
    widths: String,
    to_unicode: Stream,
}

impl EmbeddedFont {
    /// The layer and code that draw `gid` as the text `ch`.
    fn code(&self, gid: u16, ch: char) -> (usize, u16) {
        let layer = self.extra.get(&(gid, ch)).copied().unwrap_or(0);
        (layer, self.cids.get(&gid).copied().unwrap_or(0))
    }

    /// Writes the font's objects; returns the Type 0 font object of each layer.
    fn write(&self, w: &mut Writer) -> Vec<usize> {
        let (desc, file) = (w.alloc(), w.alloc());
        w.stream(file, &self.file);
        let (base, file_key) = (&self.base, self.file_key);
        w.obj(
            desc,
            &format!("<< /Type /FontDescriptor /FontName /{base} {} /{file_key} {file} 0 R >>", self.descriptor),
        );
        let (subtype, extra) = (self.subtype, self.cid_extra);
        let mut objects = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            let (type0, cid, tounicode) = (w.alloc(), w.alloc(), w.alloc());
            w.obj(
                cid,
                &format!(
                    "<< /Type /Font /Subtype /{subtype} /BaseFont /{base} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor {desc} 0 R /DW 1000 /W {}{extra} >>",
                    layer.widths
                ),
            );
            w.stream(tounicode, &layer.to_unicode);
            w.obj(
                type0,
                &format!(
                    "<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /Identity-H /DescendantFonts [{cid} 0 R] /ToUnicode {tounicode} 0 R >>"
                ),
            );
            objects.push(type0);
        }
        objects
    }
}

/// The fonts of a set of PDFs (a project's documents and its dossier): each font subset once
/// to the glyphs any page of the set draws, and embedded in every file of the set the same,
/// so a page's content stream reads the same in each.
pub struct Fonts {
    /// By place in the chain.
    embedded: BTreeMap<u8, EmbeddedFont>,
}

/// The glyphs some pages draw, by font (place in the chain): what their fonts are subset to.
#[derive(Default)]
pub struct Glyphs(BTreeMap<u8, Used>);

impl Glyphs {
    /// Adds the glyphs of the text of `ops`.
    pub fn add<'a>(&mut self, ops: impl IntoIterator<Item = &'a Op>) {
        for op in ops {
            if let Op::Text { glyphs, .. } = op {
                for g in glyphs {
                    let (_, chars) = self.0.entry(g.font).or_default().entry(g.gid).or_insert((g.advance, Vec::new()));
                    if !chars.contains(&g.ch) {
                        chars.push(g.ch);
                    }
                }
            }
        }
    }
}

/// A flow's glyphs, gathered as it is laid out (its ops dropped).
impl super::layout::OpSink for Glyphs {
    fn take(&mut self, _item: usize, ops: Vec<Op>) {
        self.add(&ops);
    }
}

impl Fonts {
    /// Subsets the fonts that draw the text of `ops`.
    pub fn subset<'a>(chain: &FontChain, ops: impl Iterator<Item = &'a Op>) -> anyhow::Result<Fonts> {
        let mut glyphs = Glyphs::default();
        glyphs.add(ops);
        Fonts::embed(chain, &glyphs)
    }

    /// Subsets each font to the glyphs it draws.
    pub fn embed(chain: &FontChain, glyphs: &Glyphs) -> anyhow::Result<Fonts> {
        let mut embedded = BTreeMap::new();
        for (n, (index, u)) in glyphs.0.iter().enumerate() {
            embedded.insert(*index, embed_font(chain, *index, n, u)?);
        }
        Ok(Fonts { embedded })
    }

    /// The places in the chain of the fonts embedded.
    pub fn places(&self) -> impl Iterator<Item = u8> + '_ {
        self.embedded.keys().copied()
    }

    /// Writes every font; returns the entries of the `/Font` resource dictionary.
    fn write(&self, w: &mut Writer) -> String {
        let mut res = String::new();
        for f in self.embedded.values() {
            for (layer, obj) in f.layers.iter().zip(f.write(w)) {
                if !res.is_empty() {
                    res.push(' ');
                }
                let _ = write!(res, "/{} {obj} 0 R", layer.name);
            }
        }
        res
    }
}

/// Six capital letters naming a subset, from its font and glyphs (PDF 9.6.4).
fn subset_tag(postscript: &str, used: &Used) -> String {
    let mut h = Sha256::new();
    h.update(postscript.as_bytes());
    for g in used.keys() {
        h.update(g.to_be_bytes());
    }
    h.finalize().iter().take(6).map(|b| (b'A' + b % 26) as char).collect()
}

fn to_unicode(map: &[(u16, char)]) -> String {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in map.chunks(100) {
        let _ = writeln!(s, "{} beginbfchar", chunk.len());
        for (cid, c) in chunk {
            let mut units = [0u16; 2];
            let hex: String = c.encode_utf16(&mut units).iter().map(|u| format!("{u:04X}")).collect();
            let _ = writeln!(s, "<{cid:04X}> <{hex}>");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

/// Subsets the font at place `index` of the chain as resource `F{n}` (numbered in the order
/// fonts are embedded, so the names do not depend on how long the chain is on this machine).
fn embed_font(chain: &FontChain, index: u8, n: usize, used: &Used) -> anyhow::Result<EmbeddedFont> {
    let font = chain.font(usize::from(index)).ok_or_else(|| anyhow::anyhow!("font {index} of the chain vanished"))?;
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut cids = BTreeMap::new();
    for gid in used.keys() {
        cids.insert(*gid, remapper.remap(*gid));
    }
    let subset = subsetter::subset(font.data(), font.index, &remapper)
        .map_err(|e| anyhow::anyhow!("{}: the font cannot be subset ({e:?})", font.source))?;
    let base = format!("{}+{}", subset_tag(&font.postscript, used), font.postscript);
    let m = font.metrics();
    let (file_key, file) = if font.cff {
        // The bare CFF table, as CIDFontType0C: readable by every viewer since PDF 1.3.
        // Stored as it is: CFF is compact already (deflate saved ~9 % of a CJK subset) and
        // compressing it took more time than any other stream of a file.
        let cff = ttf_parser::RawFace::parse(&subset, 0)
            .ok()
            .and_then(|f| f.table(ttf_parser::Tag::from_bytes(b"CFF ")))
            .ok_or_else(|| anyhow::anyhow!("{}: the subset has no CFF table", font.source))?;
        ("FontFile3", Stream::new(" /Subtype /CIDFontType0C", cff, false))
    } else {
        ("FontFile2", Stream::new(&format!(" /Length1 {}", subset.len()), &subset, true))
    };
    let descriptor = format!(
        "/Flags 4 /FontBBox [{} {} {} {}] /ItalicAngle {} /Ascent {} /Descent {} /CapHeight {} /StemV 80",
        num(m.bbox[0]),
        num(m.bbox[1]),
        num(m.bbox[2]),
        num(m.bbox[3]),
        num(m.italic_angle),
        num(m.ascent),
        num(m.descent),
        num(m.cap_height),
    );
    let (subtype, cid_extra) =
        if font.cff { ("CIDFontType0", "") } else { ("CIDFontType2", " /CIDToGIDMap /Identity") };
    let depth = used.values().map(|(_, chars)| chars.len()).max().unwrap_or(1);
    let mut layers = Vec::with_capacity(depth);
    let mut extra = BTreeMap::new();
    for layer in 0..depth {
        // Widths: the new glyph ids run 1..n in the order of `used`; layer 0 has them all.
        let mut widths = String::from("[");
        let mut map: Vec<(u16, char)> = Vec::new();
        for (gid, (adv, chars)) in used {
            let Some(c) = chars.get(layer) else { continue };
            if layer == 0 {
                if map.is_empty() {
                    widths.push_str("1 [");
                } else {
                    widths.push(' ');
                }
                widths.push_str(&num(*adv));
            } else {
                let _ = write!(widths, "{} [{}] ", cids[gid], num(*adv));
                extra.insert((*gid, *c), layer);
            }
            map.push((cids[gid], *c));
        }
        widths.push_str(if layer == 0 { "]]" } else { "]" });
        let name = if layer == 0 { format!("F{n}") } else { format!("F{n}_{layer}") };
        layers.push(Layer { name, widths, to_unicode: Stream::new("", to_unicode(&map).as_bytes(), true) });
    }
    Ok(EmbeddedFont {
        base,
        descriptor,
        file_key,
        file,
        subtype,
        cid_extra,
        layers,
        cids,
        extra,
        bold: chain.is_bold(usize::from(index)),
    })
}

/// Appends four upper-case hex digits.
fn hex4(out: &mut String, v: u16) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for shift in [12, 8, 4, 0] {
        out.push(char::from(DIGITS[usize::from((v >> shift) & 0xF)]));
    }
}

/// Appends a whole number in decimal.
fn push_uint(out: &mut String, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|d| char::from(*d)));
}

/// Appends a number as PDF writes it (at most 3 decimals), without allocating.
fn put(out: &mut String, v: f32) {
    let v = if v.is_finite() { v } else { 0.0 };
    let m = (f64::from(v) * 1000.0).round() as i64;
    if m == 0 {
        out.push('0');
        return;
    }
    if m < 0 {
        out.push('-');
    }
    let m = m.unsigned_abs();
    let (int, frac) = (m / 1000, m % 1000);
    push_uint(out, int);
    if frac != 0 {
        let mut digits = [b'0' + (frac / 100) as u8, b'0' + (frac / 10 % 10) as u8, b'0' + (frac % 10) as u8];
        let mut n = 3;
        while digits[n - 1] == b'0' {
            n -= 1;
        }
        out.push('.');
        for d in &mut digits[..n] {
            out.push(*d as char);
        }
    }
}

/// The graphics state already set in a content stream, so each operator is written once.
#[derive(Default)]
struct State {
    fill: Option<Rgb>,
    stroke: Option<Rgb>,
    width: Option<f32>,
    dash: Option<Option<(f32, f32)>>,
    /// The text render mode: 0 fill, 2 fill and stroke (synthetic bold), 3 invisible (the
    /// text under a check box drawn as shapes).
    mode: u8,
}

impl State {
    fn fill(&mut self, out: &mut String, c: Rgb) {
        if self.fill != Some(c) {
            rgb(out, c, "rg");
            self.fill = Some(c);
        }
    }

    fn stroke_color(&mut self, out: &mut String, c: Rgb) {
        if self.stroke != Some(c) {
            rgb(out, c, "RG");
            self.stroke = Some(c);
        }
    }

    fn line_width(&mut self, out: &mut String, w: f32) {
        if self.width != Some(w) {
            put(out, w);
            out.push_str(" w\n");
            self.width = Some(w);
        }
    }

    fn stroke(&mut self, out: &mut String, s: &Stroke) {
        self.stroke_color(out, s.color);
        self.line_width(out, s.width);
        if self.dash != Some(s.dash) {
            match s.dash {
                Some((on, off)) => {
                    out.push('[');
                    put(out, on);
                    out.push(' ');
                    put(out, off);
                    out.push_str("] 0 d\n");
                }
                None => out.push_str("[] 0 d\n"),
            }
            self.dash = Some(s.dash);
        }
    }
}

fn rgb(out: &mut String, c: Rgb, op: &str) {
    for v in [c.0, c.1, c.2] {
        put(out, f32::from(v) / 255.0);
        out.push(' ');
    }
    out.push_str(op);
    out.push('\n');
}

/// `x y op` with a new line.
fn point(out: &mut String, x: f32, y: f32, op: &str) {
    put(out, x);
    out.push(' ');
    put(out, y);
    out.push(' ');
    out.push_str(op);
    out.push('\n');
}

/// A rectangle path with rounded corners (Bézier quarter circles).
fn rect_path(out: &mut String, x: f32, y: f32, w: f32, h: f32, r: f32) {
    let r = r.min(w / 2.0).min(h / 2.0).max(0.0);
    if r < 0.01 {
        for v in [x, y, w, h] {
            put(out, v);
            out.push(' ');
        }
        out.push_str("re\n");
        return;
    }
    let k = r * 0.5523;
    let (x2, y2) = (x + w, y + h);
    let curve = |out: &mut String, pts: [f32; 6]| {
        for v in pts {
            put(out, v);
            out.push(' ');
        }
        out.push_str("c\n");
    };
    point(out, x + r, y, "m");
    point(out, x2 - r, y, "l");
    curve(out, [x2 - r + k, y, x2, y + r - k, x2, y + r]);
    point(out, x2, y2 - r, "l");
    curve(out, [x2, y2 - r + k, x2 - r + k, y2, x2 - r, y2]);
    point(out, x + r, y2, "l");
    curve(out, [x + r - k, y2, x, y2 - r + k, x, y2 - r]);
    point(out, x, y + r, "l");
    curve(out, [x, y + r - k, x + r - k, y, x + r, y]);
    out.push_str("h\n");
}

fn paint(out: &mut String, fill: bool, stroke: bool) {
    out.push_str(match (fill, stroke) {
        (true, true) => "B\n",
        (true, false) => "f\n",
        (false, true) => "S\n",
        (false, false) => "n\n",
    });
}

/// The content stream drawing `ops` on a page `height` high, deflated. It starts from the
/// default graphics state and restores it (`q` … `Q`), so that the streams of a page (its
/// body, then its header and footer) can be written once and listed in any file.
pub fn content(ops: &[Op], height: f32, fonts: &Fonts) -> Stream {
    Stream::new("", draw(ops, height, &fonts.embedded).as_bytes(), true)
}

fn draw(ops: &[Op], h: f32, fonts: &BTreeMap<u8, EmbeddedFont>) -> String {
    let mut out = String::with_capacity(ops.len() * 40 + 4);
    out.push_str("q\n");
    let mut st = State::default();
    for op in ops {
        match op {
            Op::Text { x, y, size, color: c, bold, glyphs } => {
                if glyphs.is_empty() {
                    continue;
                }
                st.fill(&mut out, *c);
                // Bold text drawn with a Regular face (a family without a Bold face, or a
                // character its Bold subset lacks): the outline stroked in the text colour too.
                let synthetic = |f: u8| *bold && fonts.get(&f).is_some_and(|ef| !ef.bold);
                let mode_of = |g: &Glyph| {
                    if is_check_box(g.ch) {
                        3
                    } else if synthetic(g.font) {
                        2
                    } else {
                        0
                    }
                };
                if glyphs.iter().any(|g| synthetic(g.font) && !is_check_box(g.ch)) {
                    st.stroke_color(&mut out, *c);
                    st.line_width(&mut out, size * 0.035);
                }
                out.push_str("BT\n");
                out.push_str("1 0 0 1 ");
                point(&mut out, *x, h - y, "Tm");
                let mut i = 0;
                while i < glyphs.len() {
                    let f = glyphs[i].font;
                    let Some(ef) = fonts.get(&f) else {
                        i += 1;
                        continue;
                    };
                    // The render mode is graphics state: it outlives ET, so it is switched, not set.
                    let mode = mode_of(&glyphs[i]);
                    if mode != st.mode {
                        let _ = writeln!(out, "{mode} Tr");
                        st.mode = mode;
                    }
                    let (layer, _) = ef.code(glyphs[i].gid, glyphs[i].ch);
                    out.push('/');
                    out.push_str(&ef.layers[layer].name);
                    out.push(' ');
                    put(&mut out, *size);
                    out.push_str(" Tf <");
                    while i < glyphs.len() && glyphs[i].font == f && mode_of(&glyphs[i]) == mode {
                        let (l, cid) = ef.code(glyphs[i].gid, glyphs[i].ch);
                        if l != layer {
                            break;
                        }
                        hex4(&mut out, cid);
                        i += 1;
                    }
                    out.push_str("> Tj\n");
                }
                out.push_str("ET\n");
                // Check boxes over their invisible text.
                let mut at = *x;
                for g in glyphs {
                    if is_check_box(g.ch) {
                        check_box(&mut out, &mut st, g.ch, at, h - y, g.advance * size / 1000.0, *size, *c);
                    }
                    at += g.advance * size / 1000.0;
                }
            }
            Op::Rect { x, y, w, h: rh, fill, stroke, radius } => {
                if let Some(f) = fill {
                    st.fill(&mut out, *f);
                }
                if let Some(s) = stroke {
                    st.stroke(&mut out, s);
                }
                rect_path(&mut out, *x, h - y - rh, *w, *rh, *radius);
                paint(&mut out, fill.is_some(), stroke.is_some());
            }
            Op::Line { x1, y1, x2, y2, stroke } => {
                st.stroke(&mut out, stroke);
                point(&mut out, *x1, h - y1, "m");
                point(&mut out, *x2, h - y2, "l S");
            }
            Op::Poly { points, close, fill, stroke } => {
                if points.is_empty() {
                    continue;
                }
                if let Some(f) = fill {
                    st.fill(&mut out, *f);
                }
                if let Some(s) = stroke {
                    st.stroke(&mut out, s);
                }
                for (i, (px, py)) in points.iter().enumerate() {
                    point(&mut out, *px, h - py, if i == 0 { "m" } else { "l" });
                }
                if *close {
                    out.push_str("h\n");
                }
                paint(&mut out, fill.is_some(), stroke.is_some());
            }
            // Links are annotations of the page, not content.
            Op::Link { .. } | Op::SignBox { .. } => {}
        }
    }
    out.push_str("Q\n");
    out
}

/// A check box ☐ ☑ ☒ drawn with lines: a square on the baseline `base` (PDF coordinates)
/// centred in the advance `adv` from `x`, as high as CJK capitals, with a tick (☑) or a
/// cross (☒) inside, in the text's colour.
#[allow(clippy::too_many_arguments)]
fn check_box(out: &mut String, st: &mut State, ch: char, x: f32, base: f32, adv: f32, size: f32, color: Rgb) {
    let side = size * 0.72;
    let (left, bottom) = (x + (adv - side) / 2.0, base + size * 0.02);
    st.stroke(out, &Stroke::solid(color, size * 0.06));
    rect_path(out, left, bottom, side, side, 0.0);
    out.push_str("S\n");
    let at = |fx: f32, fy: f32| (left + side * fx, bottom + side * fy);
    let marks: &[&[(f32, f32)]] = match ch {
        '\u{2611}' => &[&[at(0.2, 0.52), at(0.42, 0.26), at(0.82, 0.8)]],
        '\u{2612}' => &[&[at(0.22, 0.22), at(0.78, 0.78)], &[at(0.22, 0.78), at(0.78, 0.22)]],
        _ => &[],
    };
    if !marks.is_empty() {
        st.line_width(out, size * 0.09);
    }
    for line in marks {
        for (i, (px, py)) in line.iter().enumerate() {
            point(out, *px, *py, if i == 0 { "m" } else { "l" });
        }
        out.push_str("S\n");
    }
}

/// The link annotations of a page (`/Annots`), to the pages and places its links name.
/// The signature fields of a file: their objects and names (each name once in a file).
#[derive(Default)]
struct Fields {
    ids: Vec<usize>,
    names: std::collections::BTreeSet<String>,
}

/// The empty signature fields of a page's boxes to sign in ([`Op::SignBox`]): each a widget
/// that is its own field, printable, with an empty appearance (PDF/A-2 wants one for every
/// widget), for `dossier sign --visible` or any other signing tool to fill.
fn sign_boxes(w: &mut Writer, page: &Page, page_id: usize, fields: &mut Fields) -> Vec<String> {
    let mut annots = Vec::new();
    for op in &page.ops {
        let Op::SignBox { x, y, w: bw, h, name, tooltip } = op else { continue };
        // The same department twice in one file (a recorded sign-off nobody expected): `#2`.
        let mut unique = name.clone();
        let mut n = 1;
        while !fields.names.insert(unique.clone()) {
            n += 1;
            unique = format!("{name}#{n}");
        }
        let (id, ap) = (w.alloc(), w.alloc());
        let (x0, y0, x1, y1) = (*x, page.height - y - h, x + bw, page.height - y);
        w.stream(
            ap,
            &Stream::new(&format!(" /Type /XObject /Subtype /Form /BBox [0 0 {} {}]", num(*bw), num(*h)), b"", false),
        );
        w.obj(
            id,
            &format!(
                "<< /Type /Annot /Subtype /Widget /FT /Sig /T {} /TU {} /F 4 /Rect [{} {} {} {}] /P {page_id} 0 R /AP << /N {ap} 0 R >> >>",
                text_string(&unique),
                text_string(tooltip),
                num(x0),
                num(y0),
                num(x1),
                num(y1),
            ),
        );
        fields.ids.push(id);
        annots.push(format!("{id} 0 R"));
    }
    annots
}

fn links(w: &mut Writer, page: &Page, page_ids: &[usize], heights: &[f32]) -> Vec<String> {
    let mut annots = Vec::new();
    for op in &page.ops {
        let Op::Link { x, y, w: lw, h, page: to, to_y } = op else { continue };
        let Some(target) = page_ids.get(*to) else { continue };
        let dest_y = heights.get(*to).copied().unwrap_or(page.height) - to_y;
        let id = w.alloc();
        let (x0, y0, x1, y1) = (*x, page.height - y - h, x + lw, page.height - y);
        w.obj(
            id,
            &format!(
                "<< /Type /Annot /Subtype /Link /Rect [{} {} {} {}] /Border [0 0 0] /F 4 /Dest [{target} 0 R /XYZ null {} null] >>",
                num(x0),
                num(y0),
                num(x1),
                num(y1),
                num(dest_y)
            ),
        );
        annots.push(format!("{id} 0 R"));
    }
    annots
}

/// The outline tree as nested items: (bookmark index, children).
fn outline(w: &mut Writer, marks: &[Bookmark], pages: &[usize], page_h: &[f32]) -> Option<usize> {
    if marks.is_empty() {
        return None;
    }
    let root = w.alloc();
    let ids: Vec<usize> = marks.iter().map(|_| w.alloc()).collect();
    // Parent of each bookmark: the nearest earlier one of a lower level.
    let parent: Vec<Option<usize>> =
        (0..marks.len()).map(|i| (0..i).rev().find(|j| marks[*j].level < marks[i].level)).collect();
    let children = |p: Option<usize>| -> Vec<usize> { (0..marks.len()).filter(|i| parent[*i] == p).collect() };
    fn count(i: Option<usize>, parent: &[Option<usize>]) -> usize {
        (0..parent.len()).filter(|j| parent[*j] == i).map(|j| 1 + count(Some(j), parent)).sum()
    }
    for (i, m) in marks.iter().enumerate() {
        let siblings = children(parent[i]);
        let pos = siblings.iter().position(|s| *s == i).unwrap_or(0);
        let kids = children(Some(i));
        let mut d = format!("<< /Title {} /Parent {} 0 R", text_string(&m.title), parent[i].map_or(root, |p| ids[p]));
        if pos > 0 {
            let _ = write!(d, " /Prev {} 0 R", ids[siblings[pos - 1]]);
        }
        if pos + 1 < siblings.len() {
            let _ = write!(d, " /Next {} 0 R", ids[siblings[pos + 1]]);
        }
        if let (Some(f), Some(l)) = (kids.first(), kids.last()) {
            // Top-level entries open, deeper ones closed.
            let n = count(Some(i), &parent) as i64;
            let _ =
                write!(d, " /First {} 0 R /Last {} 0 R /Count {}", ids[*f], ids[*l], if m.level == 0 { n } else { -n });
        }
        let page = m.page.min(pages.len().saturating_sub(1));
        let y = page_h.get(page).copied().unwrap_or(0.0) - m.y;
        let _ = write!(d, " /Dest [{} 0 R /XYZ null {} null] >>", pages[page], num(y));
        w.obj(ids[i], &d);
    }
    let top = children(None);
    let total = count(None, &parent);
    w.obj(
        root,
        &format!(
            "<< /Type /Outlines /First {} 0 R /Last {} 0 R /Count {total} >>",
            ids[top[0]],
            ids[*top.last().unwrap_or(&top[0])]
        ),
    );
    Some(root)
}

fn xmp(meta: &Meta) -> String {
    let date = meta.date.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let lang = xml_escape(&meta.lang);
    format!(
        r#"<?xpacket begin="{bom}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
<pdf:Keywords>{keywords}</pdf:Keywords>
<pdf:Producer>{creator}</pdf:Producer>
<xmp:CreatorTool>{creator}</xmp:CreatorTool>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:MetadataDate>{date}</xmp:MetadataDate>
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>U</pdfaid:conformance>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#,
        bom = '\u{FEFF}',
        title = xml_escape(&meta.title),
        author = xml_escape(&meta.author),
        subject = xml_escape(&meta.subject),
        keywords = xml_escape(&meta.keywords),
        creator = xml_escape(&meta.creator),
    )
}

/// A compact ICC v2 display profile for sRGB (D50-adapted primaries, gamma 2.2 curves):
/// the output intent of PDF/A.
pub(super) fn srgb_icc() -> Vec<u8> {
    fn s15(v: f64) -> [u8; 4] {
        ((v * 65536.0).round() as i32).to_be_bytes()
    }
    fn xyz(x: f64, y: f64, z: f64) -> Vec<u8> {
        let mut t = b"XYZ \0\0\0\0".to_vec();
        for v in [x, y, z] {
            t.extend_from_slice(&s15(v));
        }
        t
    }
    let desc = {
        let text = b"sRGB IEC61966-2.1\0";
        let mut t = b"desc\0\0\0\0".to_vec();
        t.extend_from_slice(&(text.len() as u32).to_be_bytes());
        t.extend_from_slice(text);
        t.extend_from_slice(&[0; 4 + 4]); // Unicode language code and count
        t.extend_from_slice(&[0; 2 + 1 + 67]); // ScriptCode code, count, string
        t
    };
    let cprt = {
        let mut t = b"text\0\0\0\0".to_vec();
        t.extend_from_slice(b"No copyright, use freely\0");
        t
    };
    // The sRGB curve as 1024 samples, closer than a pure gamma.
    let trc = {
        let n = 1024u32;
        let mut t = b"curv\0\0\0\0".to_vec();
        t.extend_from_slice(&n.to_be_bytes());
        for i in 0..n {
            let v = f64::from(i) / f64::from(n - 1);
            let lin = if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) };
            t.extend_from_slice(&((lin * 65535.0).round() as u16).to_be_bytes());
        }
        t
    };
    let tags: Vec<(&[u8; 4], Vec<u8>)> = vec![
        (b"desc", desc),
        (b"cprt", cprt),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.4361, 0.2225, 0.0139)),
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", trc),
    ];
    // gTRC and bTRC share rTRC's data.
    let count = tags.len() + 2;
    let mut offset = 128 + 4 + count * 12;
    let mut table = Vec::new();
    let mut data = Vec::new();
    let mut trc_at = (0, 0);
    for (sig, body) in &tags {
        while !offset.is_multiple_of(4) {
            data.push(0);
            offset += 1;
        }
        table.extend_from_slice(*sig);
        table.extend_from_slice(&(offset as u32).to_be_bytes());
        table.extend_from_slice(&(body.len() as u32).to_be_bytes());
        if *sig == b"rTRC" {
            trc_at = (offset, body.len());
        }
        data.extend_from_slice(body);
        offset += body.len();
    }
    for sig in [b"gTRC", b"bTRC"] {
        table.extend_from_slice(sig);
        table.extend_from_slice(&(trc_at.0 as u32).to_be_bytes());
        table.extend_from_slice(&(trc_at.1 as u32).to_be_bytes());
    }
    let size = 128 + 4 + table.len() + data.len();
    let mut h = Vec::with_capacity(size);
    h.extend_from_slice(&(size as u32).to_be_bytes());
    h.extend_from_slice(b"none"); // preferred CMM
    h.extend_from_slice(&[2, 0x10, 0, 0]); // version 2.1
    h.extend_from_slice(b"mntrRGB XYZ ");
    h.extend_from_slice(&[0x07, 0xD0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]); // 2000-01-01 00:00:00
    h.extend_from_slice(b"acsp");
    h.extend_from_slice(&[0; 4]); // platform
    h.extend_from_slice(&[0; 4]); // flags
    h.extend_from_slice(&[0; 4]); // manufacturer
    h.extend_from_slice(&[0; 4]); // model
    h.extend_from_slice(&[0; 8]); // attributes
    h.extend_from_slice(&[0, 0, 0, 0]); // perceptual intent
    h.extend_from_slice(&s15(0.9642));
    h.extend_from_slice(&s15(1.0));
    h.extend_from_slice(&s15(0.8249));
    h.extend_from_slice(&[0; 4]); // creator
    h.resize(128, 0);
    h.extend_from_slice(&(count as u32).to_be_bytes());
    h.extend_from_slice(&table);
    h.extend_from_slice(&data);
    h
}

/// One page of a file: the laid-out page (its size and links), its content stream, and the
/// stream of its header and footer, drawn after it.
pub struct PageOut<'a> {
    pub page: &'a Page,
    pub body: &'a Stream,
    pub decoration: Option<&'a Stream>,
}

/// Serialises pages, whose text `fonts` draws, into a PDF file.
pub fn write(pages: &[PageOut], marks: &[Bookmark], fonts: &Fonts, meta: &Meta) -> Vec<u8> {
    let mut w = Writer::new();
    let catalog = w.alloc();
    let pages_root = w.alloc();
    let info = w.alloc();
    let resources = w.alloc();
    let font_res = fonts.write(&mut w);
    w.obj(resources, &format!("<< /Font << {font_res} >> /ProcSet [/PDF /Text] >>"));

    // Page objects are numbered first, so that links can name any page.
    let page_ids: Vec<usize> = pages.iter().map(|_| w.alloc()).collect();
    let heights: Vec<f32> = pages.iter().map(|p| p.page.height).collect();
    let mut fields = Fields::default();
    for (p, pid) in pages.iter().zip(&page_ids) {
        let body = w.alloc();
        w.stream(body, p.body);
        let contents = match p.decoration {
            Some(d) => {
                let deco = w.alloc();
                w.stream(deco, d);
                format!("[{body} 0 R {deco} 0 R]")
            }
            None => format!("{body} 0 R"),
        };
        let mut annots = links(&mut w, p.page, &page_ids, &heights);
        annots.extend(sign_boxes(&mut w, p.page, *pid, &mut fields));
        let annots = if annots.is_empty() { String::new() } else { format!(" /Annots [{}]", annots.join(" ")) };
        w.obj(
            *pid,
            &format!(
                "<< /Type /Page /Parent {pages_root} 0 R /MediaBox [0 0 {} {}] /Resources {resources} 0 R /Contents {contents}{annots} >>",
                num(p.page.width),
                num(p.page.height)
            ),
        );
    }
    let kids: String = page_ids.iter().map(|p| format!("{p} 0 R")).collect::<Vec<_>>().join(" ");
    w.obj(pages_root, &format!("<< /Type /Pages /Kids [{kids}] /Count {} >>", pages.len()));

    let outlines = if pages.is_empty() { None } else { outline(&mut w, marks, &page_ids, &heights) };

    let date = pdf_date(&meta.date);
    let mut info_dict = format!(
        "<< /Title {} /Author {} /Subject {} /Creator {} /Producer {} /CreationDate {date} /ModDate {date}",
        text_string(&meta.title),
        text_string(&meta.author),
        text_string(&meta.subject),
        text_string(&meta.creator),
        text_string(&meta.creator),
    );
    if !meta.keywords.is_empty() {
        let _ = write!(info_dict, " /Keywords {}", text_string(&meta.keywords));
    }
    info_dict.push_str(" >>");
    w.obj(info, &info_dict);

    let mut cat = format!("<< /Type /Catalog /Pages {pages_root} 0 R /Lang {}", text_string(&meta.lang));
    cat.push_str(" /ViewerPreferences << /DisplayDocTitle true >>");
    if let Some(o) = outlines {
        let _ = write!(cat, " /Outlines {o} 0 R /PageMode /UseOutlines");
    }
    if !fields.ids.is_empty() {
        // Its own object: signing it later rewrites this dictionary, not the catalog.
        let form = w.alloc();
        let list: Vec<String> = fields.ids.iter().map(|f| format!("{f} 0 R")).collect();
        w.obj(form, &format!("<< /Fields [{}] >>", list.join(" ")));
        let _ = write!(cat, " /AcroForm {form} 0 R");
    }
    if meta.pdfa {
        let (md, icc) = (w.alloc(), w.alloc());
        // PDF/A: the XMP packet stays uncompressed so archive tools can read it.
        w.stream(md, &Stream::new(" /Type /Metadata /Subtype /XML", xmp(meta).as_bytes(), false));
        w.stream(icc, icc_stream());
        let _ = write!(
            cat,
            " /Metadata {md} 0 R /OutputIntents [<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) /DestOutputProfile {icc} 0 R >>]"
        );
    }
    cat.push_str(" >>");
    w.obj(catalog, &cat);

    // Cross-reference table and trailer; the ID is a hash of everything above.
    let id: String = Sha256::digest(&w.buf).iter().take(16).map(|b| format!("{b:02X}")).collect();
    let xref = w.buf.len();
    let _ = write!(w.buf, "xref\n0 {}\n0000000000 65535 f \n", w.offsets.len());
    for off in &w.offsets[1..] {
        let _ = writeln!(w.buf, "{off:010} 00000 n ");
    }
    let _ = write!(
        w.buf,
        "trailer\n<< /Size {} /Root {catalog} 0 R /Info {info} 0 R /ID [<{id}> <{id}>] >>\nstartxref\n{xref}\n%%EOF\n",
        w.offsets.len()
    );
    w.buf
}

/// A form XObject drawing `ops` in a box `width` × `height` (origin top-left, as on a page),
/// with the fonts it uses subset and embedded: the objects an incremental update adds for a
/// signature's appearance, numbered from `first` (the form first), each as the bytes between
/// `n 0 obj` and `endobj`.
pub fn form_objects(
    ops: &[Op],
    width: f32,
    height: f32,
    chain: &FontChain,
    first: usize,
) -> anyhow::Result<Vec<(usize, Vec<u8>)>> {
    let fonts = Fonts::subset(chain, ops.iter())?;
    let mut w = Writer { buf: Vec::new(), offsets: vec![0; first] };
    let form = w.alloc();
    let font_res = fonts.write(&mut w);
    let body = content(ops, height, &fonts);
    let dict = format!(
        " /Type /XObject /Subtype /Form /BBox [0 0 {} {}] /Resources << /Font << {font_res} >> /ProcSet [/PDF /Text] >>{}",
        num(width),
        num(height),
        body.dict
    );
    w.stream(form, &Stream { dict, data: body.data });
    let mut at: Vec<(usize, usize)> = (first..w.offsets.len()).map(|id| (w.offsets[id], id)).collect();
    at.sort_unstable();
    let mut out = Vec::with_capacity(at.len());
    for (k, (start, id)) in at.iter().enumerate() {
        let end = at.get(k + 1).map_or(w.buf.len(), |n| n.0);
        let head = format!("{id} 0 obj\n").len();
        let tail = "\nendobj\n".len();
        out.push((*id, w.buf[start + head..end - tail].to_vec()));
    }
    out.sort_unstable_by_key(|o| o.0);
    Ok(out)
}

/// The sRGB profile as a stream, made once per process.
fn icc_stream() -> &'static Stream {
    static ICC: std::sync::OnceLock<Stream> = std::sync::OnceLock::new();
    ICC.get_or_init(|| Stream::new(" /N 3", &srgb_icc(), true))
}

#[cfg(test)]
mod deflate_tests {
    use super::*;

    #[test]
    fn the_reused_compressor_gives_the_bytes_of_a_new_one() {
        let big: Vec<u8> = (0..200_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        for data in [&b""[..], b"BT /F1 12 Tf (x) Tj ET", &big] {
            assert_eq!(deflate(data), fallback_deflate(data));
            assert_eq!(deflate(data), fallback_deflate(data));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(12.34567), "12.346");
        assert_eq!(num(f32::NAN), "0");
        assert_eq!(num(-1234567.0), "-1234567");
        assert_eq!(num(10.05), "10.05");
        let mut hex = String::new();
        hex4(&mut hex, 0x0A1F);
        hex4(&mut hex, 0);
        assert_eq!(hex, "0A1F0000");
    }

    #[test]
    fn strings_outside_ascii_are_utf16() {
        assert_eq!(text_string("Plan (v2)"), "(Plan \\(v2\\))");
        assert_eq!(text_string("计划"), "<FEFF8BA15212>");
    }

    #[test]
    fn the_icc_profile_is_well_formed() {
        let icc = srgb_icc();
        assert_eq!(u32::from_be_bytes(icc[0..4].try_into().unwrap()) as usize, icc.len());
        assert_eq!(&icc[36..40], b"acsp");
        assert_eq!(&icc[12..24], b"mntrRGB XYZ ");
    }

    #[test]
    fn check_boxes_are_drawn_as_shapes_over_invisible_text() {
        // The bundled fonts have no ☐ ☑ ☒: each is a stroked square (a tick, a cross) drawn
        // over the white square's glyph, invisible and mapped to the check box's character.
        let chain = FontChain::bundled_only(crate::model::Lang::ZhCn);
        let mut sh = super::super::layout::Shaper::new(&chain);
        let glyphs = sh.glyphs("☐ 待办 ☑ 已办 ☒");
        assert!(sh.missing.is_none(), "every check box has a place: {:?}", sh.missing);
        let carrier = chain.find('□').unwrap();
        assert!(glyphs.iter().filter(|g| is_check_box(g.ch)).all(|g| (g.font, g.gid) == carrier));
        let text = Op::Text { x: 10.0, y: 20.0, size: 10.0, color: Rgb::BLACK, bold: false, glyphs };
        let fonts = Fonts::subset(&chain, std::iter::once(&text)).unwrap();
        let stream = draw(std::slice::from_ref(&text), 100.0, &fonts.embedded);
        // Invisible for the boxes, visible again for the words between them.
        assert_eq!(stream.matches("3 Tr").count(), 3, "{stream}");
        assert_eq!(stream.matches("0 Tr").count(), 2, "{stream}");
        // Three squares, one tick (three points), a cross (two strokes).
        assert_eq!(stream.matches(" re\nS").count(), 3, "{stream}");
        assert_eq!(stream.matches(" l\nS").count(), 3, "{stream}");
        // Copy and search give the check boxes back.
        let raw = String::from_utf8_lossy(&write(
            &[PageOut {
                page: &Page { width: 100.0, height: 100.0, ops: vec![text.clone()] },
                body: &content(&[text], 100.0, &fonts),
                decoration: None,
            }],
            &[],
            &fonts,
            &Meta::default(),
        ))
        .into_owned();
        assert!(raw.contains("/F0_1 "), "□ and the check boxes each have their own code");
    }

    #[test]
    fn a_glyph_drawn_for_two_characters_gets_a_code_for_each() {
        // `人` and the Kangxi radical `⼈` share a glyph; each keeps its own text (PDF/A-2u).
        let Some(chain) = super::super::fonts::tests::test_chain(crate::model::Lang::ZhCn) else { return };
        let (font, gid) = chain.find('人').unwrap();
        let advance = chain.font(usize::from(font)).unwrap().advance(gid);
        let glyph = |ch| super::super::draw::Glyph { font, gid, advance, ch };
        let text = Op::Text {
            x: 10.0,
            y: 10.0,
            size: 12.0,
            color: Rgb::BLACK,
            bold: false,
            glyphs: vec![glyph('人'), glyph('⼈'), glyph('人')],
        };
        let page = Page { width: 200.0, height: 200.0, ops: vec![text] };
        let meta = Meta { lang: "zh-Hans".into(), ..Meta::default() };
        let fonts = Fonts::subset(&chain, page.ops.iter()).unwrap();
        let body = content(&page.ops, page.height, &fonts);
        let pdf = write(&[PageOut { page: &page, body: &body, decoration: None }], &[], &fonts, &meta);
        let raw = String::from_utf8_lossy(&pdf);
        assert!(raw.contains("/F0 ") && raw.contains("/F0_1 "), "two fonts over one program");
        assert_eq!(raw.matches("/FontFile3").count() + raw.matches("/FontFile2").count(), 1);
        // The inflated streams: the page's runs and both ToUnicode maps.
        let streams: Vec<String> = (0..pdf.len())
            .filter(|at| pdf[*at..].starts_with(b"stream\n"))
            .filter_map(|at| {
                let data = &pdf[at + 7..];
                let mut out = Vec::new();
                let mut z = flate2::read::ZlibDecoder::new(data);
                std::io::Read::read_to_end(&mut z, &mut out).ok()?;
                Some(String::from_utf8_lossy(&out).into_owned())
            })
            .collect();
        assert!(streams.iter().any(|s| s.contains("<0001> <4EBA>")), "layer 0 maps to 人");
        assert!(streams.iter().any(|s| s.contains("<0001> <2F08>")), "layer 1 maps to ⼈");
        let content = streams.iter().find(|s| s.contains(" Tj")).unwrap();
        assert!(content.contains("/F0 12 Tf <0001> Tj\n/F0_1 12 Tf <0001> Tj\n/F0 12 Tf <0001> Tj"), "{content}");
    }

    #[test]
    fn tounicode_maps_astral_characters_to_surrogates() {
        let s = to_unicode(&[(1, '中'), (2, '𠀀')]);
        assert!(s.contains("<0001> <4E2D>") && s.contains("<0002> <D840DC00>"), "{s}");
    }
}
