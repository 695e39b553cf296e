//! PDF signatures as incremental updates (ISO 32000 7.5.6, 12.8; PAdES, ETSI EN 319 142-1):
//! a small reader for the object syntax and cross-reference sections of a file, the writer of
//! a signature revision, and the analysis `verify` runs on everything appended after the
//! as-built bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Read as _;

/// A PDF object, as far as signing and checking need it.
#[derive(Clone, Debug, PartialEq)]
pub enum Obj {
    Null,
    Bool(bool),
    /// A number, as written.
    Num(String),
    /// A name without its slash, as written (escapes kept).
    Name(String),
    Str(Vec<u8>),
    Array(Vec<Obj>),
    Dict(Dict),
    Ref(u32, u16),
}

/// A dictionary, in the order its keys were written.
pub type Dict = Vec<(String, Obj)>;

pub fn get<'a>(d: &'a Dict, key: &str) -> Option<&'a Obj> {
    d.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn set(d: &mut Dict, key: &str, value: Obj) {
    match d.iter_mut().find(|(k, _)| k == key) {
        Some((_, v)) => *v = value,
        None => d.push((key.to_string(), value)),
    }
}

impl Obj {
    fn name(&self) -> Option<&str> {
        if let Obj::Name(n) = self { Some(n) } else { None }
    }

    fn int(&self) -> Option<i64> {
        if let Obj::Num(n) = self { n.parse().ok() } else { None }
    }

    fn write(&self, out: &mut String) {
        match self {
            Obj::Null => out.push_str("null"),
            Obj::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Obj::Num(n) => out.push_str(n),
            Obj::Name(n) => {
                out.push('/');
                out.push_str(n);
            }
            Obj::Str(s) => {
                out.push('<');
                for b in s {
                    let _ = write!(out, "{b:02X}");
                }
                out.push('>');
            }
            Obj::Array(items) => {
                out.push('[');
                for (i, o) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    o.write(out);
                }
                out.push(']');
            }
            Obj::Dict(d) => write_dict(d, out),
            Obj::Ref(n, g) => {
                let _ = write!(out, "{n} {g} R");
            }
        }
    }
}

fn write_dict(d: &Dict, out: &mut String) {
    out.push_str("<<");
    for (k, v) in d {
        out.push_str(" /");
        out.push_str(k);
        out.push(' ');
        v.write(out);
    }
    out.push_str(" >>");
}

fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | 0)
}

fn is_delim(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

/// A reader of PDF tokens and objects over the bytes of a file.
struct Lexer<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn new(b: &'a [u8], pos: usize) -> Lexer<'a> {
        Lexer { b, pos }
    }

    fn skip_ws(&mut self) {
        while self.pos < self.b.len() {
            let c = self.b[self.pos];
            if is_white(c) {
                self.pos += 1;
            } else if c == b'%' {
                while self.pos < self.b.len() && !matches!(self.b[self.pos], b'\r' | b'\n') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// A regular token (number, keyword) without consuming delimiters.
    fn word(&mut self) -> &'a [u8] {
        self.skip_ws();
        let start = self.pos;
        while self.pos < self.b.len() && !is_white(self.b[self.pos]) && !is_delim(self.b[self.pos]) {
            self.pos += 1;
        }
        &self.b[start..self.pos]
    }

    fn expect(&mut self, kw: &[u8]) -> Result<(), String> {
        let at = self.pos;
        let w = self.word();
        if w == kw { Ok(()) } else { Err(format!("expected `{}` at byte {at}", String::from_utf8_lossy(kw))) }
    }

    fn peek_int(&mut self) -> Option<(u64, usize)> {
        let save = self.pos;
        let w = self.word();
        let r = if !w.is_empty() && w.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(w).ok().and_then(|s| s.parse().ok()).map(|n| (n, self.pos))
        } else {
            None
        };
        self.pos = save;
        r
    }

    fn object(&mut self) -> Result<Obj, String> {
        self.skip_ws();
        let at = self.pos;
        let Some(&c) = self.b.get(self.pos) else { return Err("unexpected end of file".into()) };
        match c {
            b'/' => {
                self.pos += 1;
                let start = self.pos;
                while self.pos < self.b.len() && !is_white(self.b[self.pos]) && !is_delim(self.b[self.pos]) {
                    self.pos += 1;
                }
                Ok(Obj::Name(String::from_utf8_lossy(&self.b[start..self.pos]).into_owned()))
            }
            b'<' if self.b.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                let mut d = Dict::new();
                loop {
                    self.skip_ws();
                    if self.b[self.pos..].starts_with(b">>") {
                        self.pos += 2;
                        return Ok(Obj::Dict(d));
                    }
                    let key = match self.object()? {
                        Obj::Name(n) => n,
                        _ => return Err(format!("a dictionary key is not a name at byte {}", self.pos)),
                    };
                    let value = self.object()?;
                    d.push((key, value));
                }
            }
            b'<' => {
                self.pos += 1;
                let start = self.pos;
                while self.pos < self.b.len() && self.b[self.pos] != b'>' {
                    self.pos += 1;
                }
                let hex: Vec<u8> = self.b[start..self.pos].iter().copied().filter(|c| !is_white(*c)).collect();
                self.pos += 1;
                let mut out = Vec::with_capacity(hex.len() / 2);
                for pair in hex.chunks(2) {
                    let hi = (pair[0] as char).to_digit(16).ok_or("bad hex string")?;
                    let lo = pair.get(1).map_or(Some(0), |c| (*c as char).to_digit(16)).ok_or("bad hex string")?;
                    out.push((hi * 16 + lo) as u8);
                }
                Ok(Obj::Str(out))
            }
            b'(' => {
                self.pos += 1;
                let mut depth = 1;
                let mut out = Vec::new();
                while self.pos < self.b.len() {
                    let c = self.b[self.pos];
                    self.pos += 1;
                    match c {
                        b'\\' => {
                            let Some(&e) = self.b.get(self.pos) else { break };
                            self.pos += 1;
                            match e {
                                b'n' => out.push(b'\n'),
                                b'r' => out.push(b'\r'),
                                b't' => out.push(b'\t'),
                                b'b' => out.push(8),
                                b'f' => out.push(12),
                                b'0'..=b'7' => {
                                    let mut v = u32::from(e - b'0');
                                    for _ in 0..2 {
                                        match self.b.get(self.pos) {
                                            Some(d @ b'0'..=b'7') => {
                                                v = v * 8 + u32::from(d - b'0');
                                                self.pos += 1;
                                            }
                                            _ => break,
                                        }
                                    }
                                    out.push(v as u8);
                                }
                                b'\r' => {
                                    if self.b.get(self.pos) == Some(&b'\n') {
                                        self.pos += 1;
                                    }
                                }
                                b'\n' => {}
                                other => out.push(other),
                            }
                        }
                        b'(' => {
                            depth += 1;
                            out.push(c);
                        }
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                return Ok(Obj::Str(out));
                            }
                            out.push(c);
                        }
                        _ => out.push(c),
                    }
                }
                Err("unterminated string".into())
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.b.get(self.pos) == Some(&b']') {
                        self.pos += 1;
                        return Ok(Obj::Array(items));
                    }
                    if self.pos >= self.b.len() {
                        return Err("unterminated array".into());
                    }
                    items.push(self.object()?);
                }
            }
            _ => {
                let w = self.word();
                if w.is_empty() {
                    return Err(format!("unexpected byte `{}` at {at}", c as char));
                }
                match w {
                    b"null" => Ok(Obj::Null),
                    b"true" => Ok(Obj::Bool(true)),
                    b"false" => Ok(Obj::Bool(false)),
                    _ if w.iter().all(|c| c.is_ascii_digit()) => {
                        // `n g R` is a reference.
                        let save = self.pos;
                        if let Some((g, after)) = self.peek_int() {
                            self.pos = after;
                            if self.word() == b"R" {
                                let n = std::str::from_utf8(w).ok().and_then(|s| s.parse().ok()).unwrap_or(0);
                                return Ok(Obj::Ref(n, g as u16));
                            }
                        }
                        self.pos = save;
                        Ok(Obj::Num(String::from_utf8_lossy(w).into_owned()))
                    }
                    _ if w.iter().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+')) => {
                        Ok(Obj::Num(String::from_utf8_lossy(w).into_owned()))
                    }
                    _ => Err(format!("unexpected `{}` at byte {at}", String::from_utf8_lossy(w))),
                }
            }
        }
    }
}

