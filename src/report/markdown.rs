//! Markdown fields read once: pulldown-cmark's events become a small block model
//! (paragraphs, headings, list items, code, rules, tables, each a run of styled spans) that
//! the HTML, PDF and XLSX renderers all draw from. Raw HTML is kept as text, images become
//! links, only web and mail links survive, and list nesting is capped at [`MAX_DEPTH`], so
//! every renderer does work linear in the text whatever the text holds.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::{Serialize, Serializer};

/// Deepest list level drawn; deeper items are drawn at this level (a text of nested
/// markers would otherwise indent, and cost, in proportion to its length squared).
pub const MAX_DEPTH: usize = 8;

/// A Markdown text as blocks. Serializes as safe HTML, for templates to insert as is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Markdown {
    pub blocks: Vec<Block>,
}

/// How a span of text is set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
    pub code: bool,
}

/// A run of text in one style; `\n` inside is a soft line break.
#[derive(Clone, Debug, PartialEq)]
pub enum Span {
    Text {
        text: String,
        marks: Marks,
        link: Option<String>,
    },
    /// A hard line break (two spaces or `\` at a line end).
    Break,
}

/// What a list item shows before its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Bullet,
    Number(u64),
    /// More text of the item above, after its nested list: no marker.
    None,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A paragraph; `quote` inside a block quote.
    Para {
        spans: Vec<Span>,
        quote: bool,
    },
    /// A heading, demoted to levels 3–6 so it sits under the document's own.
    Heading {
        level: u8,
        spans: Vec<Span>,
    },
    /// A list item at `depth` (0 = top, at most [`MAX_DEPTH`]); `task` for `[ ]` / `[x]`.
    Item {
        depth: usize,
        mark: Mark,
        task: Option<bool>,
        spans: Vec<Span>,
    },
    Code(String),
    Rule,
    Table {
        head: Vec<Vec<Span>>,
        rows: Vec<Vec<Vec<Span>>>,
    },
}

impl Markdown {
    /// Reads `src` once, in time linear in its length.
    pub fn parse(src: &str) -> Markdown {
        let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
        let mut b = Builder::default();
        for ev in Parser::new_ext(src, opts) {
            b.event(ev);
        }
        b.flush();
        Markdown { blocks: b.blocks }
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// Safe HTML: every text escaped, links only to web and mail addresses, no images.
    pub fn html(&self) -> String {
        let mut out = String::new();
        // Open lists: ordered or not, and whether an `<li>` is open at that level.
        let mut lists: Vec<(bool, bool)> = Vec::new();
        let close_to = |out: &mut String, lists: &mut Vec<(bool, bool)>, n: usize| {
            while lists.len() > n {
                let (ordered, li) = lists.pop().unwrap_or_default();
                if li {
                    out.push_str("</li>\n");
                }
                out.push_str(if ordered { "</ol>\n" } else { "</ul>\n" });
            }
        };
        for b in &self.blocks {
            let Block::Item { depth, mark, task, spans } = b else {
                close_to(&mut out, &mut lists, 0);
                block_html(&mut out, b);
                continue;
            };
            let ordered = matches!(mark, Mark::Number(_));
            close_to(&mut out, &mut lists, depth + 1);
            if lists.len() == depth + 1 {
                let (same_kind, li) = (lists[*depth].0 == ordered, lists[*depth].1);
                if *mark == Mark::None && li {
                    out.push_str("<p>");
                    spans_html(&mut out, spans);
                    out.push_str("</p>\n");
                    continue;
                }
                if !same_kind && *mark != Mark::None {
                    close_to(&mut out, &mut lists, *depth);
                } else if li {
                    out.push_str("</li>\n");
                    lists[*depth].1 = false;
                }
            }
            while lists.len() < depth + 1 {
                if let Some(last) = lists.last_mut()
                    && !last.1
                {
                    out.push_str("<li>\n");
                    last.1 = true;
                }
                let here = lists.len() == *depth;
                match mark {
                    Mark::Number(n) if here && *n != 1 => out.push_str(&format!("<ol start=\"{n}\">\n")),
                    Mark::Number(_) if here => out.push_str("<ol>\n"),
                    _ => out.push_str("<ul>\n"),
                }
                lists.push((here && ordered, false));
            }
            out.push_str("<li>");
            if let Some(checked) = task {
                out.push_str(if *checked {
                    "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>\n"
                } else {
                    "<input disabled=\"\" type=\"checkbox\"/>\n"
                });
            }
            spans_html(&mut out, spans);
            if let Some(last) = lists.last_mut() {
                last.1 = true;
            }
        }
        close_to(&mut out, &mut lists, 0);
        out
    }

    /// Plain text, one line per paragraph, heading, item and table row; items indented two
    /// spaces per level and numbered or marked `-`; empty lines dropped.
    pub fn text(&self) -> String {
        let mut out: Vec<String> = Vec::new();
        for b in &self.blocks {
            match b {
                Block::Para { spans, .. } | Block::Heading { spans, .. } => out.push(plain(spans)),
                Block::Item { depth, mark, task, spans } => {
                    let marker = match mark {
                        Mark::Bullet => "- ".to_string(),
                        Mark::Number(n) => format!("{n}. "),
                        Mark::None => String::new(),
                    };
                    let check = match task {
                        Some(true) => "☑ ",
                        Some(false) => "☐ ",
                        None => "",
                    };
                    out.push(format!("{}{marker}{check}{}", "  ".repeat(*depth), plain(spans)));
                }
                Block::Code(code) => out.push(code.clone()),
                Block::Rule => {}
                Block::Table { head, rows } => {
                    for row in std::iter::once(head).chain(rows) {
                        out.push(row.iter().map(|c| plain(c)).collect::<Vec<_>>().join(" | "));
                    }
                }
            }
        }
        let text = out.join("\n");
        text.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join("\n")
    }
}

impl Serialize for Markdown {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.html())
    }
}

