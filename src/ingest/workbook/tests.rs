use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

use super::*;
use crate::diag::Severity;
use crate::ingest::RawRecord;
use crate::schema::Schema;

fn ctx(lang: Lang) -> Ctx {
    Ctx::new(lang, NaiveDate::from_ymd_opt(2024, 10, 20).unwrap(), Schema::default())
}

fn read_in(path: &Path, lang: Lang) -> FileRead {
    let display: Arc<str> = Arc::from(path.file_name().unwrap().to_string_lossy().as_ref());
    read(path, &display, &ctx(lang))
}

fn read_zh(path: &Path) -> FileRead {
    read_in(path, Lang::ZhCn)
}

/// Writes text rows from (top, left); empty strings are left blank.
fn put(ws: &mut Worksheet, top: u32, left: u16, rows: &[&[&str]]) {
    for (i, row) in rows.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(top + i as u32, left + j as u16, *v).unwrap();
            }
        }
    }
}

fn date(y: u16, m: u8, d: u8) -> ExcelDateTime {
    ExcelDateTime::from_ymd(y, m, d).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_time(NaiveTime::MIN)
}

fn cell<'a>(rec: &'a RawRecord, key: &str) -> Option<&'a Cell> {
    rec.fields.iter().find(|f| f.key == key).map(|f| &f.cell)
}

fn text(rec: &RawRecord, key: &str) -> String {
    cell(rec, key).map(Cell::display).unwrap_or_default()
}

fn at(rec: &RawRecord, key: &str) -> String {
    rec.fields.iter().find(|f| f.key == key).and_then(|f| f.loc.cell.clone()).unwrap_or_default()
}

fn of_kind<'a>(read: &'a FileRead, kind: &str) -> Vec<&'a RawRecord> {
    read.records.iter().filter(|r| r.kind.key == kind).collect()
}

fn codes(read: &FileRead) -> Vec<&'static str> {
    read.diags.iter().map(|d| d.code).collect()
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// seed 000 模板2, as people really lay it out: a merged title banner, a blank row,
/// the table starting in column B, real dates, a %-formatted progress column and a
/// 填表说明 block under the table.
fn seed_task_book(path: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("任务分工与进度跟踪表").unwrap();
    let bold = Format::new().set_bold();
    ws.merge_range(0, 1, 0, 11, "2024年Q3新品上市推广 任务分工与进度跟踪表", &bold).unwrap();
    let headers: &[&str] = &[
        "任务ID",
        "子任务名称",
        "负责部门/人",
        "协作部门/人",
        "计划开始时间",
        "计划结束时间",
        "实际完成时间",
        "当前状态",
        "完成比例",
        "交付成果",
        "优先级",
    ];
    put(ws, 2, 1, &[headers]);
    let df = Format::new().set_num_format("yyyy-mm-dd");
    let pct = Format::new().set_num_format("0%");
    let rows = [
        (
            "1.1",
            "活动方案设计",
            "市场部*",
            "产品部*",
            (7, 15),
            (7, 25),
            Some((7, 24)),
            "已完成",
            1.0,
            "《推广活动方案V1.0》",
            "P0",
        ),
        (
            "1.2",
            "产品卖点提炼",
            "产品部*",
            "市场部*",
            (7, 16),
            (7, 20),
            Some((7, 20)),
            "已完成",
            1.0,
            "《产品核心卖点清单》",
            "P0",
        ),
        (
            "2.1",
            "宣传物料制作",
            "设计部*",
            "市场部*",
            (7, 26),
            (8, 5),
            Some((8, 6)),
            "阻塞",
            0.6,
            "海报、宣传册(待修改)",
            "P1",
        ),
        (
            "3.1",
            "渠道对接",
            "销售部*",
            "渠道商A公司*",
            (7, 20),
            (7, 30),
            Some((7, 31)),
            "已完成",
            1.0,
            "《渠道合作协议》",
            "P0",
        ),
    ];
    for (i, t) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        put(ws, r, 1, &[&[t.0, t.1, t.2, t.3]]);
        ws.write_datetime_with_format(r, 5, date(2024, t.4.0, t.4.1), &df).unwrap();
        ws.write_datetime_with_format(r, 6, date(2024, t.5.0, t.5.1), &df).unwrap();
        if let Some((m, d)) = t.6 {
            ws.write_datetime_with_format(r, 7, date(2024, m, d), &df).unwrap();
        }
        ws.write_string(r, 8, t.7).unwrap();
        ws.write_number_with_format(r, 9, t.8, &pct).unwrap();
        put(ws, r, 10, &[&[t.9, t.10]]);
    }
    put(ws, 8, 1, &[&["填表说明:1.任务ID按层级编号;2.日期格式为YYYY-MM-DD"], &["9.9", "不应读取的行"]]);
    wb.save(path).unwrap();
}

#[test]
fn seed_task_table_under_a_title_banner_reads_every_task_with_absolute_cells() {
    let dir = tmp();
    let path = dir.path().join("计划表.xlsx");
    seed_task_book(&path);
    let read = read_zh(&path);
    assert!(read.diags.is_empty(), "{:#?}", read.diags);
    let tasks = of_kind(&read, "task");
    let ids: Vec<String> = tasks.iter().map(|t| text(t, "id")).collect();
    // seed 000 模板2: four tasks; the notes block ends the table.
    assert_eq!(ids, ["1.1", "1.2", "2.1", "3.1"]);
    let t = tasks[0];
    assert_eq!(t.loc.to_string(), "计划表.xlsx › 任务分工与进度跟踪表 › B4");
    assert_eq!(text(t, "owner"), "市场部*");
    assert_eq!(at(t, "owner"), "D4");
    assert_eq!(cell(t, "planned_start"), Some(&Cell::DateTime { value: day(2024, 7, 15), time: false }));
    assert_eq!(cell(t, "progress"), Some(&Cell::Number { value: 1.0, percent: true }));
    assert_eq!(cell(tasks[2], "progress").map(Cell::display).as_deref(), Some("60%"));
    assert_eq!(text(tasks[2], "status"), "阻塞");
    assert_eq!(text(tasks[3], "priority"), "P0");
}

