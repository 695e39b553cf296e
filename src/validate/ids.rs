//! Identifiers: the requirement number's format and ids used twice.

use std::collections::HashMap;

use super::{Check, MaybeValue, Rule, action_name, action_record, name, raw};
use crate::diag::Diagnostic;
use crate::ingest::Ctx;
use crate::model::{L10n, Lang, Record};
use crate::schema::halfwidth;

const ID_FORMAT: L10n = L10n::new(
    "{who}的{label}“{value}”不符合“年份-部门-序号”格式",
    "{who}的{label}「{value}」不符合「年份-部門-序號」格式",
    "{who}: {label} “{value}” is not year-department-number",
);
const ID_EXPECTED: L10n =
    L10n::new("YYYY-DEPT-NNN，如 2024-MKT-001", "YYYY-DEPT-NNN，如 2024-MKT-001", "YYYY-DEPT-NNN, e.g. 2024-MKT-001");
const ID_HINT: L10n = L10n::new(
    "按年份+部门+序号编制：4位年份、大写部门缩写、至少3位序号，用“-”连接",
    "按年份+部門+序號編制：4位年份、大寫部門縮寫、至少3位序號，用「-」連接",
    "year + department + number: 4-digit year, upper-case department code, number of at least 3 digits, joined by “-”",
);
const ID_SUGGEST: L10n = L10n::new("改为 {id}", "改為 {id}", "write {id}");

/// seed 000 模板1: 需求编号按年份+部门+序号编制(如“2024-MKT-001”).
pub(super) fn id_format(c: &mut Check<'_>) {
    let Some(req) = &c.project.requirement else { return };
    let Some(id) = req.id() else { return };
    if id.trim().is_empty() || well_formed(id.trim()) {
        return;
    }
    let hint = match suggest(id) {
        Some(s) => c.t(ID_SUGGEST, &[("id", &s)]),
        None => c.t(ID_HINT, &[]),
    };
    let msg = c.t(ID_FORMAT, &[("who", &c.name(req)), ("label", c.label("requirement", "id")), ("value", id)]);
    let d = c
        .at(req.loc_of("id"), msg)
        .field("id")
        .record(Some(id))
        .maybe_value(raw(req, "id"))
        .expected(c.t(ID_EXPECTED, &[]))
        .hint(hint);
    c.push(d);
}

/// `YYYY-DEPT-NNN`: 4 digits, upper-case letters or digits, 3 or more digits.
fn well_formed(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    let [year, dept, num] = parts.as_slice() else { return false };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && !dept.is_empty()
        && dept.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && num.len() >= 3
        && num.bytes().all(|b| b.is_ascii_digit())
}

/// The well-formed id a near miss probably meant: `2024_mkt_1` → `2024-MKT-001`.
fn suggest(id: &str) -> Option<String> {
    let folded: String = id.chars().map(halfwidth).collect::<String>().to_ascii_uppercase();
    let mut tokens: Vec<String> =
        folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_string).collect();
    if tokens.len() == 1 {
        // `2024MKT001`: split digits, letters, digits.
        let t = tokens[0].clone();
        let year: String = t.chars().take_while(char::is_ascii_digit).collect();
        let rest = &t[year.len()..];
        let dept: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
        let num = &rest[dept.len()..];
        tokens = vec![year, dept, num.to_string()];
    }
    let [year, dept, num] = tokens.as_slice() else { return None };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let s = format!("{year}-{dept}-{num:0>3}");
    (well_formed(&s) && s != id).then_some(s)
}

const DUPLICATE: L10n = L10n::new(
    "{who}：{label}“{id}”重复，{first} 已使用",
    "{who}：{label}「{id}」重複，{first} 已使用",
    "{who}: {label} “{id}” is used twice, first at {first}",
);
const DUPLICATE_EXPECTED: L10n = L10n::new("唯一的{label}", "唯一的{label}", "a unique {label}");
const DUPLICATE_HINT: L10n = L10n::new(
    "为其中一条改用未使用的编号；若是同一条记录录入了两次，删除重复的一条",
    "為其中一條改用未使用的編號；若是同一條記錄錄入了兩次，刪除重複的一條",
    "give one of them an unused id; if the same record was entered twice, delete the copy",
);

/// Ids are compared as people read them: surrounding space, width and case do not count.
fn id_key(id: &str) -> String {
    id.trim().chars().map(halfwidth).collect::<String>().to_lowercase()
}

