use super::*;

fn parse_en(text: &str) -> Result<Mapping, MappingError> {
    Mapping::parse(text, "m.yaml", Lang::En)
}

#[test]
fn old_form_adds_aliases_and_tilde_means_no_field() {
    let m = parse_en("tasks:\n  \"Task title\": name\n  Hours: ~\n").unwrap();
    assert_eq!(m.aliases.len(), 2);
    assert_eq!(m.aliases[0].kind.key, "task");
    assert_eq!(m.aliases[0].field.map(|f| f.key), Some("name"));
    assert!(m.aliases[1].field.is_none());
}

#[test]
fn a_sheet_rule_says_everything_a_real_sheet_needs() {
    let m = parse_en(
        "sheets:\n  \"Risk Register\":\n    kind: risks\n    header_row: 3\n    columns:\n      \"Risk ID\": id\n      \"Risk Rating\": ~\n    values:\n      status: { Monitoring: in_progress, Escalated: open }\n      impact: { \"5\": high, \"1\": low }\n    set: { type: issue }\n    ids: \"R-{row}\"\n    dates: dmy\n",
    )
    .unwrap();
    let r = m.rule("book.xlsx", "risk register").unwrap();
    assert_eq!(r.kind.map(|k| k.name()), Some("risks"));
    assert_eq!(r.header_row, Some(3));
    assert_eq!(r.column("RISK  id").unwrap().map(|t| t.key()), Some("id".into()));
    assert_eq!(r.column("Risk Rating"), Some(None));
    assert_eq!(r.code("status", "monitoring").unwrap().map(|v| v.code), Some("in_progress"));
    assert_eq!(r.code("impact", "5").unwrap().map(|v| v.code), Some("high"));
    assert_eq!(r.set[0].1, "issue");
    assert_eq!(r.make_id(7, 2).as_deref(), Some("R-7"));
    assert_eq!(r.reorder_date("05/02/25").as_deref(), Some("2025-02-05"));
    assert_eq!(m.enum_code("book.xlsx", "Risk Register", "risk", "status", "Escalated").as_deref(), Some("open"));
    assert_eq!(m.enum_code("book.xlsx", "Risk Register", "risk", "status", "已关闭").as_deref(), Some("closed"));
}

#[test]
fn globs_files_and_sub_kind_fields() {
    let m = parse_en(
        "sheets:\n  \"Sprint *\":\n    file: \"team-*.xlsx\"\n    kind: meetings\n    columns: { 责任人: actions.owner, 主题: title }\n",
    )
    .unwrap();
    assert!(m.rule("in/team-a.xlsx", "Sprint 3").is_some());
    assert!(m.rule("other.xlsx", "Sprint 3").is_none());
    let r = m.rule("team-b.xlsx", "sprint 12").unwrap();
    assert_eq!(r.column("责任人").unwrap().map(|t| t.key()), Some("actions.owner".into()));
    assert_eq!(
        m.column_decision("team-b.xlsx", "Sprint 12", "会议地点").as_deref(),
        Some("place"),
        "headers the rule does not list fall back to the catalogue"
    );
}

#[test]
fn a_key_may_name_the_file_and_the_sheet() {
    let m =
        parse_en("sheets:\n  \"a.xlsx › Sheet1\": { kind: tasks }\n  \"b.xlsx › Sheet1\": { kind: risks }\n").unwrap();
    assert_eq!(m.rule("in/a.xlsx", "Sheet1").and_then(|r| r.kind).map(|k| k.name()), Some("tasks"));
    assert_eq!(m.rule("b.xlsx", "Sheet1").and_then(|r| r.kind).map(|k| k.name()), Some("risks"));
    assert!(m.rule("c.xlsx", "Sheet1").is_none());
}

#[test]
fn headerless_columns_are_named_by_letter() {
    assert_eq!(column_name(0), "(column A)");
    assert_eq!(column_name(27), "(column AB)");
    let m = parse_en("sheets:\n  S:\n    kind: tasks\n    columns: { \"(column A)\": id }\n").unwrap();
    let r = m.rule("x.xlsx", "S").unwrap();
    assert_eq!(r.headerless().map(|(c, _)| c).collect::<Vec<_>>(), vec![0]);
}

#[test]
fn mistakes_are_one_message_with_the_line_and_the_choices() {
    let e = parse_en("sheets:\n  S:\n    kind: taskz\n").unwrap_err();
    assert_eq!(e.line, Some(3));
    assert!(e.message.contains("taskz") && e.hint.as_deref().unwrap().contains("requirements"), "{e}");

    let e = parse_en("sheets:\n  S:\n    kind: tasks\n    columns:\n      Who: ownr\n").unwrap_err();
    assert_eq!(e.line, Some(5));
    assert!(e.message.contains("ownr") && e.hint.as_deref().unwrap().contains("owner"), "{e}");

    let e =
        parse_en("sheets:\n  S:\n    kind: risks\n    values:\n      status: { Monitoring: watching }\n").unwrap_err();
    assert_eq!(e.line, Some(5));
    assert!(e.message.contains("watching") && e.hint.as_deref().unwrap().contains("in_progress"), "{e}");

    let e = parse_en("sheets:\n  S:\n    kind: risks\n    values:\n      owner: { A: b }\n").unwrap_err();
    assert!(e.message.contains("not an enumeration"), "{e}");

    let e = parse_en("sheets:\n  S:\n    kind: risks\n    ids: \"R-1\"\n").unwrap_err();
    assert_eq!(e.line, Some(4));
    assert!(e.message.contains("{row}"), "{e}");

    let e = parse_en("sheets:\n  S:\n    kind: risks\n    header: 3\n").unwrap_err();
    assert!(e.message.contains("header") && e.hint.as_deref().unwrap().contains("header_row"), "{e}");

    let e = parse_en("tsks:\n  A: name\n").unwrap_err();
    assert_eq!(e.line, Some(1));
    assert!(e.hint.as_deref().unwrap().contains("tasks"), "{e}");

    let e = parse_en("sheets:\n  S:\n    kind: risks\n    dates: DD/MM\n").unwrap_err();
    assert!(e.message.contains("DMY"), "{e}");

    let e = parse_en("sheets:\n  S:\n  kind: [\n").unwrap_err();
    assert!(e.line.is_some() && e.message.starts_with("YAML syntax error"), "{e}");
    assert!(!e.message.contains("invalid type"), "{e}");
}

#[test]
fn mistakes_speak_the_users_language() {
    let e = Mapping::parse(
        "sheets:\n  S:\n    kind: risks\n    values:\n      status: { 监控中: 观察 }\n",
        "m.yaml",
        Lang::ZhCn,
    )
    .unwrap_err();
    assert!(e.message.contains("不是字段"), "{e}");
    assert!(e.to_string().starts_with("m.yaml:5:"), "{e}");
}

#[test]
fn dates_reorder_by_the_declared_order() {
    assert_eq!(reorder_date("01.12.15", DateOrder::Dmy).as_deref(), Some("2015-12-01"));
    assert_eq!(reorder_date("12/31/2024 14:00", DateOrder::Mdy).as_deref(), Some("2024-12-31 14:00"));
    assert_eq!(reorder_date("24/7/15", DateOrder::Ymd).as_deref(), Some("2024-07-15"));
    assert_eq!(reorder_date("31/12/2024", DateOrder::Mdy), None);
    assert_eq!(reorder_date("2024年7月15日", DateOrder::Dmy), None);
}