/// An indirect object as read: its value and, for a stream, where its data lies.
#[derive(Clone, Debug)]
pub struct Indirect {
    pub value: Obj,
    pub stream: Option<std::ops::Range<usize>>,
}

/// One cross-reference section with its trailer: one revision of the file.
#[derive(Clone, Debug)]
pub struct Section {
    /// Offset of the `xref` keyword (or of the cross-reference stream object).
    pub at: usize,
    /// End of the revision: after `%%EOF` and its end of line.
    pub end: usize,
    /// Objects in use in this section: number → (generation, offset).
    pub objects: BTreeMap<u32, (u16, usize)>,
    /// Objects in object streams: number → (stream object, index).
    pub compressed: BTreeMap<u32, (u32, usize)>,
    pub trailer: Dict,
}

/// A PDF file's revisions, oldest first.
pub struct Doc<'a> {
    pub data: &'a [u8],
    pub sections: Vec<Section>,
}

fn find_last(data: &[u8], needle: &[u8], before: usize) -> Option<usize> {
    let end = before.min(data.len());
    (0..=end.saturating_sub(needle.len())).rev().find(|i| data[*i..].starts_with(needle))
}

fn find(data: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    (from..data.len().saturating_sub(needle.len() - 1)).find(|i| data[*i..].starts_with(needle))
}