/// The text of spans, hard breaks as new lines.
pub fn plain(spans: &[Span]) -> String {
    let mut s = String::new();
    for sp in spans {
        match sp {
            Span::Text { text, .. } => s.push_str(text),
            Span::Break => s.push('\n'),
        }
    }
    s
}

fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

fn spans_html(out: &mut String, spans: &[Span]) {
    for sp in spans {
        let Span::Text { text, marks, link } = sp else {
            out.push_str("<br />\n");
            continue;
        };
        if let Some(href) = link {
            out.push_str("<a href=\"");
            escape(out, href);
            out.push_str("\">");
        }
        let tags: [(bool, &str); 4] =
            [(marks.bold, "strong"), (marks.italic, "em"), (marks.strike, "del"), (marks.code, "code")];
        for (on, tag) in tags {
            if on {
                out.push_str(&format!("<{tag}>"));
            }
        }
        escape(out, text);
        for (on, tag) in tags.iter().rev() {
            if *on {
                out.push_str(&format!("</{tag}>"));
            }
        }
        if link.is_some() {
            out.push_str("</a>");
        }
    }
}

fn block_html(out: &mut String, b: &Block) {
    match b {
        Block::Para { spans, quote } => {
            out.push_str(if *quote { "<blockquote>\n<p>" } else { "<p>" });
            spans_html(out, spans);
            out.push_str(if *quote { "</p>\n</blockquote>\n" } else { "</p>\n" });
        }
        Block::Heading { level, spans } => {
            out.push_str(&format!("<h{level}>"));
            spans_html(out, spans);
            out.push_str(&format!("</h{level}>\n"));
        }
        Block::Code(code) => {
            out.push_str("<pre><code>");
            escape(out, code);
            out.push_str("</code></pre>\n");
        }
        Block::Rule => out.push_str("<hr />\n"),
        Block::Table { head, rows } => {
            out.push_str("<table><thead><tr>");
            for c in head {
                out.push_str("<th>");
                spans_html(out, c);
                out.push_str("</th>");
            }
            out.push_str("</tr></thead><tbody>\n");
            for row in rows {
                out.push_str("<tr>");
                for c in row {
                    out.push_str("<td>");
                    spans_html(out, c);
                    out.push_str("</td>");
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody></table>\n");
        }
        Block::Item { .. } => {}
    }
}

fn demote(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 3,
        HeadingLevel::H2 => 4,
        HeadingLevel::H3 => 5,
        _ => 6,
    }
}

/// `http(s):`, `mailto:` and relative links; never `javascript:` or `data:`.
fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => matches!(scheme, "http" | "https" | "mailto"),
        _ => true,
    }
}

/// A table row: its cells' spans.
type Row = Vec<Vec<Span>>;

/// The block being filled.
#[derive(Debug)]
enum Open {
    Para,
    Heading(u8),
    Item { depth: usize, mark: Mark, task: Option<bool> },
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    open: Option<Open>,
    spans: Vec<Span>,
    /// Open lists: the next number of an ordered one.
    lists: Vec<Option<u64>>,
    /// Depths of the open list items.
    items: Vec<usize>,
    quote: usize,
    marks: Marks,
    /// Open links: the kept address, or None for a dropped one.
    links: Vec<Option<String>>,
    code: Option<String>,
    /// A table being read: head, rows, and the row being filled.
    table: Option<(Row, Vec<Row>, Row)>,
    in_head: bool,
}

