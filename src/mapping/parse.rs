//! Mapping text → [`Mapping`], checked against the catalogue: every kind, field, code and
//! option it names must exist, and every mistake is one message with its line and the known
//! choices — never a deserializer's wording.

use std::fmt;
use std::sync::Arc;

use serde_saphyr::{Error as YamlError, MessageFormatter, UserMessageFormatter};

use super::{Alias, ColumnRule, DateOrder, KIND_NAMES, Mapping, SheetKind, SheetRule, Target, ValueMap};
use crate::model::{L10n, Lang};
use crate::schema::{self, FieldDef, KINDS, KindDef, Type};
use crate::yaml::{Key, Lints, Y, YV};

/// A mapping that cannot be used: the file, the line, what is wrong and how to fix it.
#[derive(Clone, Debug, PartialEq)]
pub struct MappingError {
    pub file: String,
    pub line: Option<u32>,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for MappingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message)?,
            None => write!(f, "{}: {}", self.file, self.message)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for MappingError {}

const SYNTAX: L10n = L10n::new(
    "映射文件的 YAML 语法错误：{problem}",
    "對應檔的 YAML 語法錯誤：{problem}",
    "YAML syntax error: {problem}",
);
const NOT_A_MAP: L10n =
    L10n::new("映射文件应是一组 `键: 值`", "對應檔應是一組 `鍵: 值`", "a mapping file is a set of `key: value` lines");
const TOP_KEY: L10n = L10n::new(
    "未知的键 `{key}`：顶层只能是表单类型或 `sheets`",
    "未知的鍵 `{key}`：頂層只能是表單類型或 `sheets`",
    "unknown key `{key}`: the top level holds form kinds or `sheets`",
);
const KNOWN: L10n = L10n::new("可用的有：{known}", "可用的有：{known}", "known: {known}");
const WANT_MAP: L10n = L10n::new(
    "`{key}` 下面应是一组 `键: 值`",
    "`{key}` 下面應是一組 `鍵: 值`",
    "`{key}` should hold `key: value` lines",
);
const WANT_TEXT: L10n = L10n::new("`{key}` 应是一个值", "`{key}` 應是一個值", "`{key}` should be a single value");
const RULE_KEY: L10n =
    L10n::new("工作表规则中未知的键 `{key}`", "工作表規則中未知的鍵 `{key}`", "unknown key `{key}` in a sheet rule");
const BAD_KIND: L10n = L10n::new("未知的表单类型 `{value}`", "未知的表單類型 `{value}`", "unknown form kind `{value}`");
const BAD_FIELD: L10n =
    L10n::new("“{kind}”没有字段 `{value}`", "「{kind}」沒有欄位 `{value}`", "{kind} has no field `{value}`");
const NEED_KIND: L10n = L10n::new(
    "`{key}` 需要先用 `kind:` 说明工作表的表单类型",
    "`{key}` 需要先用 `kind:` 說明工作表的表單類型",
    "`{key}` needs the sheet's `kind:` first",
);
const NOT_ENUM: L10n = L10n::new(
    "字段 `{field}` 不是枚举字段，不能写取值映射",
    "欄位 `{field}` 不是列舉欄位，不能寫取值對應",
    "`{field}` is not an enumeration field, so it takes no value map",
);
const ENUM_FIELDS: L10n = L10n::new("枚举字段：{known}", "列舉欄位：{known}", "enumeration fields: {known}");
const BAD_CODE: L10n = L10n::new(
    "`{value}` 不是字段 `{field}` 的取值",
    "`{value}` 不是欄位 `{field}` 的取值",
    "`{value}` is not a code of `{field}`",
);
const BAD_ROW: L10n = L10n::new(
    "`header_row` 应是正整数（表头所在行号），这里是 `{value}`",
    "`header_row` 應是正整數（表頭所在列號），這裡是 `{value}`",
    "`header_row` is the header's row number (a positive whole number), not `{value}`",
);
const BAD_DATES: L10n = L10n::new(
    "`dates` 应是 DMY、MDY 或 YMD，这里是 `{value}`",
    "`dates` 應是 DMY、MDY 或 YMD，這裡是 `{value}`",
    "`dates` is DMY, MDY or YMD, not `{value}`",
);
const DATES_HINT: L10n = L10n::new(
    "DMY：05/02/25 是 2025年2月5日；MDY：是 2025年5月2日；YMD：年份在前",
    "DMY：05/02/25 是 2025年2月5日；MDY：是 2025年5月2日；YMD：年份在前",
    "DMY reads 05/02/25 as 5 February 2025, MDY as 2 May 2025; YMD puts the year first",
);
const BAD_IDS: L10n = L10n::new(
    "`ids` 模式 `{value}` 缺少 `{row}`，生成的编号会重复",
    "`ids` 模式 `{value}` 缺少 `{row}`，產生的編號會重複",
    "the `ids` pattern `{value}` has no `{row}`, so every id would be the same",
);
const IDS_HINT: L10n = L10n::new(
    "例如 `ids: \"R-{row}\"`（{row} 是行号，{n} 是本表第几条记录）",
    "例如 `ids: \"R-{row}\"`（{row} 是列號，{n} 是本表第幾筆記錄）",
    "e.g. `ids: \"R-{row}\"` ({row} is the row number, {n} the record's number in the sheet)",
);
const BAD_GLOB: L10n = L10n::new(
    "`{value}` 不是有效的通配符模式",
    "`{value}` 不是有效的萬用字元模式",
    "`{value}` is not a valid glob pattern",
);
const EMPTY_HEADER: L10n = L10n::new("列名不能为空", "欄名不能為空", "a column name cannot be empty");