impl<'a> Doc<'a> {
    pub fn parse(data: &'a [u8]) -> Result<Doc<'a>, String> {
        if !data.starts_with(b"%PDF-") {
            return Err("not a PDF file".into());
        }
        let sx = find_last(data, b"startxref", data.len()).ok_or("no startxref")?;
        let mut lx = Lexer::new(data, sx + 9);
        let mut at = lx.peek_int().ok_or("bad startxref")?.0 as usize;
        let mut sections = Vec::new();
        let mut seen = BTreeSet::new();
        loop {
            if !seen.insert(at) || at >= data.len() {
                return Err(format!("broken cross-reference chain at byte {at}"));
            }
            let s = read_section(data, at)?;
            let prev = get(&s.trailer, "Prev").and_then(Obj::int);
            sections.push(s);
            match prev {
                Some(p) => at = p as usize,
                None => break,
            }
        }
        sections.sort_by_key(|s| s.at);
        Ok(Doc { data, sections })
    }

    /// The offset of the newest definition of object `n` among the first `upto` sections.
    fn locate(&self, n: u32, upto: usize) -> Option<Located> {
        for s in self.sections[..upto].iter().rev() {
            if let Some((_, off)) = s.objects.get(&n) {
                return Some(Located::At(*off));
            }
            if let Some((stm, idx)) = s.compressed.get(&n) {
                return Some(Located::InStream(*stm, *idx));
            }
        }
        None
    }

    /// Object `n` as of revision `upto` (number of sections), `None` when it does not exist.
    pub fn object_in(&self, n: u32, upto: usize) -> Option<Indirect> {
        match self.locate(n, upto)? {
            Located::At(off) => read_indirect(self.data, off, |r| self.length(r, upto)).ok(),
            Located::InStream(stm, idx) => {
                let s = self.object_in(stm, upto)?;
                let data = self.stream_data(&s)?;
                let Obj::Dict(d) = &s.value else { return None };
                let count = get(d, "N")?.int()? as usize;
                let first = get(d, "First")?.int()? as usize;
                let mut lx = Lexer::new(&data, 0);
                let mut offsets = Vec::with_capacity(count);
                for _ in 0..count {
                    let num = lx.object().ok()?.int()?;
                    let off = lx.object().ok()?.int()? as usize;
                    offsets.push((num, off));
                }
                let (num, off) = *offsets.get(idx)?;
                if num != i64::from(n) {
                    return None;
                }
                let value = Lexer::new(&data, first + off).object().ok()?;
                Some(Indirect { value, stream: None })
            }
        }
    }

    pub fn object(&self, n: u32) -> Option<Indirect> {
        self.object_in(n, self.sections.len())
    }

    fn length(&self, r: &Obj, upto: usize) -> Option<usize> {
        match r {
            Obj::Num(_) => r.int().map(|n| n as usize),
            Obj::Ref(n, _) => {
                // A length object is never a stream: read it without recursion.
                let Located::At(off) = self.locate(*n, upto)? else { return None };
                read_indirect(self.data, off, |_| None).ok()?.value.int().map(|n| n as usize)
            }
            _ => None,
        }
    }

    /// A dictionary by reference or inline, as of revision `upto`.
    pub fn dict_in(&self, o: &Obj, upto: usize) -> Option<Dict> {
        match o {
            Obj::Dict(d) => Some(d.clone()),
            Obj::Ref(n, _) => match self.object_in(*n, upto)?.value {
                Obj::Dict(d) => Some(d),
                _ => None,
            },
            _ => None,
        }
    }

    fn array_in(&self, o: &Obj, upto: usize) -> Option<Vec<Obj>> {
        match o {
            Obj::Array(a) => Some(a.clone()),
            Obj::Ref(n, _) => match self.object_in(*n, upto)?.value {
                Obj::Array(a) => Some(a),
                _ => None,
            },
            _ => None,
        }
    }

    /// A rectangle (`/Rect`, inline or a reference) as `[x0 y0 x1 y1]`, lower-left corner first.
    fn rect_in(&self, o: &Obj, upto: usize) -> Option<[f32; 4]> {
        let numbers: Vec<f32> = self
            .array_in(o, upto)?
            .iter()
            .filter_map(|v| if let Obj::Num(x) = v { x.parse().ok() } else { None })
            .collect();
        let [a, b, c, d] = numbers[..] else { return None };
        Some([a.min(c), b.min(d), a.max(c), b.max(d)])
    }

    /// The decoded data of a stream (FlateDecode or none).
    pub fn stream_data(&self, o: &Indirect) -> Option<Vec<u8>> {
        let range = o.stream.clone()?;
        let raw = self.data.get(range)?;
        let Obj::Dict(d) = &o.value else { return None };
        match get(d, "Filter") {
            None => Some(raw.to_vec()),
            Some(f)
                if f.name() == Some("FlateDecode")
                    || matches!(f, Obj::Array(a) if a.len() == 1 && a[0].name() == Some("FlateDecode")) =>
            {
                let mut out = Vec::new();
                flate2::read::ZlibDecoder::new(raw).read_to_end(&mut out).ok()?;
                Some(out)
            }
            _ => None,
        }
    }

    /// The page objects in order, as of revision `upto`.
    pub fn pages_in(&self, upto: usize) -> Vec<u32> {
        let trailer = &self.sections[upto - 1].trailer;
        let Some(root) = get(trailer, "Root").and_then(|r| self.dict_in(r, upto)) else { return Vec::new() };
        let mut out = Vec::new();
        let mut stack = vec![get(&root, "Pages").cloned().unwrap_or(Obj::Null)];
        let mut guard = 0;
        while let Some(node) = stack.pop() {
            guard += 1;
            if guard > 100_000 {
                break;
            }
            let Obj::Ref(n, _) = node else { continue };
            let Some(d) = self.dict_in(&node, upto) else { continue };
            match get(&d, "Type").and_then(Obj::name) {
                Some("Pages") => {
                    if let Some(kids) = get(&d, "Kids").and_then(|k| self.array_in(k, upto)) {
                        stack.extend(kids.into_iter().rev());
                    }
                }
                _ => out.push(n),
            }
        }
        out
    }
}

enum Located {
    At(usize),
    InStream(u32, usize),
}

/// Reads `n g obj … endobj` at `off`; `length` resolves a stream's `/Length`.
fn read_indirect(data: &[u8], off: usize, length: impl Fn(&Obj) -> Option<usize>) -> Result<Indirect, String> {
    let mut lx = Lexer::new(data, off);
    lx.word();
    lx.word();
    lx.expect(b"obj")?;
    let value = lx.object()?;
    lx.skip_ws();
    let mut stream = None;
    if data[lx.pos..].starts_with(b"stream") {
        let mut start = lx.pos + 6;
        if data.get(start) == Some(&b'\r') {
            start += 1;
        }
        if data.get(start) == Some(&b'\n') {
            start += 1;
        }
        let Obj::Dict(d) = &value else { return Err("a stream without a dictionary".into()) };
        let len = get(d, "Length").and_then(&length).or_else(|| {
            find(data, b"endstream", start).map(|e| {
                let mut e = e;
                while e > start && matches!(data[e - 1], b'\r' | b'\n') {
                    e -= 1;
                }
                e - start
            })
        });
        let len = len.ok_or("a stream without a length")?;
        stream = Some(start..(start + len).min(data.len()));
    }
    Ok(Indirect { value, stream })
}

fn read_section(data: &[u8], at: usize) -> Result<Section, String> {
    let mut lx = Lexer::new(data, at);
    let mut objects = BTreeMap::new();
    let mut compressed = BTreeMap::new();
    let trailer;
    if lx.word() == b"xref" {
        loop {
            let save = lx.pos;
            let w = lx.word();
            if w == b"trailer" {
                break;
            }
            lx.pos = save;
            let start = lx.object()?.int().ok_or("bad xref subsection")? as u32;
            let count = lx.object()?.int().ok_or("bad xref subsection")? as u32;
            for i in 0..count {
                let off = lx.word();
                let gen_ = lx.word();
                let kind = lx.word();
                let off: usize = std::str::from_utf8(off).ok().and_then(|s| s.parse().ok()).ok_or("bad xref entry")?;
                let gen_: u16 = std::str::from_utf8(gen_).ok().and_then(|s| s.parse().ok()).ok_or("bad xref entry")?;
                if kind == b"n" {
                    objects.insert(start + i, (gen_, off));
                }
            }
        }
        trailer = match lx.object()? {
            Obj::Dict(d) => d,
            _ => return Err("the trailer is not a dictionary".into()),
        };
    } else {
        // A cross-reference stream (PDF 1.5).
        let ind = read_indirect(data, at, |o| o.int().map(|n| n as usize))?;
        let Obj::Dict(d) = &ind.value else { return Err("bad cross-reference stream".into()) };
        if get(d, "Type").and_then(Obj::name) != Some("XRef") {
            return Err(format!("no cross-reference section at byte {at}"));
        }
        let doc = Doc { data, sections: Vec::new() };
        let raw = doc.stream_data(&ind).ok_or("cannot decode the cross-reference stream")?;
        let raw = unpredict(&raw, d)?;
        let w: Vec<usize> = match get(d, "W") {
            Some(Obj::Array(a)) => a.iter().map(|x| x.int().unwrap_or(0) as usize).collect(),
            _ => return Err("no /W".into()),
        };
        if w.len() != 3 {
            return Err("bad /W".into());
        }
        let size = get(d, "Size").and_then(Obj::int).unwrap_or(0);
        let index: Vec<i64> = match get(d, "Index") {
            Some(Obj::Array(a)) => a.iter().filter_map(Obj::int).collect(),
            _ => vec![0, size],
        };
        let row = w.iter().sum::<usize>();
        let field = |r: &[u8], i: usize| -> u64 {
            let start: usize = w[..i].iter().sum();
            r[start..start + w[i]].iter().fold(0u64, |a, b| a << 8 | u64::from(*b))
        };
        let mut rows = raw.chunks_exact(row.max(1));
        for pair in index.chunks(2) {
            let (start, count) = (pair[0] as u32, pair.get(1).copied().unwrap_or(0) as u32);
            for i in 0..count {
                let r = rows.next().ok_or("short cross-reference stream")?;
                let ty = if w[0] == 0 { 1 } else { field(r, 0) };
                match ty {
                    1 => {
                        objects.insert(start + i, (field(r, 2) as u16, field(r, 1) as usize));
                    }
                    2 => {
                        compressed.insert(start + i, (field(r, 1) as u32, field(r, 2) as usize));
                    }
                    _ => {}
                }
            }
        }
        trailer = d.clone();
        lx.pos = ind.stream.map_or(lx.pos, |r| r.end);
    }
    let eof = find(data, b"%%EOF", lx.pos).ok_or("no %%EOF after a cross-reference section")?;
    let mut end = eof + 5;
    if data.get(end) == Some(&b'\r') {
        end += 1;
    }
    if data.get(end) == Some(&b'\n') {
        end += 1;
    }
    Ok(Section { at, end, objects, compressed, trailer })
}

/// Undoes the PNG "Up" predictor (the only one cross-reference streams use in practice).
fn unpredict(raw: &[u8], d: &Dict) -> Result<Vec<u8>, String> {
    let Some(Obj::Dict(p)) = get(d, "DecodeParms") else { return Ok(raw.to_vec()) };
    let predictor = get(p, "Predictor").and_then(Obj::int).unwrap_or(1);
    if predictor < 10 {
        return Ok(raw.to_vec());
    }
    let cols = get(p, "Columns").and_then(Obj::int).unwrap_or(1) as usize;
    let mut out = Vec::with_capacity(raw.len());
    let mut prev = vec![0u8; cols];
    for row in raw.chunks(cols + 1) {
        if row.len() < cols + 1 {
            break;
        }
        let ty = row[0];
        let mut cur = row[1..].to_vec();
        for i in 0..cols {
            let left = if i > 0 { cur[i - 1] } else { 0 };
            let up = prev[i];
            let upleft = if i > 0 { prev[i - 1] } else { 0 };
            cur[i] = match ty {
                0 => cur[i],
                1 => cur[i].wrapping_add(left),
                2 => cur[i].wrapping_add(up),
                3 => cur[i].wrapping_add(((u16::from(left) + u16::from(up)) / 2) as u8),
                4 => {
                    let p = i16::from(left) + i16::from(up) - i16::from(upleft);
                    let (pa, pb, pc) =
                        ((p - i16::from(left)).abs(), (p - i16::from(up)).abs(), (p - i16::from(upleft)).abs());
                    let pred = if pa <= pb && pa <= pc {
                        left
                    } else if pb <= pc {
                        up
                    } else {
                        upleft
                    };
                    cur[i].wrapping_add(pred)
                }
                _ => return Err(format!("PNG predictor {ty}")),
            };
        }
        out.extend_from_slice(&cur);
        prev = cur;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Writing a signature revision

/// What to write into the signature dictionary.
pub struct SigInfo {
    pub name: String,
    pub reason: Option<String>,
    /// `D:YYYYMMDDHHmmSSZ`
    pub time: String,
}

const BYTE_RANGE_PLACEHOLDER: &str = "[0 0000000000 0000000000 0000000000]";

/// Makes the CMS signature of the bytes a signature covers.
pub type SignBytes<'a> = dyn FnMut(&[u8]) -> Result<Vec<u8>, String> + 'a;

/// Makes the objects of a visible signature's appearance: given the first free object number
/// and the box's width and height, the objects numbered from there (the form XObject first),
/// each as the bytes between `n 0 obj` and `endobj`.
pub type MakeAppearance<'a> = dyn FnMut(usize, f32, f32) -> Result<Vec<(usize, Vec<u8>)>, String> + 'a;

/// A visible signature: the empty signature field it fills and the maker of its appearance.
pub struct Visible<'a, 'b> {
    pub field: u32,
    pub appearance: &'b mut MakeAppearance<'a>,
}

/// An empty or signed signature field with a box on a page: a place to sign in.
#[derive(Clone, Debug, PartialEq)]
pub struct SignBox {
    /// The field's name (`signoff/产品部`).
    pub name: String,
    pub object: u32,
    /// The page, from 0.
    pub page: usize,
    /// `[x0 y0 x1 y1]` in the page's user space.
    pub rect: [f32; 4],
    pub signed: bool,
}

/// The signature fields of a PDF that have a box on a page (invisible signatures have none),
/// in page order, top to bottom.
pub fn sign_boxes(data: &[u8]) -> Result<Vec<SignBox>, String> {
    let doc = Doc::parse(data)?;
    let upto = doc.sections.len();
    let trailer = &doc.sections[upto - 1].trailer;
    let Some(catalog) = get(trailer, "Root").and_then(|r| doc.dict_in(r, upto)) else {
        return Err("the catalog cannot be read".into());
    };
    let pages = doc.pages_in(upto);
    let Some(form) = get(&catalog, "AcroForm").and_then(|f| doc.dict_in(f, upto)) else { return Ok(Vec::new()) };
    let fields = get(&form, "Fields").and_then(|f| doc.array_in(f, upto)).unwrap_or_default();
    let mut out = Vec::new();
    for f in &fields {
        let Obj::Ref(n, _) = f else { continue };
        let Some(d) = doc.dict_in(f, upto) else { continue };
        if get(&d, "FT").and_then(Obj::name) != Some("Sig") {
            continue;
        }
        let Some(rect) = get(&d, "Rect").and_then(|r| doc.rect_in(r, upto)) else { continue };
        if rect[2] - rect[0] < 1.0 || rect[3] - rect[1] < 1.0 {
            continue;
        }
        let page = match get(&d, "P") {
            Some(Obj::Ref(p, _)) => pages.iter().position(|x| x == p),
            _ => None,
        };
        let Some(page) = page else { continue };
        let name = match get(&d, "T") {
            Some(Obj::Str(t)) => text_of(t),
            _ => continue,
        };
        out.push(SignBox { name, object: *n, page, rect, signed: get(&d, "V").is_some() });
    }
    out.sort_by(|a, b| a.page.cmp(&b.page).then(b.rect[3].total_cmp(&a.rect[3])).then(a.rect[0].total_cmp(&b.rect[0])));
    Ok(out)
}

/// Appends a signature revision to `data`: a signature field on the first page, invisible, or
/// with `visible` the document's own empty field filled with an appearance; the signature
/// dictionary with a `/Contents` hole of `reserve` bytes, and the updated catalog, AcroForm
/// and page. `sign` receives the bytes the signature covers and returns the DER of the CMS
/// signature. Returns the new file and the field's name.
pub fn append_signature(
    data: &[u8],
    info: &SigInfo,
    reserve: usize,
    visible: Option<Visible>,
    sign: &mut SignBytes,
) -> Result<(Vec<u8>, String), String> {
    let doc = Doc::parse(data)?;
    let upto = doc.sections.len();
    let last = doc.sections.last().ok_or("no cross-reference section")?;
    let trailer = &last.trailer;
    let root_ref = match get(trailer, "Root") {
        Some(Obj::Ref(n, g)) => (*n, *g),
        _ => return Err("the trailer has no /Root reference".into()),
    };
    let mut catalog = doc.dict_in(&Obj::Ref(root_ref.0, root_ref.1), upto).ok_or("the catalog cannot be read")?;
    let pages = doc.pages_in(upto);
    let page_num = *pages.first().ok_or("the document has no page")?;
    let mut page = doc.dict_in(&Obj::Ref(page_num, 0), upto).ok_or("the page cannot be read")?;
    let page_gen = last_gen(&doc, page_num);

    let mut next = get(trailer, "Size").and_then(Obj::int).ok_or("the trailer has no /Size")? as u32;
    let mut alloc = || {
        next += 1;
        next - 1
    };
    let mut objects: Vec<(u32, u16, Vec<u8>)> = Vec::new();

    // The form: its dictionary (inline in the catalog or its own object) and its fields.
    let (mut form, form_ref) = match get(&catalog, "AcroForm") {
        Some(Obj::Ref(n, g)) => (doc.dict_in(&Obj::Ref(*n, *g), upto).unwrap_or_default(), Some((*n, *g))),
        Some(Obj::Dict(d)) => (d.clone(), None),
        _ => (Dict::new(), None),
    };
    let fields = get(&form, "Fields").and_then(|f| doc.array_in(f, upto)).unwrap_or_default();
    let mut taken = BTreeSet::new();
    for f in &fields {
        if let Some(d) = doc.dict_in(f, upto)
            && let Some(Obj::Str(t)) = get(&d, "T")
        {
            taken.insert(String::from_utf8_lossy(t).into_owned());
        }
    }
    let mut field_name = (1..).map(|i| format!("Signature{i}")).find(|n| !taken.contains(n)).unwrap_or_default();

    if let Some(v) = visible {
        // The document's own field: it gets the signature and its appearance; the page and
        // the list of fields already hold it.
        let gen_ = last_gen(&doc, v.field);
        let mut widget = doc.dict_in(&Obj::Ref(v.field, gen_), upto).ok_or("the signature field cannot be read")?;
        if get(&widget, "FT").and_then(Obj::name) != Some("Sig") || get(&widget, "V").is_some() {
            return Err(format!("object {} is not an empty signature field", v.field));
        }
        if let Some(Obj::Str(t)) = get(&widget, "T") {
            field_name = text_of(t);
        }
        let Some([x0, y0, x1, y1]) = get(&widget, "Rect").and_then(|r| doc.rect_in(r, upto)) else {
            return Err("the signature field has no /Rect".into());
        };
        let sig = alloc();
        let first = next as usize;
        let made = (v.appearance)(first, x1 - x0, y1 - y0)?;
        let form_xobject = made.first().map(|o| o.0).ok_or("no appearance")?;
        next = made.iter().map(|o| o.0 as u32 + 1).max().unwrap_or(next).max(next);
        for (n, body) in made {
            objects.push((n as u32, 0, body));
        }
        set(&mut widget, "V", Obj::Ref(sig, 0));
        set(&mut widget, "AP", Obj::Dict(vec![("N".into(), Obj::Ref(form_xobject as u32, 0))]));
        let mut s = String::new();
        write_dict(&widget, &mut s);
        objects.push((v.field, gen_, s.into_bytes()));
        set(&mut form, "SigFlags", Obj::Num("3".into()));
        push_form(&mut objects, &mut catalog, form, form_ref, root_ref, &mut next);
        return finish_revision(data, last, objects, sig, next, root_ref, info, reserve, sign, field_name);
    }

    let sig = alloc();
    let widget = alloc();
    let widget_dict: Dict = vec![
        ("Type".into(), Obj::Name("Annot".into())),
        ("Subtype".into(), Obj::Name("Widget".into())),
        ("FT".into(), Obj::Name("Sig".into())),
        ("T".into(), Obj::Str(field_name.clone().into_bytes())),
        ("V".into(), Obj::Ref(sig, 0)),
        // Print (PDF/A) and Locked; a zero rectangle: invisible, no appearance needed.
        ("F".into(), Obj::Num("132".into())),
        ("P".into(), Obj::Ref(page_num, page_gen)),
        ("Rect".into(), Obj::Array(vec![Obj::Num("0".into()); 4])),
    ];
    let mut s = String::new();
    write_dict(&widget_dict, &mut s);
    objects.push((widget, 0, s.into_bytes()));

    // The page lists the widget; the form lists the field and says it holds signatures.
    let mut annots = get(&page, "Annots").and_then(|a| doc.array_in(a, upto)).unwrap_or_default();
    annots.push(Obj::Ref(widget, 0));
    set(&mut page, "Annots", Obj::Array(annots));
    let mut s = String::new();
    write_dict(&page, &mut s);
    objects.push((page_num, page_gen, s.into_bytes()));
    let mut fields = fields;
    fields.push(Obj::Ref(widget, 0));
    set(&mut form, "Fields", Obj::Array(fields));
    set(&mut form, "SigFlags", Obj::Num("3".into()));
    push_form(&mut objects, &mut catalog, form, form_ref, root_ref, &mut next);
    finish_revision(data, last, objects, sig, next, root_ref, info, reserve, sign, field_name)
}

/// The objects of a revision being written: (number, generation, bytes between `obj` and `endobj`).
type Objects = Vec<(u32, u16, Vec<u8>)>;

/// The AcroForm as it now is: its own object rewritten, or, when the catalog held it inline,
/// a new object the catalog then points to.
fn push_form(
    objects: &mut Objects,
    catalog: &mut Dict,
    form: Dict,
    form_ref: Option<(u32, u16)>,
    root_ref: (u32, u16),
    next: &mut u32,
) {
    match form_ref {
        Some((n, g)) => {
            let mut s = String::new();
            write_dict(&form, &mut s);
            objects.push((n, g, s.into_bytes()));
        }
        None => {
            let n = *next;
            *next += 1;
            let mut s = String::new();
            write_dict(&form, &mut s);
            objects.push((n, 0, s.into_bytes()));
            set(catalog, "AcroForm", Obj::Ref(n, 0));
            let mut s = String::new();
            write_dict(catalog, &mut s);
            objects.push((root_ref.0, root_ref.1, s.into_bytes()));
        }
    }
}

/// Writes the signature dictionary `sig` and the revision holding `objects`, then signs it.
#[allow(clippy::too_many_arguments)]
fn finish_revision(
    data: &[u8],
    last: &Section,
    mut objects: Objects,
    sig: u32,
    next: u32,
    root_ref: (u32, u16),
    info: &SigInfo,
    reserve: usize,
    sign: &mut SignBytes,
    field_name: String,
) -> Result<(Vec<u8>, String), String> {
    let trailer = &last.trailer;
    // The signature dictionary, with room for the signature.
    let mut sig_dict = String::from("<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange ");
    sig_dict.push_str(BYTE_RANGE_PLACEHOLDER);
    sig_dict.push_str(" /Contents <");
    let contents_at_in_obj = sig_dict.len();
    sig_dict.push_str(&"0".repeat(reserve * 2));
    sig_dict.push_str("> /M ");
    Obj::Str(info.time.clone().into_bytes()).write(&mut sig_dict);
    sig_dict.push_str(" /Name ");
    Obj::Str(utf16(&info.name)).write(&mut sig_dict);
    if let Some(r) = &info.reason {
        sig_dict.push_str(" /Reason ");
        Obj::Str(utf16(r)).write(&mut sig_dict);
    }
    sig_dict.push_str(" >>");
    objects.push((sig, 0, sig_dict.into_bytes()));

    // The revision: objects, cross-reference table, trailer.
    let mut out = data.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    objects.sort_by_key(|o| o.0);
    let mut offsets = Vec::with_capacity(objects.len());
    let mut contents_at = 0;
    for (n, g, body) in &objects {
        offsets.push((*n, *g, out.len()));
        let head = format!("{n} {g} obj\n");
        if *n == sig {
            contents_at = out.len() + head.len() + contents_at_in_obj;
        }
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    let mut x = String::from("xref\n");
    let mut i = 0;
    while i < offsets.len() {
        let mut j = i;
        while j + 1 < offsets.len() && offsets[j + 1].0 == offsets[j].0 + 1 {
            j += 1;
        }
        let _ = writeln!(x, "{} {}", offsets[i].0, j - i + 1);
        for (_, g, off) in &offsets[i..=j] {
            let _ = writeln!(x, "{off:010} {g:05} n ");
        }
        i = j + 1;
    }
    let mut t: Dict =
        vec![("Size".into(), Obj::Num(next.to_string())), ("Root".into(), Obj::Ref(root_ref.0, root_ref.1))];
    for key in ["Info", "ID"] {
        if let Some(v) = get(trailer, key) {
            t.push((key.into(), v.clone()));
        }
    }
    t.push(("Prev".into(), Obj::Num(last.at.to_string())));
    x.push_str("trailer\n");
    write_dict(&t, &mut x);
    let _ = write!(x, "\nstartxref\n{xref}\n%%EOF\n");
    out.extend_from_slice(x.as_bytes());

    // Fill in the byte range, then the signature over it.
    let hole_start = contents_at - 1;
    let hole_end = contents_at + reserve * 2 + 1;
    let range = format!("[0 {hole_start:010} {hole_end:010} {:010}]", out.len() - hole_end);
    let br = find(&out, BYTE_RANGE_PLACEHOLDER.as_bytes(), offsets.iter().find(|o| o.0 == sig).map_or(0, |o| o.2))
        .ok_or("internal: byte range placeholder lost")?;
    out[br..br + range.len()].copy_from_slice(range.as_bytes());
    let mut covered = Vec::with_capacity(out.len());
    covered.extend_from_slice(&out[..hole_start]);
    covered.extend_from_slice(&out[hole_end..]);
    let cms = sign(&covered)?;
    if cms.len() > reserve {
        return Err(format!("the signature needs {} bytes, {reserve} were reserved", cms.len()));
    }
    let hex: String = cms.iter().map(|b| format!("{b:02X}")).collect();
    out[contents_at..contents_at + hex.len()].copy_from_slice(hex.as_bytes());
    Ok((out, field_name))
}

fn last_gen(doc: &Doc, n: u32) -> u16 {
    doc.sections.iter().rev().find_map(|s| s.objects.get(&n).map(|(g, _)| *g)).unwrap_or(0)
}

fn utf16(s: &str) -> Vec<u8> {
    if s.chars().all(|c| (' '..='~').contains(&c)) {
        return s.as_bytes().to_vec();
    }
    let mut out = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_be_bytes());
    }
    out
}

/// A PDF text string as Rust text (PDFDocEncoding read as Latin-1, or UTF-16BE with a BOM).
pub fn text_of(b: &[u8]) -> String {
    if b.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = b[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
        String::from_utf16_lossy(&units)
    } else {
        b.iter().map(|c| *c as char).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Checking what was appended

/// A signature found in a revision.
#[derive(Clone, Debug)]
pub struct FoundSignature {
    /// The field's name.
    pub field: String,
    /// The bytes the signature covers: `[a, b)` and `[c, d)`.
    pub covered: Vec<u8>,
    /// DER of the CMS signature (without the zero padding).
    pub cms: Vec<u8>,
    /// `/M`, as written.
    pub time: Option<String>,
    /// The end of the revision it signs.
    pub end: usize,
    pub sub_filter: String,
}

/// Keys a revision may change on an object it overrides: signing touches nothing else.
fn allowed_changes(ty: Option<&str>) -> &'static [&'static str] {
    match ty {
        Some("Catalog") => &["AcroForm", "Perms", "DSS", "Extensions"],
        Some("Page") => &["Annots"],
        _ => &["Fields", "SigFlags", "DR", "DA"],
    }
}

/// Everything after the first `as_built` bytes of a PDF, revision by revision: each revision
/// must add exactly one signature whose byte range ends where the revision ends, and change
/// nothing but the signature's field, widget, appearance and the lists that point to them.
/// Returns the signatures, or what else was found.
pub fn appended_signatures(data: &[u8], as_built: usize) -> Result<Vec<FoundSignature>, String> {
    let doc = Doc::parse(data)?;
    let first = doc.sections.iter().position(|s| s.end == as_built);
    let Some(first) = first else {
        return Err(format!("no revision of the file ends at its as-built size ({as_built} bytes)"));
    };
    if doc.sections.last().map(|s| s.end) != Some(data.len()) {
        let end = doc.sections.last().map_or(0, |s| s.end);
        return Err(format!("{} bytes after the last revision ({end} bytes)", data.len() - end));
    }
    let mut found = Vec::new();
    for i in first + 1..doc.sections.len() {
        let sec = &doc.sections[i];
        let start = doc.sections[i - 1].end;
        let mut sigs = Vec::new();
        // Overridden objects: only the allowed keys may differ.
        for (&n, _) in sec.objects.iter() {
            let Some(new) = doc.object_in(n, i + 1) else { continue };
            if let Obj::Dict(d) = &new.value
                && get(d, "Type").and_then(Obj::name) == Some("XRef")
            {
                continue;
            }
            match doc.object_in(n, i) {
                Some(old) => {
                    // A list (annotations, fields) may only grow.
                    if let (Obj::Array(oa), Obj::Array(na)) = (&old.value, &new.value)
                        && na.starts_with(oa)
                    {
                        continue;
                    }
                    let (Obj::Dict(od), Obj::Dict(nd)) = (&old.value, &new.value) else {
                        if old.value != new.value || old.stream.is_some() {
                            return Err(format!("revision {} changes object {n}", i + 1));
                        }
                        continue;
                    };
                    if old.stream.is_some() || new.stream.is_some() {
                        // Signing tools (pyHanko) refresh the XMP packet's dates: metadata, not content.
                        let xmp = |d: &Dict| get(d, "Type").and_then(Obj::name) == Some("Metadata");
                        if xmp(od) && xmp(nd) {
                            continue;
                        }
                        return Err(format!("revision {} changes the stream of object {n}", i + 1));
                    }
                    // Signing tools stamp themselves into the document information.
                    let info = matches!(get(&doc.sections[i - 1].trailer, "Info"), Some(Obj::Ref(r, _)) if *r == n);
                    let allowed = if info {
                        &["Producer", "ModDate"][..]
                    } else {
                        allowed_changes(get(od, "Type").and_then(Obj::name))
                    };
                    let field_fill = get(od, "FT").and_then(Obj::name) == Some("Sig") && get(od, "V").is_none();
                    for (k, v) in od.iter().chain(nd.iter()) {
                        let same = get(od, k) == get(nd, k);
                        let ok = same
                            || allowed.contains(&k.as_str())
                            || (field_fill && matches!(k.as_str(), "V" | "AP" | "F"));
                        if !ok {
                            let _ = v;
                            return Err(format!("revision {} changes /{k} of object {n}", i + 1));
                        }
                    }
                }
                None => {
                    let Obj::Dict(d) = &new.value else { continue };
                    if get(d, "Type").and_then(Obj::name) == Some("Sig") || get(d, "ByteRange").is_some() {
                        sigs.push((n, d.clone()));
                    }
                    // A new annotation must be a signature widget: anything else would be new content.
                    let subtype = get(d, "Subtype").and_then(Obj::name);
                    let is_annot = get(d, "Type").and_then(Obj::name) == Some("Annot")
                        || (subtype.is_some() && get(d, "Rect").is_some());
                    if is_annot {
                        let parent = get(d, "Parent").and_then(|p| doc.dict_in(p, i + 1));
                        let ft =
                            get(d, "FT").or_else(|| parent.as_ref().and_then(|p| get(p, "FT"))).and_then(Obj::name);
                        if subtype != Some("Widget") || ft != Some("Sig") {
                            return Err(format!(
                                "revision {} adds a /{} annotation (object {n}), not a signature",
                                i + 1,
                                subtype.unwrap_or("?")
                            ));
                        }
                    }
                }
            }
        }
        if sigs.len() != 1 {
            return Err(format!("revision {} adds {} signatures (one expected)", i + 1, sigs.len()));
        }
        let (sig_num, sd) = &sigs[0];
        let range: Vec<usize> = match get(sd, "ByteRange") {
            Some(Obj::Array(a)) => a.iter().filter_map(Obj::int).map(|v| v as usize).collect(),
            _ => Vec::new(),
        };
        let [a, b, c, d] = range[..] else { return Err(format!("revision {}: bad /ByteRange", i + 1)) };
        if a != 0 || c < b || c + d != sec.end || b > data.len() || c + d > data.len() {
            return Err(format!("revision {}: the signature does not cover the revision", i + 1));
        }
        let hole = &data[b..c];
        if hole.first() != Some(&b'<') || hole.last() != Some(&b'>') {
            return Err(format!("revision {}: the signature's /Contents is not where its byte range says", i + 1));
        }
        let Some(Obj::Str(cms)) = get(sd, "Contents") else {
            return Err(format!("revision {}: no /Contents", i + 1));
        };
        // New objects must belong to the signature: reachable from the new widget or field.
        let mut reach = BTreeSet::new();
        let mut stack: Vec<Obj> = Vec::new();
        for (&n, _) in sec.objects.iter() {
            if doc.object_in(n, i).is_some() {
                stack.push(Obj::Ref(n, 0));
            }
        }
        while let Some(o) = stack.pop() {
            match o {
                // Not from a page's resources or contents: those would be new content.
                Obj::Ref(n, _) if sec.objects.contains_key(&n) && reach.insert(n) => {
                    if let Some(ind) = doc.object_in(n, i + 1) {
                        match &ind.value {
                            Obj::Dict(d) => {
                                let is_page = get(d, "Type").and_then(Obj::name) == Some("Page");
                                for (k, v) in d {
                                    if k == "P" || k == "Parent" || (is_page && k != "Annots") {
                                        continue;
                                    }
                                    stack.push(v.clone());
                                }
                            }
                            other => stack.push(other.clone()),
                        }
                    }
                }
                Obj::Array(a) => stack.extend(a),
                Obj::Dict(d) => stack.extend(d.into_iter().filter(|(k, _)| k != "P" && k != "Parent").map(|(_, v)| v)),
                _ => {}
            }
        }
        for (&n, _) in sec.objects.iter() {
            if !reach.contains(&n) {
                let kind = doc.object_in(n, i + 1).and_then(|o| match o.value {
                    Obj::Dict(d) => get(&d, "Type").and_then(Obj::name).map(str::to_string),
                    _ => None,
                });
                if kind.as_deref() == Some("XRef") || kind.as_deref() == Some("ObjStm") {
                    continue;
                }
                return Err(format!("revision {} adds object {n}, which belongs to no signature", i + 1));
            }
        }
        let field = sec
            .objects
            .keys()
            .filter_map(|n| doc.object_in(*n, i + 1))
            .find_map(|o| match o.value {
                Obj::Dict(d) if matches!(get(&d, "V"), Some(Obj::Ref(v, _)) if v == sig_num) => match get(&d, "T") {
                    Some(Obj::Str(t)) => Some(text_of(t)),
                    _ => None,
                },
                _ => None,
            })
            .unwrap_or_default();
        let mut covered = Vec::with_capacity(b + d);
        covered.extend_from_slice(&data[..b]);
        covered.extend_from_slice(&data[c..c + d]);
        let cms = der_prefix(cms);
        let time = match get(sd, "M") {
            Some(Obj::Str(m)) => Some(text_of(m)),
            _ => None,
        };
        let sub_filter = get(sd, "SubFilter").and_then(Obj::name).unwrap_or_default().to_string();
        found.push(FoundSignature { field, covered, cms, time, end: sec.end, sub_filter });
        let _ = start;
    }
    Ok(found)
}

/// The DER value at the start of `b` (a `/Contents` is padded with zeros).
fn der_prefix(b: &[u8]) -> Vec<u8> {
    let len = (|| {
        if b.len() < 2 {
            return None;
        }
        let l = b[1] as usize;
        if l < 0x80 {
            return Some(2 + l);
        }
        let n = l & 0x7f;
        let v = b.get(2..2 + n)?.iter().fold(0usize, |a, x| a << 8 | *x as usize);
        Some(2 + n + v)
    })();
    b[..len.unwrap_or(b.len()).min(b.len())].to_vec()
}

/// `D:20240810120000Z` or `D:20240810120000+08'00'` as a UTC instant.
pub fn parse_pdf_date(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let s = s.strip_prefix("D:").unwrap_or(s);
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    let mut d = digits.clone();
    while d.len() < 14 {
        d.push_str(if d.len() == 4 || d.len() == 6 { "01" } else { "00" });
    }
    let naive = chrono::NaiveDateTime::parse_from_str(&d[..14], "%Y%m%d%H%M%S").ok()?;
    let rest = &s[digits.len()..];
    let offset = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let t: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
            let h: i64 = t.get(0..2).and_then(|x| x.parse().ok()).unwrap_or(0);
            let m: i64 = t.get(2..4).and_then(|x| x.parse().ok()).unwrap_or(0);
            let secs = (h * 3600 + m * 60) * if sign == '-' { -1 } else { 1 };
            chrono::Duration::seconds(secs)
        }
        _ => chrono::Duration::zero(),
    };
    Some(chrono::DateTime::from_naive_utc_and_offset(naive - offset, chrono::Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_read_and_write_back() {
        let src = b"<< /Type /Sig /A [1 0 R 2.5 -3 (a\\)b) <4142>] /B << /C true /D null >> >>";
        let o = Lexer::new(src, 0).object().unwrap();
        let Obj::Dict(d) = &o else { panic!() };
        assert_eq!(get(d, "Type"), Some(&Obj::Name("Sig".into())));
        let Some(Obj::Array(a)) = get(d, "A") else { panic!() };
        assert_eq!(a[0], Obj::Ref(1, 0));
        assert_eq!(a[3], Obj::Str(b"a)b".to_vec()));
        assert_eq!(a[4], Obj::Str(b"AB".to_vec()));
        let mut s = String::new();
        o.write(&mut s);
        assert_eq!(Lexer::new(s.as_bytes(), 0).object().unwrap(), o);
    }

    #[test]
    fn pdf_dates_become_utc() {
        let t = parse_pdf_date("D:20240810200000+08'00'").unwrap();
        assert_eq!(t.to_rfc3339(), "2024-08-10T12:00:00+00:00");
        assert_eq!(parse_pdf_date("D:20240810120000Z").unwrap(), t);
    }

    #[test]
    fn zero_padding_after_der_is_dropped() {
        assert_eq!(der_prefix(&[0x30, 0x03, 1, 2, 3, 0, 0, 0]), [0x30, 3, 1, 2, 3]);
        assert_eq!(der_prefix(&[0x30, 0x81, 0x01, 9, 0, 0]), [0x30, 0x81, 1, 9]);
    }
}