impl Builder {
    /// A block opened inside a list item after its first block: more of the item, unmarked.
    fn continuation(&self) -> Open {
        match self.items.last() {
            Some(&depth) => Open::Item { depth, mark: Mark::None, task: None },
            None => Open::Para,
        }
    }

    fn link(&self) -> Option<String> {
        self.links.iter().rev().find_map(|l| l.clone())
    }

    fn text(&mut self, t: &str) {
        if let Some(code) = &mut self.code {
            code.push_str(t);
            return;
        }
        if self.open.is_none() && self.table.is_none() {
            // Text right inside an item whose first block was a nested list, or loose text.
            self.open = Some(self.continuation());
        }
        let (marks, link) = (self.marks, self.link());
        match self.spans.last_mut() {
            Some(Span::Text { text, marks: m, link: l }) if *m == marks && *l == link => text.push_str(t),
            _ => self.spans.push(Span::Text { text: t.to_string(), marks, link }),
        }
    }

    /// Ends the open block: kept when it holds any visible text.
    fn flush(&mut self) {
        let spans = std::mem::take(&mut self.spans);
        let Some(open) = self.open.take() else { return };
        if plain(&spans).trim().is_empty() {
            return;
        }
        self.blocks.push(match open {
            Open::Para => Block::Para { spans, quote: self.quote > 0 },
            Open::Heading(level) => Block::Heading { level, spans },
            Open::Item { depth, mark, task } => Block::Item { depth, mark, task, spans },
        });
    }