const RULE_KEYS: &[&str] = &["file", "kind", "header_row", "columns", "values", "set", "ids", "dates"];

pub(super) fn parse(text: &str, display: &str, lang: Lang) -> Result<Mapping, MappingError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let p = Parser { display, lang };
    if text.trim().is_empty() {
        return Ok(Mapping::default());
    }
    let node = crate::yaml::parse(text).map_err(|e| p.syntax(text, &e))?;
    let root = crate::yaml::lift(text, node, 1, &mut Lints::default());
    let entries = match root.v {
        YV::Null => return Ok(Mapping::default()),
        YV::Map(entries) => entries,
        _ => return Err(p.err(root.line, NOT_A_MAP.get(lang).to_string(), None)),
    };
    let mut mapping = Mapping::default();
    for (key, value) in entries {
        if key.text.trim() == "sheets" {
            for (pattern, rule) in p.map(&key, value)? {
                mapping.sheets.push(Arc::new(p.rule(pattern, rule)?));
            }
            continue;
        }
        let Some(kind) = kind_named(&key.text) else {
            let known: Vec<&str> = KINDS.iter().map(|k| k.collection.unwrap_or(k.key)).chain(["sheets"]).collect();
            return Err(p.err(key.line, TOP_KEY.fill(lang, &[("key", &key.text)]), Some(p.known(&known))));
        };
        for (header, field) in p.map(&key, value)? {
            let field = p.field_or_none(kind, &header, field)?;
            mapping.aliases.push(Alias { kind, header: header.text, field });
        }
    }
    Ok(mapping)
}

/// A kind by the names the old form accepts: its key (`task`) or collection (`tasks`).
fn kind_named(name: &str) -> Option<&'static KindDef> {
    let n = name.trim();
    KINDS.iter().find(|k| k.key == n || k.collection == Some(n))
}

struct Parser<'a> {
    display: &'a str,
    lang: Lang,
}