/// seed 000 模板3 on a sheet named `Sheet1`: recognised by its headers; text dates stay
/// text for typing; an unknown column is kept as extra and reported once.
#[test]
fn risk_register_is_found_by_its_headers_and_keeps_unknown_columns_as_extra() {
    let dir = tmp();
    let path = dir.path().join("风险.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    put(
        ws,
        0,
        0,
        &[
            &[
                "记录ID",
                "风险/问题描述",
                "影响等级",
                "责任部门/人",
                "发生时间",
                "计划解决时间",
                "实际解决时间",
                "解决措施",
                "处理结果",
                "风险系数",
            ],
            &[
                "001",
                "宣传物料设计不符合品牌规范",
                "高",
                "设计部*",
                "2024-08-06",
                "2024-08-07",
                "2024-08-07",
                "重新设计,增加品牌审核环节",
                "已解决",
                "0.3",
            ],
            &[
                "002",
                "数据监测系统响应延迟",
                "中",
                "技术部*",
                "2024-08-08",
                "2024-08-10",
                "2024-08-09",
                "升级服务器,优化数据接口",
                "已解决",
                "0.2",
            ],
            &[],
            &[
                "003",
                "线下活动场地临时取消",
                "高",
                "运营部*",
                "2024-08-15",
                "2024-08-16",
                "2024-08-16",
                "启用备用场地,同步调整通知用户",
                "已解决",
                "",
            ],
        ],
    );
    wb.save(&path).unwrap();
    let read = read_zh(&path);
    let risks = of_kind(&read, "risk");
    assert_eq!(risks.iter().map(|r| text(r, "id")).collect::<Vec<_>>(), ["001", "002", "003"]);
    assert_eq!(cell(risks[0], "raised_on"), Some(&Cell::Text("2024-08-06".into())));
    assert_eq!(text(risks[0], "result"), "已解决");
    assert_eq!(risks[0].extra, [("风险系数".to_string(), "0.3".to_string())]);
    assert!(risks[2].extra.is_empty());
    let extra: Vec<&Diagnostic> = read.diags.iter().filter(|d| d.code == "extra").collect();
    assert_eq!(extra.len(), 1, "one info per column, not per row: {:#?}", read.diags);
    assert_eq!(extra[0].severity, Severity::Info);
    assert_eq!(extra[0].loc.cell.as_deref(), Some("J1"));
    assert_eq!(extra[0].value.as_deref(), Some("风险系数"));
    assert!(extra[0].message.contains("风险系数"), "{}", extra[0].message);
}

#[test]
fn unmatched_header_gets_suggestions_and_a_duplicate_header_keeps_the_first_column() {
    let dir = tmp();
    let path = dir.path().join("t.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Tasks").unwrap();
    put(
        ws,
        0,
        0,
        &[
            &["Task ID", "Task", "Owner", "Status", "Status", "Planned strt"],
            &["1", "Kick-off", "PMO / Li Na", "Done", "In progress", "2024-07-01"],
        ],
    );
    wb.save(&path).unwrap();
    let read = read_in(&path, Lang::En);
    let t = of_kind(&read, "task")[0];
    assert_eq!(text(t, "status"), "Done");
    assert!(t.extra.contains(&("Status".to_string(), "In progress".to_string())));
    let dup = read.diags.iter().find(|d| d.loc.cell.as_deref() == Some("E1")).expect("duplicate reported");
    assert_eq!(dup.field.as_deref(), Some("status"));
    assert!(dup.message.contains("column D"), "{}", dup.message);
    let typo = read.diags.iter().find(|d| d.loc.cell.as_deref() == Some("F1")).expect("unmatched reported");
    assert!(typo.hint.as_deref().unwrap_or("").contains("planned_start"), "{typo:#?}");
}

#[test]
fn a_column_headed_by_the_fields_label_wins_over_an_alias() {
    let dir = tmp();
    let path = dir.path().join("t.xlsx");
    let mut wb = Workbook::new();
    put(
        wb.add_worksheet().set_name("任务").unwrap(),
        0,
        0,
        &[&["序号", "任务ID", "子任务名称"], &["1", "1.1", "方案"]],
    );
    wb.save(&path).unwrap();
    let read = read_zh(&path);
    let t = of_kind(&read, "task")[0];
    assert_eq!(text(t, "id"), "1.1");
    assert_eq!(t.extra, [("序号".to_string(), "1".to_string())]);
    assert_eq!(codes(&read), ["extra"]);
    assert!(read.diags[0].message.contains(" B "), "{}", read.diags[0].message);
}