/// Every later record whose id an earlier one already used, with that earlier record.
fn duplicates<'r>(records: impl Iterator<Item = (usize, &'r Record)>) -> Vec<(usize, &'r Record, &'r Record)> {
    let mut first: HashMap<String, &Record> = HashMap::new();
    let mut out = Vec::new();
    for (i, r) in records {
        let Some(id) = r.id().filter(|s| !s.trim().is_empty()) else { continue };
        match first.get(&id_key(id)) {
            Some(f) => out.push((i, r, *f)),
            None => {
                first.insert(id_key(id), r);
            }
        }
    }
    out
}

/// Tasks, risks and the actions of one meeting each need distinct ids (SPEC §1 "unique").
pub(super) fn duplicate_id(c: &mut Check<'_>) {
    for list in [&c.project.tasks, &c.project.risks] {
        for (_, r, first) in duplicates(list.iter().enumerate()) {
            let d = duplicate(c.rule, c.lang, &c.name(r), r, first);
            c.push(d);
        }
    }
    for m in &c.project.meetings {
        let actions = m.records("actions");
        for (i, a, first) in duplicates(actions.iter().enumerate()) {
            let who = action_name(m, i, a, c.lang);
            let d = duplicate(c.rule, c.lang, &who, a, first).record(Some(action_record(m, i, a)));
            c.push(d);
        }
    }
}

fn duplicate(rule: &Rule, lang: Lang, who: &str, r: &Record, first: &Record) -> Diagnostic {
    let id = r.id().unwrap_or_default().trim();
    let label = super::label(r.kind, "id", lang);
    let first_loc = first.loc_of("id").to_string();
    let msg = DUPLICATE.fill(lang, &[("who", who), ("label", label), ("id", id), ("first", &first_loc)]);
    Diagnostic::new(rule.severity, rule.code, r.loc_of("id").clone(), msg)
        .field("id")
        .record(Some(id))
        .maybe_value(raw(r, "id"))
        .expected(DUPLICATE_EXPECTED.fill(lang, &[("label", label)]))
        .hint(DUPLICATE_HINT.get(lang))
}

const OTHER_PROJECT: L10n = L10n::new(
    "{who}：{label}“{id}”也是另一个项目的编号（{other}）；两个项目仍各自检查、各自生成文档",
    "{who}：{label}「{id}」也是另一個專案的編號（{other}）；兩個專案仍各自檢查、各自產生文件",
    "{who}: {label} “{id}” is also the number of another project ({other}); each is still checked and built on its own",
);
const OTHER_PROJECT_HINT: L10n = L10n::new(
    "需求编号在所有项目间应唯一：为其中一个项目改用未使用的编号",
    "需求編號在所有專案間應唯一：為其中一個專案改用未使用的編號",
    "requirement ids should be unique across projects: give one of the two projects an unused id",
);

/// Whether two requirement ids are the same as people read them.
pub fn same_id(a: &str, b: &str) -> bool {
    id_key(a) == id_key(b)
}