impl Parser<'_> {
    fn err(&self, line: u32, message: String, hint: Option<String>) -> MappingError {
        MappingError { file: self.display.to_string(), line: Some(line), message, hint }
    }

    fn known(&self, names: &[&str]) -> String {
        KNOWN.fill(self.lang, &[("known", &names.join(", "))])
    }

    fn syntax(&self, text: &str, err: &YamlError) -> MappingError {
        let original = crate::yaml::unwrap_error(err);
        let line =
            err.location().or_else(|| original.location()).map_or(1, |l| l.line().clamp(1, u32::MAX as u64) as u32);
        let problem = UserMessageFormatter.format_message(original).into_owned();
        let (hint, line) = crate::yaml::syntax_hint(text, 1, line, self.lang);
        self.err(line, SYNTAX.fill(self.lang, &[("problem", &problem)]), Some(hint))
    }

    fn map(&self, key: &Key, v: Y) -> Result<Vec<(Key, Y)>, MappingError> {
        match v.v {
            YV::Map(entries) => Ok(entries),
            YV::Null => Ok(Vec::new()),
            _ => Err(self.err(v.line, WANT_MAP.fill(self.lang, &[("key", &key.text)]), None)),
        }
    }

    /// A scalar value, or None for `~`.
    fn scalar(&self, key: &Key, v: &Y) -> Result<Option<String>, MappingError> {
        match &v.v {
            YV::Scalar(s) if s.trim() == "~" => Ok(None),
            YV::Scalar(s) => Ok(Some(s.trim().to_string())),
            YV::Null => Ok(None),
            _ => Err(self.err(v.line, WANT_TEXT.fill(self.lang, &[("key", &key.text)]), None)),
        }
    }

    fn rule(&self, pattern: Key, v: Y) -> Result<SheetRule, MappingError> {
        let lang = self.lang;
        if pattern.text.contains(['*', '?']) && globset::Glob::new(&pattern.text).is_err() {
            return Err(self.err(pattern.line, BAD_GLOB.fill(lang, &[("value", &pattern.text)]), None));
        }
        let mut rule = SheetRule { pattern: pattern.text.clone(), ..SheetRule::default() };
        if let Some((file, sheet)) = pattern.text.split_once(super::FILE_SHEET) {
            rule.pattern = sheet.trim().to_string();
            rule.file = Some(file.trim().to_string());
        }
        let entries = self.map(&pattern, v)?;
        // `kind:` first: the other keys are checked against its fields.
        let kind_entry = entries.iter().find(|(k, _)| k.text.trim() == "kind");
        if let Some((k, v)) = kind_entry {
            let name = self.scalar(k, v)?.unwrap_or_default();
            let kind = SheetKind::parse(&name).ok_or_else(|| {
                let mut known: Vec<&str> = KIND_NAMES.iter().map(|(n, _, _)| *n).collect();
                known.push("skip");
                self.err(v.line, BAD_KIND.fill(lang, &[("value", &name)]), Some(self.known(&known)))
            })?;
            rule.kind = Some(kind);
        }
        let kind = match rule.kind {
            Some(SheetKind::Read { kind, .. }) => Some(kind),
            _ => None,
        };
        for (k, v) in entries {
            match k.text.trim() {
                "kind" => {}
                "file" => {
                    let glob = self.scalar(&k, &v)?.unwrap_or_default();
                    if globset::Glob::new(&glob).is_err() {
                        return Err(self.err(v.line, BAD_GLOB.fill(lang, &[("value", &glob)]), None));
                    }
                    rule.file = Some(glob);
                }
                "header_row" => {
                    let text = self.scalar(&k, &v)?.unwrap_or_default();
                    let row = text.parse::<u32>().ok().filter(|&r| r >= 1);
                    rule.header_row =
                        Some(row.ok_or_else(|| self.err(v.line, BAD_ROW.fill(lang, &[("value", &text)]), None))?);
                }
                "dates" => {
                    let text = self.scalar(&k, &v)?.unwrap_or_default();
                    rule.dates = Some(DateOrder::parse(&text).ok_or_else(|| {
                        self.err(
                            v.line,
                            BAD_DATES.fill(lang, &[("value", &text)]),
                            Some(DATES_HINT.get(lang).to_string()),
                        )
                    })?);
                }
                "ids" => {
                    let text = self.scalar(&k, &v)?.unwrap_or_default();
                    if !text.contains("{row}") && !text.contains("{n}") {
                        return Err(self.err(
                            v.line,
                            BAD_IDS.fill(lang, &[("value", &text)]),
                            Some(IDS_HINT.get(lang).to_string()),
                        ));
                    }
                    rule.ids = Some(text);
                }
                "columns" => {
                    let kind = kind.ok_or_else(|| self.need_kind(&k))?;
                    for (header, field) in self.map(&k, v)? {
                        if header.text.trim().is_empty() {
                            return Err(self.err(header.line, EMPTY_HEADER.get(lang).to_string(), None));
                        }
                        let target = match self.scalar(&header, &field)? {
                            None => None,
                            Some(key) => Some(self.target(kind, &key, field.line)?),
                        };
                        rule.columns.push(ColumnRule { header: header.text, target });
                    }
                }
                "values" => {
                    let kind = kind.ok_or_else(|| self.need_kind(&k))?;
                    for (field, words) in self.map(&k, v)? {
                        let target = self.target(kind, &field.text, field.line)?;
                        let Type::Enum(e) = target.field.ty else {
                            let enums = enum_fields(kind);
                            return Err(self.err(
                                field.line,
                                NOT_ENUM.fill(lang, &[("field", &field.text)]),
                                Some(ENUM_FIELDS.fill(lang, &[("known", &enums.join(", "))])),
                            ));
                        };
                        let mut map = ValueMap { target, words: Vec::new() };
                        for (word, code) in self.map(&field, words)? {
                            let value = match self.scalar(&word, &code)? {
                                None => None,
                                Some(c) => Some(e.value(&c).or_else(|| e.lookup(&c)).ok_or_else(|| {
                                    let codes: Vec<&str> = e.values.iter().map(|v| v.code).collect();
                                    self.err(
                                        code.line,
                                        BAD_CODE.fill(lang, &[("value", &c), ("field", &field.text)]),
                                        Some(self.known(&codes)),
                                    )
                                })?),
                            };
                            map.words.push((word.text, value));
                        }
                        rule.values.push(map);
                    }
                }
                "set" => {
                    let kind = kind.ok_or_else(|| self.need_kind(&k))?;
                    for (field, value) in self.map(&k, v)? {
                        let target = self.target(kind, &field.text, field.line)?;
                        let text = self.scalar(&field, &value)?.unwrap_or_default();
                        if let Type::Enum(e) = target.field.ty
                            && e.value(&text).or_else(|| e.lookup(&text)).is_none()
                        {
                            let codes: Vec<&str> = e.values.iter().map(|v| v.code).collect();
                            return Err(self.err(
                                value.line,
                                BAD_CODE.fill(lang, &[("value", &text), ("field", &field.text)]),
                                Some(self.known(&codes)),
                            ));
                        }
                        rule.set.push((target, text));
                    }
                }
                other => {
                    return Err(self.err(k.line, RULE_KEY.fill(lang, &[("key", other)]), Some(self.known(RULE_KEYS))));
                }
            }
        }
        Ok(rule)
    }

    fn need_kind(&self, key: &Key) -> MappingError {
        self.err(key.line, NEED_KIND.fill(self.lang, &[("key", &key.text)]), None)
    }

    /// `owner` in `kind`, or `actions.owner` in the sub-kind behind `actions`.
    fn target(&self, kind: &'static KindDef, key: &str, line: u32) -> Result<Target, MappingError> {
        let key = key.trim();
        let found = match key.split_once('.') {
            Some((parent, sub)) => kind.field(parent).and_then(|p| match p.ty {
                Type::Sub(s) => schema::kind(s)
                    .and_then(|sk| sk.field(sub).filter(|f| !f.computed).map(|f| (sk, f)))
                    .map(|(sk, f)| Target { kind: sk, field: f, parent: Some(p.key) }),
                _ => None,
            }),
            None => kind.field(key).filter(|f| !f.computed).map(|f| Target { kind, field: f, parent: None }),
        };
        found.ok_or_else(|| {
            let label = kind.label.get(self.lang);
            let keys = field_keys(kind);
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            self.err(line, BAD_FIELD.fill(self.lang, &[("kind", label), ("value", key)]), Some(self.known(&keys)))
        })
    }

    fn field_or_none(
        &self,
        kind: &'static KindDef,
        header: &Key,
        v: Y,
    ) -> Result<Option<&'static FieldDef>, MappingError> {
        match self.scalar(header, &v)? {
            None => Ok(None),
            Some(key) => Ok(Some(self.target(kind, &key, v.line)?.field).filter(|_| !key.contains('.'))),
        }
    }
}

/// The keys a mapping may name in a kind: its fields, and its sub-kinds' as `parent.field`.
fn field_keys(kind: &'static KindDef) -> Vec<String> {
    let mut keys: Vec<String> = kind.fields.iter().filter(|f| !f.computed).map(|f| f.key.to_string()).collect();
    for f in kind.fields {
        if let Type::Sub(s) = f.ty
            && let Some(sk) = schema::kind(s)
        {
            for sf in sk.fields.iter().filter(|f| !f.computed) {
                keys.push(format!("{}.{}", f.key, sf.key));
            }
        }
    }
    keys
}

fn enum_fields(kind: &'static KindDef) -> Vec<&'static str> {
    kind.fields.iter().filter(|f| matches!(f.ty, Type::Enum(_))).map(|f| f.key).collect()
}
