//! YAML as dossier reads it (front matter, mapping files): parsed with serde-saphyr under a
//! budget into a tree that keeps every node's line, numbers and booleans as written, and the
//! IME slips (full-width colons, ideographic indentation) noted for hints.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Error as YamlError, Spanned};

use crate::model::{L10n, Lang};

/// A YAML node as serde-saphyr delivers it (numbers and booleans keep their written text later).
#[derive(Debug)]
pub(crate) enum Node {
    Null,
    Str(String),
    /// A number or boolean; the text is re-read from the source span.
    Typed(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Node, D2::Error> {
                Node::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
                Ok(Node::Typed(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
                Ok(Node::Typed(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
                Ok(Node::Typed(v.to_string()))
            }
            fn visit_i128<E>(self, v: i128) -> Result<Node, E> {
                Ok(Node::Typed(v.to_string()))
            }
            fn visit_u128<E>(self, v: u128) -> Result<Node, E> {
                Ok(Node::Typed(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
                Ok(Node::Typed(v.to_string()))
            }
            fn visit_char<E>(self, v: char) -> Result<Node, E> {
                Ok(Node::Str(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Str(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Node, E> {
                Ok(Node::Str(v))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Node, E> {
                Ok(Node::Str(String::from_utf8_lossy(v).into_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Node::Seq(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut v = Vec::new();
                while let Some(k) = a.next_key()? {
                    let val = a.next_value()?;
                    v.push((k, val));
                }
                Ok(Node::Map(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// A front-matter value with its Markdown line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Y {
    pub(crate) v: YV,
    pub(crate) line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum YV {
    Null,
    Scalar(String),
    Seq(Vec<Y>),
    Map(Vec<(Key, Y)>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Key {
    pub(crate) text: String,
    pub(crate) line: u32,
}

/// Plain scalars that look like an IME slip: `key：value` with a full-width colon.
#[derive(Debug, Default)]
pub(crate) struct Lints {
    pub(crate) fullwidth_colon: Vec<(u32, String)>,
    pub(crate) ideographic_indent: Vec<(u32, String)>,
}

pub(crate) fn parse(yaml: &str) -> Result<Spanned<Node>, YamlError> {
    let options = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
        with_snippet: false,
        // Front matter is user input: bound it far below the defaults. A form has tens of
        // keys, a task list a few thousand nodes; billion-laughs stops at these caps.
        budget: serde_saphyr::budget! {
            max_events: 400_000,
            max_aliases: 2_000,
            max_anchors: 2_000,
            max_depth: 24,
            max_documents: 1,
            max_nodes: 150_000,
            max_total_scalar_bytes: 16 * 1024 * 1024,
            max_merge_keys: 1_000,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 50_000,
            max_replay_stack_depth: 16,
        },
    };
    serde_saphyr::from_str_with_options::<Spanned<Node>>(yaml, options)
}

/// Markdown line of a YAML location (`base` is the Markdown line of YAML line 1).
pub(crate) fn md_line(base: u32, loc: &serde_saphyr::Location) -> u32 {
    let l = loc.line();
    if l == 0 { base } else { base + (l.min(u32::MAX as u64 / 2) as u32) - 1 }
}

/// The source text a span covers, when byte offsets are known.
pub(crate) fn span_text<'a>(src: &'a str, loc: &serde_saphyr::Location) -> Option<&'a str> {
    let span = loc.span();
    let start = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok()?;
    src.get(start..start.checked_add(len)?)
}

/// Whether the plain text right before `start` opens a block scalar (`|`, `>-`, `|2`).
pub(crate) fn opens_block_scalar(src: &str, start: usize) -> bool {
    let before = src.get(..start).unwrap_or("").trim_end();
    let token = before.rsplit(|c: char| c.is_whitespace()).next().unwrap_or("");
    let token = token.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
    token.ends_with('|') || token.ends_with('>')
}

/// `会议主题：x` → `会议主题` when the text before a full-width colon could be a key.
pub(crate) fn fullwidth_key(line: &str) -> Option<&str> {
    let t = line.trim_start_matches([' ', '\t', '\u{3000}']);
    let t = t.strip_prefix("- ").unwrap_or(t);
    let (key, _) = t.split_once('：')?;
    let key = key.trim();
    let ok = !key.is_empty()
        && key.chars().count() <= 24
        && !key.contains([':', '#', '"', '\''])
        && !key.chars().any(char::is_whitespace);
    ok.then_some(key)
}

pub(crate) fn lift(src: &str, n: Spanned<Node>, base: u32, lints: &mut Lints) -> Y {
    let line = md_line(base, &n.referenced);
    let v = match n.value {
        Node::Null => YV::Null,
        Node::Str(s) => {
            if let Some(raw) = span_text(src, &n.defined) {
                let start = n.defined.span().byte_offset().unwrap_or(0) as usize;
                let plain = !raw.starts_with(['"', '\'']) && !opens_block_scalar(src, start);
                if plain {
                    for (i, l) in raw.lines().enumerate() {
                        if let Some(key) = fullwidth_key(l) {
                            lints.fullwidth_colon.push((line + i as u32, key.to_string()));
                        }
                    }
                }
            }
            YV::Scalar(s)
        }
        Node::Typed(t) => {
            // `id: 1.10` must stay `1.10`, `yes` stay `yes`: read the text as written.
            let raw = span_text(src, &n.defined).map(str::trim).filter(|r| !r.is_empty() && !r.contains('\n'));
            YV::Scalar(raw.map_or(t, str::to_string))
        }
        Node::Seq(items) => YV::Seq(items.into_iter().map(|x| lift(src, x, base, lints)).collect()),
        Node::Map(entries) => YV::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = Key { text: k.value, line: md_line(base, &k.referenced) };
                    if key.text.starts_with(['\u{3000}', '\u{00A0}']) {
                        lints.ideographic_indent.push((key.line, key.text.trim().to_string()));
                    }
                    (key, lift(src, v, base, lints))
                })
                .collect(),
        ),
    };
    Y { v, line }
}

pub(crate) const SYNTAX_HINT: L10n = L10n::new(
    "检查缩进（只用半角空格）、冒号后的空格、引号是否成对；含 `:` 或 `#` 的值请加引号",
    "檢查縮排（只用半形空格）、冒號後的空格、引號是否成對；含 `:` 或 `#` 的值請加引號",
    "check the indentation (spaces only), the space after each colon and matching quotes; quote values containing `:` or `#`",
);
pub(crate) const TAB_HINT: L10n = L10n::new(
    "第{line}行用 Tab 缩进；YAML 只允许空格缩进",
    "第{line}行用 Tab 縮排；YAML 只允許空格縮排",
    "line {line} is indented with a tab; YAML allows spaces only",
);
pub(crate) const FULLWIDTH_COLON_HINT: L10n = L10n::new(
    "第{line}行 `{key}：` 用了全角冒号“：”；YAML 需要半角冒号加空格，写成 `{key}: `",
    "第{line}行 `{key}：` 用了全形冒號「：」；YAML 需要半形冒號加空格，寫成 `{key}: `",
    "line {line}: `{key}：` uses a full-width colon; YAML needs an ASCII colon and a space: `{key}: `",
);
pub(crate) const IDEOGRAPHIC_INDENT_HINT: L10n = L10n::new(
    "第{line}行的缩进用了全角空格；请关闭输入法的全角模式，用半角空格缩进",
    "第{line}行的縮排用了全形空格；請關閉輸入法的全形模式，用半形空格縮排",
    "line {line} is indented with ideographic spaces; switch the input method to half-width and indent with spaces",
);

/// A parse error without its snippet or alias wrappers.
pub(crate) fn unwrap_error(err: &YamlError) -> &YamlError {
    let mut e = err;
    loop {
        match e {
            YamlError::WithSnippet { error, .. } | YamlError::AliasError { error, .. } => e = error,
            _ => return e,
        }
    }
}

/// A hint for a YAML syntax error: an IME slip or a tab near the error line, else the general
/// advice (`first_line`: the line number of the YAML's first line in its file). Returns the hint and the line to report (the slip's line when one is found).
pub(crate) fn syntax_hint(yaml: &str, first_line: u32, err_line: u32, lang: Lang) -> (String, u32) {
    let mut best: Option<(u32, String)> = None;
    for (i, raw) in yaml.lines().enumerate() {
        let line = first_line + i as u32;
        // The parser may stop on the line before a bad indentation (a plain scalar that
        // would continue): look one line past the error too.
        if line > err_line + 1 {
            break;
        }
        if line + 5 < err_line {
            continue;
        }
        let indent: String = raw.chars().take_while(|c| c.is_whitespace()).collect();
        if indent.contains('\u{3000}') {
            best = Some((line, IDEOGRAPHIC_INDENT_HINT.fill(lang, &[("line", &line.to_string())])));
        } else if let Some(key) = fullwidth_key(raw).filter(|_| !raw.contains(": ") && !raw.trim_end().ends_with(':')) {
            best = Some((line, FULLWIDTH_COLON_HINT.fill(lang, &[("line", &line.to_string()), ("key", key)])));
        } else if indent.contains('\t') || (line == err_line && raw.contains('\t')) {
            best = Some((line, TAB_HINT.fill(lang, &[("line", &line.to_string())])));
        }
    }
    match best {
        Some((line, hint)) => (hint, line),
        None => (SYNTAX_HINT.get(lang).to_string(), err_line),
    }
}