/// The `duplicate-id` warning of a requirement whose id another project of the batch also
/// uses, naming that other project's requirement. A batch gives one to each of the two, so
/// the outcome never depends on the order the projects were read in.
pub fn duplicate_across_projects(req: &Record, other: &Record, ctx: &Ctx) -> Diagnostic {
    let lang = ctx.lang;
    let id = req.id().unwrap_or_default().trim();
    let label = super::label(req.kind, "id", lang);
    let msg = OTHER_PROJECT.fill(
        lang,
        &[("who", &name(req, lang)), ("label", label), ("id", id), ("other", &other.loc_of("id").to_string())],
    );
    Diagnostic::warning("duplicate-id", req.loc_of("id").clone(), msg)
        .field("id")
        .record(Some(id))
        .maybe_value(raw(req, "id"))
        .expected(DUPLICATE_EXPECTED.fill(lang, &[("label", label)]))
        .hint(OTHER_PROJECT_HINT.get(lang))
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;
    use crate::model::Project;

    fn with_req(id: &str) -> Project {
        Project { requirement: Some(rec("requirement").f("id", text(id)).build()), ..Project::default() }
    }

    #[test]
    fn requirement_ids_follow_year_department_number() {
        // seed 000 模板1: 需求编号按年份+部门+序号编制(如“2024-MKT-001”)
        for ok in ["2024-MKT-001", "2024-IT2-0123", "2025-HR-999"] {
            assert!(run("id-format", &with_req(ok), &ctx()).is_empty(), "{ok}");
        }
        for bad in ["MKT-2024-001", "2024-MKT-01", "24-MKT-001", "2024-mkt-001", "2024-MKT", "需求一"] {
            let d = run("id-format", &with_req(bad), &ctx());
            assert_eq!(d.len(), 1, "{bad}");
            assert_eq!(d[0].field.as_deref(), Some("id"));
            assert_eq!(d[0].value.as_deref(), Some(bad));
            assert_eq!(d[0].loc.line, Some(3));
        }
    }

    #[test]
    fn near_misses_get_the_id_they_probably_meant() {
        // seed 000 模板1: the example id is 2024-MKT-001.
        let d = run("id-format", &with_req("2024_mkt_1"), &ctx());
        assert_eq!(d[0].hint.as_deref(), Some("改为 2024-MKT-001"));
        let d = run("id-format", &with_req("2024MKT001"), &ctx_in(Lang::En));
        assert_eq!(d[0].hint.as_deref(), Some("write 2024-MKT-001"));
        assert!(d[0].message.contains("“2024MKT001”"), "{}", d[0].message);
        let d = run("id-format", &with_req("需求一"), &ctx());
        assert!(d[0].hint.as_deref().unwrap_or_default().contains("年份"));
    }

    #[test]
    fn a_task_id_used_twice_names_both_places() {
        // SPEC §1: 任务ID unique.
        let p = Project {
            tasks: vec![task("1.1").build(), task("1.2").build(), rec_at("task", 9).f("id", text(" 1.1 ")).build()],
            ..Project::default()
        };
        let d = run("duplicate-id", &p, &ctx());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].loc.line, Some(10));
        assert_eq!(d[0].record.as_deref(), Some("1.1"));
        assert!(d[0].message.contains("t.md:3"), "{}", d[0].message);
        assert!(d[0].message.contains("任务ID"), "{}", d[0].message);
    }

    #[test]
    fn distinct_ids_pass_and_actions_are_unique_per_meeting() {
        let p = Project {
            tasks: vec![task("1").build(), task("1.1").build()],
            risks: vec![rec("risk").f("id", text("001")).build(), rec("risk").f("id", text("002")).build()],
            meetings: vec![
                rec("meeting")
                    .f("id", text("M1"))
                    .f("actions", subs(vec![rec("action").f("id", text("1")).build()]))
                    .build(),
                rec("meeting")
                    .f("id", text("M2"))
                    .f("actions", subs(vec![rec("action").f("id", text("1")).build()]))
                    .build(),
            ],
            ..Project::default()
        };
        assert!(run("duplicate-id", &p, &ctx()).is_empty());
    }

    #[test]
    fn duplicate_risks_and_actions_are_errors() {
        let actions = subs(vec![rec("action").f("id", text("A1")).build(), rec("action").f("id", text("a1")).build()]);
        let p = Project {
            risks: vec![rec("risk").f("id", text("001")).build(), rec("risk").f("id", text("001")).build()],
            meetings: vec![rec("meeting").f("id", text("M1")).f("actions", actions).build()],
            ..Project::default()
        };
        let d = run("duplicate-id", &p, &ctx_in(Lang::En));
        assert_eq!(d.len(), 2);
        assert!(d[0].message.starts_with("Risk 001:"), "{}", d[0].message);
        assert_eq!(d[1].record.as_deref(), Some("M1/a1"));
        assert!(d[1].message.starts_with("Action a1 of meeting M1"), "{}", d[1].message);
    }

    #[test]
    fn a_requirement_id_two_projects_share_warns_in_both() {
        let a = rec_at("requirement", 1).f("id", text("2024-MKT-001")).build();
        let b = rec_at("requirement", 20).f("id", text("2024-mkt-001 ")).build();
        assert!(same_id("2024-MKT-001", " 2024-mkt-001"));
        let (da, db) = (duplicate_across_projects(&a, &b, &ctx()), duplicate_across_projects(&b, &a, &ctx()));
        for (d, line, other) in [(&da, 2, ":21"), (&db, 21, ":2")] {
            assert_eq!((d.code, d.severity), ("duplicate-id", crate::diag::Severity::Warning));
            assert_eq!(d.loc.line, Some(line));
            assert!(d.message.contains(other), "{}", d.message);
        }
    }
}