    fn event(&mut self, ev: Event) {
        match ev {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => self.text(&t),
            Event::Code(t) => {
                let saved = self.marks;
                self.marks.code = true;
                self.text(&t);
                self.marks = saved;
            }
            Event::SoftBreak => self.text("\n"),
            Event::HardBreak => {
                if self.table.is_none() && self.code.is_none() {
                    self.spans.push(Span::Break);
                }
            }
            Event::Rule => {
                self.flush();
                self.blocks.push(Block::Rule);
            }
            Event::TaskListMarker(checked) => {
                if let Some(Open::Item { task, .. }) = &mut self.open {
                    *task = Some(checked);
                }
            }
            Event::FootnoteReference(t) | Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph | Tag::HtmlBlock => {
                // Paragraphs of a loose list item stay in the item, a line apart.
                if matches!(self.open, Some(Open::Item { .. })) {
                    if !self.spans.is_empty() {
                        self.spans.push(Span::Break);
                    }
                } else {
                    self.flush();
                    self.open = Some(self.continuation());
                }
            }
            Tag::Heading { level, .. } => {
                self.flush();
                self.open = Some(Open::Heading(demote(level)));
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.quote += 1;
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.code = Some(String::new());
            }
            Tag::List(start) => {
                self.flush();
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len().saturating_sub(1).min(MAX_DEPTH);
                let mark = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = Mark::Number(*n);
                        *n = n.saturating_add(1);
                        m
                    }
                    _ => Mark::Bullet,
                };
                self.items.push(depth);
                self.open = Some(Open::Item { depth, mark, task: None });
            }
            Tag::Table(_) => {
                self.flush();
                self.table = Some((Vec::new(), Vec::new(), Vec::new()));
            }
            Tag::TableHead => self.in_head = true,
            Tag::TableRow | Tag::TableCell => self.spans.clear(),
            Tag::Emphasis => self.marks.italic = true,
            Tag::Strong => self.marks.bold = true,
            Tag::Strikethrough => self.marks.strike = true,
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.links.push(safe_url(&dest_url).then(|| dest_url.to_string()));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            // Paragraphs of a list item end with the item.
            TagEnd::Paragraph | TagEnd::HtmlBlock if !matches!(self.open, Some(Open::Item { .. })) => self.flush(),
            TagEnd::Heading(_) => self.flush(),
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                if let Some(code) = self.code.take() {
                    let code = code.trim_end_matches('\n').to_string();
                    if !code.trim().is_empty() {
                        self.blocks.push(Block::Code(code));
                    }
                }
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.flush();
                self.items.pop();
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.spans);
                if let Some((_, _, row)) = &mut self.table {
                    row.push(cell);
                }
            }
            TagEnd::TableHead => {
                self.in_head = false;
                if let Some((head, _, row)) = &mut self.table {
                    *head = std::mem::take(row);
                }
            }
            TagEnd::TableRow => {
                if let Some((_, rows, row)) = &mut self.table {
                    rows.push(std::mem::take(row));
                }
            }
            TagEnd::Table => {
                if let Some((head, rows, _)) = self.table.take() {
                    self.blocks.push(Block::Table { head, rows });
                }
            }
            TagEnd::Emphasis => self.marks.italic = false,
            TagEnd::Strong => self.marks.bold = false,
            TagEnd::Strikethrough => self.marks.strike = false,
            TagEnd::Link | TagEnd::Image => {
                self.links.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(md: &str) -> Vec<String> {
        Markdown::parse(md)
            .blocks
            .iter()
            .map(|b| match b {
                Block::Para { spans, .. } => plain(spans),
                Block::Heading { level, spans } => format!("h{level} {}", plain(spans)),
                Block::Item { depth, mark, spans, .. } => format!("{depth}{mark:?} {}", plain(spans)),
                Block::Code(c) => format!("code {c}"),
                Block::Rule => "rule".into(),
                Block::Table { head, rows } => format!("table {} × {}", head.len(), rows.len()),
            })
            .collect()
    }

    #[test]
    fn blocks_of_a_minutes_summary() {
        let md = "1. 市场部汇报 <b>x</b> & 数据\n2. 技术部**确认**\n   - 子项\n\n段落一\n第二行\n\n## 小结";
        assert_eq!(
            texts(md),
            [
                "0Number(1) 市场部汇报 <b>x</b> & 数据",
                "0Number(2) 技术部确认",
                "1Bullet 子项",
                "段落一\n第二行",
                "h4 小结"
            ]
        );
        let Block::Item { spans, .. } = &Markdown::parse(md).blocks[1] else { panic!() };
        assert!(matches!(&spans[1], Span::Text { text, marks, .. } if text == "确认" && marks.bold));
    }

    #[test]
    fn html_escapes_raw_html_and_drops_requests() {
        let html = Markdown::parse(
            "1. 市场部汇报 <script>alert(1)</script>\n\n<div onclick=x>块</div>\n\n![logo](https://cdn.example/x.png) [bad](javascript:alert(1))\n\n# 标题",
        )
        .html();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(html.contains("&lt;div onclick=x&gt;"), "{html}");
        assert!(!html.contains("<script") && !html.contains("<div") && !html.contains("<img"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("<a href=\"https://cdn.example/x.png\">logo</a>"), "{html}");
        assert!(html.contains("<h3>标题</h3>"), "{html}");
    }

    #[test]
    fn lists_nest_in_html_and_number_in_text() {
        let md = Markdown::parse("3. 甲\n4. 乙\n   - 子\n     - 孙\n5. 丙\n\n- [x] 已办\n- [ ] 待办");
        assert_eq!(
            md.html(),
            "<ol start=\"3\">\n<li>甲</li>\n<li>乙<ul>\n<li>子<ul>\n<li>孙</li>\n</ul>\n</li>\n</ul>\n</li>\n<li>丙</li>\n</ol>\n\
             <ul>\n<li><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\n已办</li>\n<li><input disabled=\"\" type=\"checkbox\"/>\n待办</li>\n</ul>\n"
        );
        assert_eq!(md.text(), "3. 甲\n4. 乙\n  - 子\n    - 孙\n5. 丙\n- ☑ 已办\n- ☐ 待办");
    }

    #[test]
    fn plain_text_keeps_raw_html_as_written() {
        let md = Markdown::parse("1. 市场部汇报 <b>框架</b>\n2. 销售部 & 财务部\n\n段落一\n\n- 甲\n- 乙");
        assert_eq!(md.text(), "1. 市场部汇报 <b>框架</b>\n2. 销售部 & 财务部\n段落一\n- 甲\n- 乙");
    }

    #[test]
    fn deep_nesting_is_capped_and_empty_items_vanish() {
        let md = Markdown::parse(&format!("{}x", "- ".repeat(5_000)));
        assert_eq!(texts(&format!("{}x", "- ".repeat(5_000))), [format!("{MAX_DEPTH}Bullet x")]);
        assert_eq!(md.html().matches("<ul>").count(), MAX_DEPTH + 1);
        assert_eq!(md.text(), format!("{}- x", "  ".repeat(MAX_DEPTH)));
    }

    #[test]
    fn tables_code_and_quotes() {
        let md = "| 部门 | 人 |\n|---|---|\n| 市场部 | 张三 |\n\n```\nlet x = 1;\n```\n\n> 引用\n\n---";
        assert_eq!(texts(md), ["table 2 × 1", "code let x = 1;", "引用", "rule"]);
        let m = Markdown::parse(md);
        assert_eq!(m.text(), "部门 | 人\n市场部 | 张三\nlet x = 1;\n引用");
        assert!(m.html().contains("<blockquote>\n<p>引用</p>\n</blockquote>"), "{}", m.html());
    }
}