/// seed 000 模板1 as a three-column form (字段名称 | 填写说明 | 示例): the value is the
/// example column, never the instructions.
#[test]
fn requirement_form_skips_the_instructions_column() {
    let dir = tmp();
    let path = dir.path().join("需求.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("需求登记表").unwrap();
    ws.merge_range(0, 0, 0, 2, "跨部门协作需求登记表", &Format::new()).unwrap();
    put(
        ws,
        1,
        0,
        &[
            &["字段名称", "填写说明", "示例"],
            &["需求编号", "按年份+部门+序号编制(如“2024-MKT-001”)", "2024-MKT-001"],
            &["发起部门", "提出需求的部门", "市场部"],
            &["发起人", "需求对接人(姓名用*代替)", "*"],
            &["协作主题", "需求核心内容(简洁明了)", "2024年Q3新品上市推广"],
            &["目标描述", "需达成的具体目标(可量化)", "3个月内实现新品销售额500万元"],
            &["涉及部门", "需协作的内部/外部部门", "产品部、销售部、设计部、渠道商A公司"],
            &["时间节点", "计划开始/结束时间(精确到日)", "2024-07-15至2024-09-30"],
            &["需求优先级", "高(P0)/中(P1)/低(P2)", "P0"],
            &["需求状态", "待评审/已确认/执行中/已完成/已驳回", "待评审"],
            &["备注", "其他说明(如特殊要求、限制条件)", "需保证活动符合最新广告法规定"],
        ],
    );
    wb.save(&path).unwrap();
    let read = read_zh(&path);
    assert!(read.diags.is_empty(), "{:#?}", read.diags);
    let [req] = of_kind(&read, "requirement")[..] else { panic!("{:#?}", read.records) };
    assert_eq!(text(req, "id"), "2024-MKT-001");
    assert_eq!(at(req, "id"), "C3");
    assert_eq!(req.loc.cell.as_deref(), Some("A3"));
    assert_eq!(text(req, "initiator"), "*");
    assert_eq!(text(req, "start"), "2024-07-15至2024-09-30");
    assert_eq!(text(req, "priority"), "P0");
    assert_eq!(text(req, "notes"), "需保证活动符合最新广告法规定");
}

/// Without a header row, a cell repeating the seed's own help text is not taken as the value.
#[test]
fn form_value_skips_the_seeds_help_text_without_a_header() {
    let dir = tmp();
    let path = dir.path().join("req.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("需求表").unwrap();
    put(
        ws,
        0,
        0,
        &[
            &["需求编号", "按年份+部门+序号编制(如“2024-MKT-001”)", "2024-MKT-002"],
            &["发起部门：", "销售部"],
            &["协作主题：新品推广"],
        ],
    );
    wb.save(&path).unwrap();
    let read = read_zh(&path);
    let req = of_kind(&read, "requirement")[0];
    assert_eq!(text(req, "id"), "2024-MKT-002");
    assert_eq!(text(req, "department"), "销售部");
    // `label：value` in one cell.
    assert_eq!(text(req, "title"), "新品推广");
    assert_eq!(at(req, "title"), "A3");
}

/// Text over several rows is one text; a single value given twice keeps the first.
#[test]
fn continued_text_joins_and_a_repeated_single_value_keeps_the_first() {
    let dir = tmp();
    let path = dir.path().join("m.xlsx");
    let mut wb = Workbook::new();
    put(
        wb.add_worksheet().set_name("会议纪要").unwrap(),
        0,
        0,
        &[
            &["会议主题", "周例会"],
            &["会议时间", "2024-09-05 14:00"],
            &["讨论内容摘要", "1.进展回顾"],
            &["", "2.问题讨论"],
            &["会议时间", "2024-09-06 14:00"],
        ],
    );
    wb.save(&path).unwrap();
    let read = read_in(&path, Lang::En);
    let m = of_kind(&read, "meeting")[0];
    assert_eq!(cell(m, "summary"), Some(&Cell::Text("1.进展回顾\n2.问题讨论".into())));
    assert_eq!(text(m, "start"), "2024-09-05 14:00");
    assert_eq!(m.extra, [("Time".to_string(), "2024-09-06 14:00".to_string())]);
    let d = read.diags.iter().find(|d| d.code == "extra").expect("duplicate reported");
    assert_eq!(d.loc.cell.as_deref(), Some("B5"));
    assert!(d.message.contains("B2"), "{}", d.message);
}

/// seed 000 模板4: label/value pairs side by side, a label merged over two rows of metrics,
/// and the 各部门负责人签字 block as a sign-off sub-table.
#[test]
fn retrospective_form_reads_side_by_side_pairs_merged_labels_and_signoffs() {
    let dir = tmp();
    let path = dir.path().join("复盘.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("成果验收与复盘表").unwrap();
    let f = Format::new();
    ws.merge_range(0, 0, 0, 4, "成果验收与复盘表", &f).unwrap();
    put(ws, 1, 0, &[&["项目名称", "2024年Q3新品上市推广活动", "验收日期"]]);
    ws.write_datetime_with_format(1, 3, date(2024, 10, 10), &Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\""))
        .unwrap();
    put(ws, 2, 0, &[&["发起部门", "市场部", "验收小组", "市场部、销售部、产品部*"]]);
    ws.merge_range(3, 0, 4, 0, "目标达成情况", &f).unwrap();
    ws.merge_range(3, 1, 3, 4, "销售额520万元(目标500万元,超额4%)", &f).unwrap();
    ws.merge_range(4, 1, 4, 4, "用户参与量15万人次(目标12万人次,超额25%)", &f).unwrap();
    put(
        ws,
        5,
        0,
        &[
            &["交付成果清单", "1.《推广活动总结报告》\n2.《销售数据统计表》\n3.用户反馈分析报告"],
            &["成果质量评价", "优秀(方案执行到位,数据完整)"],
            &["协作亮点", "1.跨部门周例会机制高效,信息同步及时"],
            &["", "2.风险预案完善,场地问题2小时内解决"],
            &["存在问题", "1.数据监测反馈延迟,影响实时决策"],
            &["改进措施", "1.建立“数据日报机制”,指定技术部*专人负责监测"],
            &["复盘人", "市场部*", "复盘日期", "2024-10-15"],
            &[],
            &["各部门负责人签字"],
            &["签字阶段", "部门", "姓名", "意见", "日期"],
            &["成果验收", "市场部", "*", "同意", "2024-10-10"],
            &["成果验收", "销售部", "*", "有条件同意", "2024-10-11"],
        ],
    );
    wb.save(&path).unwrap();
    let read = read_zh(&path);
    assert!(read.diags.is_empty(), "{:#?}", read.diags);
    let [retro] = of_kind(&read, "retrospective")[..] else { panic!("{:#?}", read.records) };
    assert_eq!(text(retro, "project"), "2024年Q3新品上市推广活动");
    assert_eq!(cell(retro, "accepted_on"), Some(&Cell::DateTime { value: day(2024, 10, 10), time: false }));
    assert_eq!(at(retro, "accepted_on"), "D2");
    assert_eq!(text(retro, "panel"), "市场部、销售部、产品部*");
    assert_eq!(
        cell(retro, "metrics"),
        Some(&Cell::List(vec![
            Cell::Text("销售额520万元(目标500万元,超额4%)".into()),
            Cell::Text("用户参与量15万人次(目标12万人次,超额25%)".into()),
        ]))
    );
    assert_eq!(at(retro, "metrics"), "B4");
    // A value continuing on the next row under an empty label cell.
    assert!(matches!(cell(retro, "highlights"), Some(Cell::List(v)) if v.len() == 2));
    assert_eq!(text(retro, "quality"), "优秀(方案执行到位,数据完整)");
    assert_eq!(text(retro, "reviewer"), "市场部*");
    assert_eq!(text(retro, "reviewed_on"), "2024-10-15");
    let signoffs = of_kind(&read, "signoff");
    assert_eq!(signoffs.len(), 2);
    assert_eq!(text(signoffs[1], "decision"), "有条件同意");
    assert_eq!(signoffs[0].loc.cell.as_deref(), Some("A16"));
    // Records come in file order: the form, then its sign-offs.
    assert_eq!(read.records[0].kind.key, "retrospective");
}

fn meeting_sheet(ws: &mut Worksheet, title: &str, day: &str) {
    put(
        ws,
        0,
        0,
        &[
            &["会议主题", title],
            &["会议类型", "阶段性复盘会"],
            &["会议时间", day],
            &["地点", "3楼会议室"],
            &["主持人", "市场部*"],
            &["参会人员"],
            &["姓名", "部门", "角色"],
            &["赵六", "财务部", "核心决策者"],
            &["孙七", "销售部", "执行负责人"],
            &[],
            &["议题", "讨论目标", "预计时长(分钟)", "负责人"],
            &["上次行动项进展回顾", "确认完成情况", "10", "主持人"],
            &["Q3市场推广预算分配方案讨论", "确定预算分配", "30", "财务部*"],
            &[],
            &["讨论内容摘要", "1.市场部汇报活动整体框架;2.销售部提出渠道分成优化建议"],
            &["决议事项", "1.活动周期定为11.1-11.11"],
            &["行动项清单"],
            &["序号", "任务描述", "负责人", "截止日期", "交付标准", "优先级", "备注"],
            &["1", "整理Q3预算分配表", "赵六", "2023-06-30", "包含各部门额度、使用场景、KPI", "高", ""],
            &["2", "收集销售终端反馈", "孙七", "2023-07-05", "提交10个典型案例及改进建议", "高", "加急"],
            &["下次会议时间", "2023-07-15 10:00"],
            &[],
            &["签字阶段", "部门", "姓名", "意见", "日期"],
            &["纪要确认", "市场部", "*", "同意", "2023-06-20"],
        ],
    );
}

/// seed 001: a meeting form with attendee, agenda and action sub-tables and a sign-off
/// block; two meeting sheets are two meetings.
#[test]
fn meeting_forms_read_sub_tables_under_their_parent_fields() {
    let dir = tmp();
    let path = dir.path().join("会议.xlsx");
    let mut wb = Workbook::new();
    meeting_sheet(wb.add_worksheet().set_name("会议纪要1").unwrap(), "预算评审会", "2023年6月20日14:00-16:00");
    meeting_sheet(wb.add_worksheet().set_name("18.8.27").unwrap(), "复盘会", "2023年7月15日10:00-11:00");
    wb.save(&path).unwrap();
    let read = read_zh(&path);
    let meetings = of_kind(&read, "meeting");
    assert_eq!(meetings.len(), 2, "{:#?}", read.records);
    let m = meetings[0];
    assert_eq!(text(m, "title"), "预算评审会");
    assert_eq!(text(m, "start"), "2023年6月20日14:00-16:00");
    assert_eq!(text(m, "next_meeting"), "2023-07-15 10:00");
    assert_eq!(text(meetings[1], "title"), "复盘会");
    let sub = |key: &str| m.subs.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()).unwrap_or_default();
    let attendees = sub("attendees");
    assert_eq!(attendees.iter().map(|a| text(a, "name")).collect::<Vec<_>>(), ["赵六", "孙七"]);
    assert_eq!(text(&attendees[0], "role"), "核心决策者");
    let agenda = sub("agenda");
    assert_eq!(agenda.len(), 2);
    assert_eq!(text(&agenda[1], "minutes"), "30");
    let actions = sub("actions");
    assert_eq!(actions.len(), 2);
    assert_eq!(text(&actions[0], "description"), "整理Q3预算分配表");
    assert_eq!(text(&actions[0], "due"), "2023-06-30");
    assert_eq!(actions[0].loc.cell.as_deref(), Some("A19"));
    assert_eq!(actions[1].extra, [("备注".to_string(), "加急".to_string())]);
    // The action table ended at the 下次会议时间 label, not at a blank row.
    assert!(cell(m, "next_meeting").is_some());
    let signoffs = of_kind(&read, "signoff");
    assert_eq!(signoffs.len(), 2);
    assert_eq!(text(signoffs[0], "stage"), "纪要确认");
    // One `extra` info for the 备注 column per sheet.
    assert_eq!(codes(&read), ["extra", "extra"], "{:#?}", read.diags);
}

/// Traditional-Chinese headers on an unnamed sheet, text dates, data starting in column C.
#[test]
fn traditional_chinese_task_table_is_recognised_by_headers() {
    let dir = tmp();
    let path = dir.path().join("進度.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("工作表1").unwrap();
    put(
        ws,
        3,
        2,
        &[
            &[
                "任務ID",
                "子任務名稱",
                "負責部門/人",
                "協作部門/人",
                "計劃開始時間",
                "計劃結束時間",
                "實際完成時間",
                "當前狀態",
                "交付成果",
                "優先級",
            ],
            &[
                "1.1",
                "活動方案設計",
                "市場部*",
                "產品部*",
                "2024/7/15",
                "2024/7/25",
                "2024/7/24",
                "已完成",
                "《推廣活動方案V1.0》",
                "P0",
            ],
            &[
                "1.2",
                "產品賣點提煉",
                "產品部*",
                "市場部*",
                "2024/7/16",
                "2024/7/20",
                "",
                "進行中",
                "《產品核心賣點清單》",
                "P0",
            ],
        ],
    );
    wb.save(&path).unwrap();
    let read = read_in(&path, Lang::ZhTw);
    assert!(read.diags.is_empty(), "{:#?}", read.diags);
    let tasks = of_kind(&read, "task");
    assert_eq!(tasks.len(), 2);
    assert_eq!(text(tasks[0], "owner"), "市場部*");
    assert_eq!(text(tasks[1], "status"), "進行中");
    assert_eq!(at(tasks[1], "planned_end"), "H6");
    assert!(cell(tasks[1], "actual_end").is_none());
}

/// A vertical merge means "same as above" for every row it covers; a two-level header
/// (`计划` over `开始 | 结束`) names 计划开始时间 / 计划结束时间.
#[test]
fn vertical_merges_fill_down_and_two_level_headers_join() {
    let dir = tmp();
    let path = dir.path().join("plan.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("进度跟踪表").unwrap();
    let f = Format::new();
    ws.merge_range(0, 0, 0, 5, "项目进度跟踪表", &f).unwrap();
    ws.merge_range(1, 0, 2, 0, "任务ID", &f).unwrap();
    ws.merge_range(1, 1, 2, 1, "子任务名称", &f).unwrap();
    ws.merge_range(1, 2, 2, 2, "负责部门/人", &f).unwrap();
    ws.merge_range(1, 3, 1, 4, "计划", &f).unwrap();
    put(ws, 2, 3, &[&["开始", "结束"]]);
    ws.merge_range(1, 5, 2, 5, "当前状态", &f).unwrap();
    put(ws, 3, 0, &[&["1.1", "活动方案设计", "", "2024-07-15", "2024-07-25", "已完成"]]);
    put(ws, 4, 0, &[&["1.2", "物料清单", "", "2024-07-16", "2024-07-20", "进行中"]]);
    ws.merge_range(3, 2, 4, 2, "市场部*", &f).unwrap();
    put(ws, 5, 0, &[&["2.1", "渠道对接", "销售部*", "2024-07-20", "2024-07-30", "未开始"]]);
    wb.save(&path).unwrap();
    let read = read_zh(&path);
    assert!(read.diags.is_empty(), "{:#?}", read.diags);
    let tasks = of_kind(&read, "task");
    assert_eq!(tasks.len(), 3);
    assert_eq!(text(tasks[0], "planned_start"), "2024-07-15");
    assert_eq!(text(tasks[0], "planned_end"), "2024-07-25");
    assert_eq!(text(tasks[1], "owner"), "市场部*");
    assert_eq!(at(tasks[1], "owner"), "C5");
    assert_eq!(text(tasks[2], "owner"), "销售部*");
}

/// seed 003 (二) 项目进度跟踪表: 负责部门 and 负责人 in two columns make one owner.
#[test]
fn department_and_person_columns_join_into_one_party() {
    let dir = tmp();
    let path = dir.path().join("track.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("项目进度跟踪表").unwrap();
    put(
        ws,
        0,
        0,
        &[
            &["子任务名称", "负责部门", "负责人", "当前状态", "完成比例", "下一步计划", "存在问题", "更新时间"],
            &["用户调研问卷设计", "市场部", "*", "已完成", "100%", "整理调研数据", "无", "2023-09-10 17:00"],
        ],
    );
    wb.save(&path).unwrap();
    let read = read_zh(&path);
    let t = of_kind(&read, "task")[0];
    assert_eq!(text(t, "owner"), "市场部/*");
    assert_eq!(text(t, "progress"), "100%");
    assert!(read.diags.is_empty(), "{:#?}", read.diags);
}

#[test]
fn banner_rows_help_rows_and_repeated_headers_inside_a_table_are_not_records() {
    let dir = tmp();
    let path = dir.path().join("t.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("任务").unwrap();
    put(
        ws,
        0,
        0,
        &[
            &["任务ID", "子任务名称", "负责部门/人"],
            &["层级编号,如1、1.1、2.1.3", "可执行的子任务", "唯一主负责人,如“市场部*”"],
            &["1.1", "方案", "市场部*"],
        ],
    );
    ws.merge_range(3, 0, 3, 2, "二、执行阶段", &Format::new()).unwrap();
    put(ws, 4, 0, &[&["任务ID", "子任务名称", "负责部门/人"], &["2.1", "执行", "销售部*"]]);
    wb.save(&path).unwrap();
    let read = read_zh(&path);
    let ids: Vec<String> = of_kind(&read, "task").iter().map(|t| text(t, "id")).collect();
    assert_eq!(ids, ["1.1", "2.1"]);
}

#[test]
fn no_pmo_sheet_is_one_no_records_error_and_a_stray_sheet_beside_a_form_is_reported_as_skipped() {
    let dir = tmp();
    let none = dir.path().join("none.xlsx");
    let mut wb = Workbook::new();
    put(wb.add_worksheet().set_name("Budget").unwrap(), 0, 0, &[&["Quarter", "Amount"], &["Q1", "10"]]);
    put(wb.add_worksheet().set_name("Notes").unwrap(), 0, 0, &[&["hello"]]);
    wb.add_worksheet();
    wb.save(&none).unwrap();
    let read = read_in(&none, Lang::En);
    assert!(read.records.is_empty());
    assert_eq!(read.diags[0].code, "no-records");
    assert_eq!(read.diags[0].severity, Severity::Error);
    assert!(read.diags[0].message.contains("Budget"), "{}", read.diags[0].message);
    assert!(read.diags[0].hint.as_deref().unwrap().contains("dossier map suggest"), "{:?}", read.diags[0].hint);
    assert!(
        read.diags[1..].iter().all(|d| d.code == "sheet-skipped" && d.severity == Severity::Info),
        "{:#?}",
        read.diags
    );

    let some = dir.path().join("some.xlsx");
    let mut wb = Workbook::new();
    put(wb.add_worksheet().set_name("任务").unwrap(), 0, 0, &[&["任务ID", "子任务名称"], &["1", "方案"]]);
    put(wb.add_worksheet().set_name("Lists").unwrap(), 0, 0, &[&["未开始"], &["进行中"]]);
    let hidden = wb.add_worksheet().set_name("风险").unwrap();
    put(hidden, 0, 0, &[&["记录ID", "风险/问题描述"], &["001", "x"]]);
    hidden.set_very_hidden(true);
    wb.save(&some).unwrap();
    let read = read_in(&some, Lang::En);
    assert_eq!(read.records.len(), 1, "very hidden sheets are not read");
    assert_eq!(codes(&read), ["sheet-skipped"]);
    assert_eq!(read.diags[0].loc.sheet.as_deref(), Some("Lists"));
}

#[test]
fn a_sheet_named_like_a_table_without_a_header_row_says_so() {
    let dir = tmp();
    let path = dir.path().join("t.xlsx");
    let mut wb = Workbook::new();
    put(wb.add_worksheet().set_name("任务分工").unwrap(), 0, 0, &[&["本周无任务"]]);
    put(wb.add_worksheet().set_name("风险").unwrap(), 0, 0, &[&["记录ID", "影响等级"], &["1", "高"]]);
    wb.save(&path).unwrap();
    let read = read_in(&path, Lang::En);
    let d = read.diags.iter().find(|d| d.code == "sheet-skipped").expect("skipped");
    assert!(d.message.contains("header row"), "{}", d.message);
    assert!(d.hint.as_deref().unwrap_or("").contains("Task ID"), "{d:#?}");
}

#[test]
fn huge_sparse_sheet_is_read_quickly_and_reported_as_truncated() {
    let dir = tmp();
    let path = dir.path().join("big.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("任务").unwrap();
    put(ws, 0, 0, &[&["任务ID", "子任务名称", "负责部门/人"], &["1.1", "方案", "市场部*"]]);
    ws.write_string(0, 16_383, "XFD1").unwrap();
    ws.write_string(999_999, 0, "far below").unwrap();
    ws.write_string(1_048_575, 16_383, "last cell").unwrap();
    wb.save(&path).unwrap();
    let t = Instant::now();
    let read = read_zh(&path);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(of_kind(&read, "task").len(), 1);
    assert_eq!(codes(&read), ["sheet-truncated"]);
    assert_eq!(read.diags[0].severity, Severity::Warning);
}

/// Formatted but empty cells below the cap (a whole formatted column) are not content.
#[test]
fn formatted_blank_rows_are_not_content() {
    let dir = tmp();
    let path = dir.path().join("fmt.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("任务").unwrap();
    put(ws, 0, 0, &[&["任务ID", "子任务名称"], &["1.1", "方案"]]);
    let f = Format::new().set_background_color("FFFF00");
    for r in 1..25_000 {
        ws.write_blank(r, 2, &f).unwrap();
    }
    wb.save(&path).unwrap();
    let read = read_zh(&path);
    assert_eq!(of_kind(&read, "task").len(), 1);
    assert!(read.diags.is_empty(), "{:#?}", read.diags);
}

// ---- hand-made packages for what rust_xlsxwriter cannot write (1904 dates, formulas
// without a saved value, encryption)

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A ZIP with stored (uncompressed) entries.
fn zip(path: &Path, entries: &[(&str, String)]) {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, body) in entries {
        let (name, body) = (name.as_bytes(), body.as_bytes());
        let offset = out.len() as u32;
        let crc = crc32(body);
        let mut local = vec![0x50, 0x4B, 0x03, 0x04, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        local.extend(crc.to_le_bytes());
        local.extend((body.len() as u32).to_le_bytes());
        local.extend((body.len() as u32).to_le_bytes());
        local.extend((name.len() as u16).to_le_bytes());
        local.extend(0u16.to_le_bytes());
        out.extend(&local);
        out.extend(name);
        out.extend(body);
        let mut c = vec![0x50, 0x4B, 0x01, 0x02, 20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        c.extend(crc.to_le_bytes());
        c.extend((body.len() as u32).to_le_bytes());
        c.extend((body.len() as u32).to_le_bytes());
        c.extend((name.len() as u16).to_le_bytes());
        c.extend([0u8; 12]);
        c.extend(offset.to_le_bytes());
        central.extend(c);
        central.extend(name);
    }
    let (cd_offset, cd_len) = (out.len() as u32, central.len() as u32);
    out.extend(&central);
    out.extend([0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0]);
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend(cd_len.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    std::fs::write(path, out).unwrap();
}

/// A one-sheet xlsx; `sheet_data` is the `<sheetData>` content, styles: 1 = date, 2 = 0%.
fn raw_xlsx(path: &Path, sheet: &str, date1904: bool, sheet_data: &str) {
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let pr = if date1904 { r#"<workbookPr date1904="1"/>"# } else { "" };
    zip(
        path,
        &[
            (
                "[Content_Types].xml",
                String::from(
                    r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#,
                ),
            ),
            (
                "_rels/.rels",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/workbook.xml",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">{pr}<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                ),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/styles.xml",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{main}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="9" applyNumberFormat="1"/></cellXfs></styleSheet>"#
                ),
            ),
            (
                "xl/worksheets/sheet1.xml",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>{sheet_data}</sheetData></worksheet>"#
                ),
            ),
        ],
    );
}

fn s(cell: &str, text: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

#[test]
fn dates_of_a_1904_workbook_read_as_the_same_calendar_dates() {
    let dir = tmp();
    let path = dir.path().join("mac.xlsx");
    // 2024-07-15 is serial 45488 in the 1900 system and 44026 in the 1904 one.
    let data = format!(
        r#"<row r="1">{}{}{}</row><row r="2">{}{}<c r="C2" s="1"><v>44026</v></c></row>"#,
        s("A1", "任务ID"),
        s("B1", "子任务名称"),
        s("C1", "计划开始时间"),
        s("A2", "1.1"),
        s("B2", "方案"),
    );
    raw_xlsx(&path, "任务", true, &data);
    let read = read_zh(&path);
    assert!(read.diags.is_empty(), "{:#?}", read.diags);
    let t = of_kind(&read, "task")[0];
    assert_eq!(cell(t, "planned_start"), Some(&Cell::DateTime { value: day(2024, 7, 15), time: false }));
}

#[test]
fn a_formula_without_a_saved_result_is_a_warning_and_an_error_cell() {
    let dir = tmp();
    let path = dir.path().join("f.xlsx");
    let data = format!(
        r#"<row r="1">{}{}{}{}</row><row r="2">{}{}<c r="C2" s="2"><f>D2/2</f></c><c r="D2" s="2"><f>1-0.2</f><v>0.8</v></c></row>"#,
        s("A1", "任务ID"),
        s("B1", "子任务名称"),
        s("C1", "完成比例"),
        s("D1", "进度备查"),
        s("A2", "1.1"),
        s("B2", "方案"),
    );
    raw_xlsx(&path, "任务", false, &data);
    let read = read_zh(&path);
    let t = of_kind(&read, "task")[0];
    assert_eq!(cell(t, "progress"), Some(&Cell::Error("=D2/2".into())));
    // A formula with a saved value reads as that value.
    assert_eq!(t.extra, [("进度备查".to_string(), "80%".to_string())]);
    let f: Vec<&Diagnostic> = read.diags.iter().filter(|d| d.code == "formula").collect();
    assert_eq!(f.len(), 1, "{:#?}", read.diags);
    assert_eq!(f[0].severity, Severity::Warning);
    assert_eq!(f[0].loc.cell.as_deref(), Some("C2"));
    assert_eq!(f[0].field.as_deref(), Some("progress"));
    assert_eq!(f[0].value.as_deref(), Some("=D2/2"));
}

#[test]
fn time_only_cells_read_as_clock_text() {
    assert_eq!(clock(14.0 / 24.0, false), "14:00");
    assert_eq!(clock(1.5, true), "36:00");
    let dt = calamine::ExcelDateTime::new(0.5, calamine::ExcelDateTimeType::DateTime, false);
    assert_eq!(to_cell(Data::DateTime(dt), Fmt::default()), Some(Cell::Text("12:00".into())));
    let dt = calamine::ExcelDateTime::new(45488.5, calamine::ExcelDateTimeType::DateTime, false);
    assert!(matches!(to_cell(Data::DateTime(dt), Fmt::default()), Some(Cell::DateTime { time: true, .. })));
    let dt = calamine::ExcelDateTime::new(45488.0, calamine::ExcelDateTimeType::DateTime, false);
    let with_time = Fmt { time: true, percent: false };
    assert!(matches!(to_cell(Data::DateTime(dt), with_time), Some(Cell::DateTime { time: true, .. })));
    assert_eq!(
        to_cell(Data::DateTimeIso("2024-07-15".into()), Fmt::default()),
        Some(Cell::DateTime { value: day(2024, 7, 15), time: false })
    );
    assert_eq!(to_cell(Data::String("  ".into()), Fmt::default()), None);
}

#[test]
fn number_formats_tell_percentages_and_times() {
    assert!(Fmt::of("0%").percent);
    assert!(Fmt::of("0.00%").percent);
    assert!(!Fmt::of(r#"0"%""#).percent);
    assert!(!Fmt::of(r"0\%").percent);
    assert!(!Fmt::of("General").percent && !Fmt::of("General").time);
    assert!(Fmt::of("yyyy-mm-dd hh:mm").time);
    assert!(!Fmt::of("yyyy-mm-dd").time);
    assert!(!Fmt::of(r#"yyyy"年"m"月"d"日""#).time);
    assert!(!Fmt::of("[Red]0.00;[Blue]-0.00").time);
    assert!(Fmt::of("[$-F400]h:mm:ss AM/PM").time);
}

#[test]
fn notes_blocks_are_recognised() {
    for t in ["填表说明:", "填表說明1.", "备注：以上", "備註:", "Notes", "Notes: x", "NOTE: y", "注：日期"]
    {
        assert!(crate::ingest::sheet::is_notes_start(t), "{t}");
    }
    for t in ["1.1", "Notebook", "备注", "说明书编写"] {
        assert!(!crate::ingest::sheet::is_notes_start(t), "{t}");
    }
}

// ---- files that are not workbooks

fn file_diag(read: &FileRead) -> &Diagnostic {
    assert!(read.records.is_empty());
    assert_eq!(read.diags.len(), 1, "{:#?}", read.diags);
    let d = &read.diags[0];
    assert_eq!((d.code, d.severity), ("file", Severity::Error));
    d
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
    p
}

#[test]
fn broken_and_disguised_files_give_one_specific_file_error() {
    let dir = tmp();
    let d = dir.path();
    let cases: Vec<(PathBuf, &str)> = vec![
        (write(d, "empty.xlsx", b""), "empty"),
        (write(d, "renamed.xlsx", "任务ID,子任务名称\n1.1,活动方案设计\n".as_bytes()), "text file"),
        (write(d, "page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>"), "web page"),
        (write(d, "doc.pdf.xlsx", b"%PDF-1.7\n..."), "PDF"),
        (write(d, "noise.xlsx", &[0u8, 159, 146, 150, 1, 2, 3]), "unrecognised"),
        (
            write(
                d,
                "2003.xls",
                br#"<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>"#,
            ),
            "2003",
        ),
    ];
    for (path, want) in cases {
        let read = read_in(&path, Lang::En);
        let diag = file_diag(&read);
        assert!(diag.message.contains(want), "{}: {}", path.display(), diag.message);
        assert!(diag.hint.is_some());
    }
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_refused_without_waiting() {
    let dir = tmp();
    let fifo = dir.path().join("pipe.xlsx");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    let t = Instant::now();
    file_diag(&read_in(&fifo, Lang::En));
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[test]
fn truncated_workbook_and_a_renamed_word_file_are_told_apart() {
    let dir = tmp();
    let full = dir.path().join("full.xlsx");
    seed_task_book(&full);
    let bytes = std::fs::read(&full).unwrap();
    let cut = write(dir.path(), "cut.xlsx", &bytes[..bytes.len() / 2]);
    let diag = file_diag(&read_in(&cut, Lang::En)).clone();
    assert!(diag.message.contains("damaged or incomplete"), "{}", diag.message);
    let tiny = write(dir.path(), "tiny.xlsx", b"PK\x03\x04\x14\x00\x00\x00\x08\x00");
    assert!(file_diag(&read_in(&tiny, Lang::En)).message.contains("damaged"));

    let docx = dir.path().join("letter.xlsx");
    zip(&docx, &[("[Content_Types].xml", "<Types/>".into()), ("word/document.xml", "<w:document/>".into())]);
    let diag = file_diag(&read_in(&docx, Lang::En)).clone();
    assert!(diag.message.contains("not an Excel workbook"), "{}", diag.message);
}

/// The smallest OLE container holding an `EncryptedPackage` stream, as Excel writes an
/// .xlsx saved with "Encrypt with Password".
fn encrypted(path: &Path) {
    let mut h = vec![0u8; 512];
    h[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    h[24..26].copy_from_slice(&0x3Eu16.to_le_bytes());
    h[26..28].copy_from_slice(&3u16.to_le_bytes());
    h[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    h[30..32].copy_from_slice(&9u16.to_le_bytes());
    h[32..34].copy_from_slice(&6u16.to_le_bytes());
    h[44..48].copy_from_slice(&1u32.to_le_bytes());
    h[48..52].copy_from_slice(&1u32.to_le_bytes());
    h[56..60].copy_from_slice(&4096u32.to_le_bytes());
    h[60..64].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    h[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    for i in 0..109 {
        let v = if i == 0 { 0u32 } else { 0xFFFF_FFFF };
        h[76 + i * 4..80 + i * 4].copy_from_slice(&v.to_le_bytes());
    }
    let mut fat = vec![0xFFu8; 512];
    fat[..4].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes());
    fat[4..8].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    let mut dir = vec![0u8; 512];
    let entry = |dir: &mut Vec<u8>, i: usize, name: &str, typ: u8, child: u32| {
        let e = &mut dir[i * 128..(i + 1) * 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (k, u) in units.iter().enumerate() {
            e[k * 2..k * 2 + 2].copy_from_slice(&u.to_le_bytes());
        }
        e[64..66].copy_from_slice(&((units.len() as u16 + 1) * 2).to_le_bytes());
        e[66] = typ;
        e[68..72].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        e[72..76].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    };
    entry(&mut dir, 0, "Root Entry", 5, 1);
    entry(&mut dir, 1, "EncryptedPackage", 2, 0xFFFF_FFFF);
    let mut bytes = h;
    bytes.extend(fat);
    bytes.extend(dir);
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn password_protected_workbook_says_how_to_remove_the_password() {
    let dir = tmp();
    let path = dir.path().join("secret.xlsx");
    encrypted(&path);
    for (lang, what, how) in [
        (Lang::En, "password-protected", "Encrypt with Password"),
        (Lang::ZhCn, "密码", "用密码进行加密"),
        (Lang::ZhTw, "密碼", "以密碼加密"),
    ] {
        let read = read_in(&path, lang);
        let d = file_diag(&read);
        assert!(d.message.contains(what), "{}", d.message);
        assert!(d.hint.as_deref().unwrap_or("").contains(how), "{d:#?}");
    }
}

/// Every file of ../shared/corpus: prints what each gave and the slowest files.
/// `cargo test --lib ingest::xlsx::tests::corpus_survey -- --ignored --nocapture`
#[test]
#[ignore]
fn corpus_survey() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n != "MANIFEST.json") {
                files.push(p);
            }
        }
    }
    files.sort();
    let c = ctx(Lang::En);
    let (mut recs, mut nosheet, mut errs, mut other) = (0, 0, 0, 0);
    let mut times = Vec::new();
    for p in &files {
        let display: Arc<str> = Arc::from(p.display().to_string().as_str());
        let t = Instant::now();
        let r = crate::ingest::read_file(p, &display, &c);
        let el = t.elapsed();
        times.push((el, p.clone()));
        let fe: Vec<&Diagnostic> = r.diags.iter().filter(|d| d.code == "file").collect();
        let kinds: std::collections::BTreeSet<&str> = r.records.iter().map(|r| r.kind.key).collect();
        let outcome = if !r.records.is_empty() {
            recs += 1;
            format!("records {} {:?}", r.records.len(), kinds)
        } else if r.diags.iter().any(|d| d.code == "no-records") {
            nosheet += 1;
            "no-records".to_string()
        } else if fe.len() == 1 {
            errs += 1;
            format!("file: {} [{}]", fe[0].message, fe[0].value.clone().unwrap_or_default())
        } else {
            other += 1;
            format!("OTHER {:?}", codes(&r))
        };
        if std::env::var("DUMP").is_ok_and(|d| p.to_string_lossy().contains(&d)) {
            for rec in &r.records {
                let fields: Vec<String> =
                    rec.fields.iter().map(|f| format!("{}={}", f.key, f.cell.display())).collect();
                eprintln!(
                    "  {} {} {fields:?} extra={:?} subs={:?}",
                    rec.kind.key,
                    rec.loc,
                    rec.extra,
                    rec.subs.iter().map(|(k, v)| (k, v.len())).collect::<Vec<_>>()
                );
            }
            for d in &r.diags {
                eprintln!("  {:?} {} {}: {}", d.severity, d.code, d.loc, d.message);
            }
        }
        let rest: Vec<&str> = r.diags.iter().map(|d| d.code).filter(|c| *c != "file" && *c != "no-records").collect();
        eprintln!(
            "{:>8.1?} {} => {outcome} {rest:?}",
            el,
            p.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(p).display()
        );
    }
    times.sort();
    eprintln!("slowest:");
    for (t, p) in times.iter().rev().take(8) {
        eprintln!("  {t:?} {}", p.display());
    }
    eprintln!("{} files: {recs} with records, {nosheet} no-records, {errs} file errors, {other} other", files.len());
    assert_eq!(other, 0);
}
