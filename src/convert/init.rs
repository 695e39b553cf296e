//! `dossier init`: a blank input workbook (the standard layout around one example record per
//! kind, from the seeds), one Markdown example per kind, and a short README. The examples are
//! written as a person would type them and go through the same typing as any input, then
//! through the same writers as `convert`: one mechanism, no hand-listed fields.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;

use super::markdown_out::{self, MdOptions};
use super::standard_xlsx::{self, Options};
use crate::diag::Diagnostic;
use crate::ingest::{Cell, Ctx, RawField, RawRecord, values};
use crate::model::{L10n, Lang, Location, Project};
use crate::schema::{self, Schema};

const fn l(zh_cn: &'static str, zh_tw: &'static str, en: &'static str) -> L10n {
    L10n::new(zh_cn, zh_tw, en)
}

/// The same text in every language (ids, dates, numbers).
const fn same(s: &'static str) -> L10n {
    L10n::new(s, s, s)
}

/// One example record: field key → text as typed, and one row per sub-table.
struct Example {
    kind: &'static str,
    fields: &'static [(&'static str, L10n)],
    subs: &'static [(&'static str, &'static [(&'static str, L10n)])],
}

/// One record per kind, from the seeds' own examples: 000 模板1–4 (2024年Q3新品上市推广),
/// 001 会议议程/行动项表格, 003 会议纪要与行动项表.
static EXAMPLES: &[Example] = &[
    // seed 000 模板1: 跨部门协作需求登记表
    Example {
        kind: "requirement",
        fields: &[
            ("id", same("2024-MKT-001")),
            ("title", l("2024年Q3新品上市推广", "2024年Q3新品上市推廣", "Q3 2024 new product launch campaign")),
            ("department", l("市场部", "市場部", "Marketing")),
            ("initiator", l("市场部*", "市場部*", "Marketing / Li Na")),
            ("contact", same("1385678")),
            (
                "goal",
                l(
                    "3个月内实现新品销售额500万元",
                    "3個月內實現新品銷售額500萬元",
                    "5 million in new-product sales within 3 months",
                ),
            ),
            (
                "departments",
                l(
                    "产品部、销售部、设计部、渠道商A公司",
                    "產品部、銷售部、設計部、渠道商A公司",
                    "Product, Sales, Design, Channel Partner A Ltd",
                ),
            ),
            (
                "deliverables",
                l(
                    "活动方案、宣传物料、销售数据报告",
                    "活動方案、宣傳物料、銷售數據報告",
                    "Campaign plan, Promotional materials, Sales data report",
                ),
            ),
            ("start", same("2024-07-15")),
            ("end", same("2024-09-30")),
            (
                "resources",
                l(
                    "预算20万元，设计师2名，线下场地5个",
                    "預算20萬元，設計師2名，線下場地5個",
                    "Budget 200,000; 2 designers; 5 venues",
                ),
            ),
            (
                "risks_foreseen",
                l(
                    "活动流量超载，需备用服务器方案",
                    "活動流量超載，需備用伺服器方案",
                    "Traffic overload during the campaign: a standby server plan is needed",
                ),
            ),
            ("priority", l("高", "高", "High")),
            ("status", l("待评审", "待評審", "Pending review")),
            ("coordinator", l("项目管理部*", "專案管理部*", "PMO / David Chen")),
            ("leader", l("市场部*", "市場部*", "Marketing / Li Na")),
            (
                "notes",
                l(
                    "需保证活动符合最新广告法规定",
                    "需保證活動符合最新廣告法規定",
                    "The campaign must comply with the latest advertising law",
                ),
            ),
        ],
        subs: &[(
            "milestones",
            &[("date", same("2024-08-01")), ("name", l("启动推广", "啟動推廣", "Campaign launch"))],
        )],
    },
    // seed 000 模板2: 任务分工与进度跟踪表, task 1.1
    Example {
        kind: "task",
        fields: &[
            ("id", same("1.1")),
            ("name", l("活动方案设计", "活動方案設計", "Campaign plan design")),
            ("owner", l("市场部*", "市場部*", "Marketing / Li Na")),
            ("collaborators", l("产品部*", "產品部*", "Product / Sara Kim")),
            ("planned_start", same("2024-07-15")),
            ("planned_end", same("2024-07-25")),
            ("actual_end", same("2024-07-24")),
            ("status", l("已完成", "已完成", "Done")),
            ("progress", same("100%")),
            ("deliverable", l("《推广活动方案V1.0》", "《推廣活動方案V1.0》", "Campaign plan v1.0")),
            ("priority", l("高", "高", "High")),
            ("updated_at", same("2024-07-24 18:00")),
        ],
        subs: &[],
    },
    // seed 000 模板3: 风险与问题登记表, record 001
    Example {
        kind: "risk",
        fields: &[
            ("id", same("001")),
            ("type", l("问题", "問題", "Issue")),
            (
                "description",
                l(
                    "宣传物料设计不符合品牌规范",
                    "宣傳物料設計不符合品牌規範",
                    "Promotional material design breaks the brand guidelines",
                ),
            ),
            ("impact", l("高", "高", "High")),
            ("owner", l("设计部*", "設計部*", "Design / Sara Kim")),
            ("raised_on", same("2024-08-06")),
            ("due", same("2024-08-07")),
            ("resolved_on", same("2024-08-07")),
            (
                "measures",
                l("重新设计，增加品牌审核环节", "重新設計，增加品牌審核環節", "Redesign and add a brand review step"),
            ),
            ("status", l("已解决", "已解決", "Resolved")),
            ("result", l("已解决", "已解決", "Resolved")),
        ],
        subs: &[],
    },
    // seed 001 步骤2–3 (attendees, agenda with minutes, action items with a delivery
    // standard) and seed 003 三(三) 会议纪要与行动项表
    Example {
        kind: "meeting",
        fields: &[
            (
                "title",
                l("2024年Q3新品上市推广启动会", "2024年Q3新品上市推廣啟動會", "Q3 2024 launch campaign kick-off"),
            ),
            ("type", l("项目启动会", "專案啟動會", "Kick-off")),
            ("start", same("2024-07-12 14:00")),
            ("end", same("2024-07-12 15:30")),
            ("place", l("总部3楼大会议室", "總部3樓大會議室", "Head office, room 3.01")),
            ("host", l("市场部/张三", "市場部/張三", "Marketing / Li Na")),
            ("recorder", l("运营部/周八", "營運部/周八", "PMO / David Chen")),
            (
                "departments",
                l(
                    "市场部、产品部、销售部、设计部",
                    "市場部、產品部、銷售部、設計部",
                    "Marketing, Product, Sales, Design",
                ),
            ),
            (
                "goal",
                l(
                    "明确活动分工、里程碑与预算上限",
                    "明確活動分工、里程碑與預算上限",
                    "Agree owners, milestones and the budget limit",
                ),
            ),
            ("agenda_sent_at", same("2024-07-08 10:00")),
            (
                "summary",
                l(
                    "市场部介绍活动整体框架，各部门确认分工与时间节点。",
                    "市場部介紹活動整體框架，各部門確認分工與時間節點。",
                    "Marketing presented the campaign outline; every department confirmed its tasks and dates.",
                ),
            ),
            (
                "decisions",
                l(
                    "8月1日启动推广\n活动预算上限20万元",
                    "8月1日啟動推廣\n活動預算上限20萬元",
                    "Launch on 1 August\nBudget limit 200,000",
                ),
            ),
            ("next_meeting", same("2024-07-19 14:00")),
            ("minutes_sent_at", same("2024-07-13 10:00")),
        ],
        subs: &[
            (
                "attendees",
                &[
                    ("name", l("张三", "張三", "Li Na")),
                    ("department", l("市场部", "市場部", "Marketing")),
                    ("role", l("核心决策者", "核心決策者", "Decision maker")),
                ],
            ),
            (
                "agenda",
                &[
                    ("topic", l("活动方案与分工确认", "活動方案與分工確認", "Campaign plan and owners")),
                    ("goal", l("各部门认领子任务", "各部門認領子任務", "Every department takes its tasks")),
                    ("minutes", same("30")),
                    ("owner", l("市场部/张三", "市場部/張三", "Marketing / Li Na")),
                ],
            ),
            (
                "actions",
                &[
                    ("id", same("A1")),
                    (
                        "description",
                        l("提交活动方案初稿", "提交活動方案初稿", "Submit the first draft of the campaign plan"),
                    ),
                    ("owner", l("市场部/张三", "市場部/張三", "Marketing / Li Na")),
                    ("due", same("2024-07-25")),
                    (
                        "standard",
                        l(
                            "方案包含执行流程、预算明细与风险预案",
                            "方案包含執行流程、預算明細與風險預案",
                            "The plan covers steps, budget and contingencies",
                        ),
                    ),
                    ("priority", l("高", "高", "High")),
                    ("status", l("已完成", "已完成", "Done")),
                ],
            ),
        ],
    },
    // seed 000 模板4: 成果验收与复盘表
    Example {
        kind: "retrospective",
        fields: &[
            (
                "project",
                l("2024年Q3新品上市推广活动", "2024年Q3新品上市推廣活動", "Q3 2024 new product launch campaign"),
            ),
            ("accepted_on", same("2024-10-10")),
            ("department", l("市场部", "市場部", "Marketing")),
            ("panel", l("市场部、销售部、产品部*", "市場部、銷售部、產品部*", "Marketing, Sales, Product")),
            (
                "deliverables",
                l(
                    "《推广活动总结报告》\n《销售数据统计表》",
                    "《推廣活動總結報告》\n《銷售數據統計表》",
                    "Campaign report\nSales statistics",
                ),
            ),
            ("quality", l("优秀", "優秀", "Excellent")),
            (
                "quality_comment",
                l("方案执行到位，数据完整", "方案執行到位，數據完整", "Plan executed in full, complete data"),
            ),
            // seed 000 模板4 numbers the items in one cell: `1.…,…2.…,…`
            (
                "highlights",
                l(
                    "1.跨部门周例会机制高效，信息同步及时2.风险预案完善，场地问题2小时内解决",
                    "1.跨部門週例會機制高效，資訊同步及時2.風險預案完善，場地問題2小時內解決",
                    "1. Weekly cross-department meetings kept everyone informed 2. A venue problem was solved within 2 hours",
                ),
            ),
            (
                "problems",
                l(
                    "1.数据监测反馈延迟，影响实时决策",
                    "1.數據監測回饋延遲，影響即時決策",
                    "1. Monitoring data arrived late, which slowed decisions",
                ),
            ),
            (
                "improvements",
                l(
                    "1.建立“数据日报机制”，指定技术部*专人负责监测",
                    "1.建立「數據日報機制」，指定技術部*專人負責監測",
                    "1. A daily data report, with a named IT owner",
                ),
            ),
            ("reviewer", l("市场部*", "市場部*", "Marketing / Li Na")),
            ("reviewed_on", same("2024-10-15")),
        ],
        subs: &[(
            "metrics",
            &[
                ("name", l("销售额", "銷售額", "Sales")),
                ("target", l("500万元", "500萬元", "5000000 USD")),
                ("actual", l("520万元", "520萬元", "5200000 USD")),
            ],
        )],
    },
    // seed 001 步骤3: an action item tracked outside the minutes (the action register)
    Example {
        kind: "action",
        fields: &[
            ("id", same("A2")),
            (
                "description",
                l("确认各渠道预热物料排期", "確認各渠道預熱物料排期", "Confirm the teaser schedule for every channel"),
            ),
            ("owner", l("销售部/李四", "銷售部/李四", "Sales / Wang Wu")),
            ("due", same("2024-07-20")),
            ("standard", l("排期表经市场部确认", "排期表經市場部確認", "Schedule approved by Marketing")),
            ("priority", l("中", "中", "Medium")),
            ("status", l("进行中", "進行中", "In progress")),
            ("meeting", same("2024-07-12")),
        ],
        subs: &[],
    },
    // seed 000 二(一): 评审通过后各方签字确认
    Example {
        kind: "signoff",
        fields: &[
            ("stage", l("需求评审", "需求評審", "Requirement review")),
            ("name", same("*")),
            ("department", l("产品部", "產品部", "Product")),
            ("role", l("部门负责人", "部門負責人", "Head of department")),
            ("decision", l("同意", "同意", "Approved")),
            ("date", same("2024-07-12")),
        ],
        subs: &[],
    },
];

/// The Markdown examples: the next records of the same project (seed 000 模板2 task 1.2,
/// 模板3 record 002, the follow-up meeting the kick-off scheduled, 销售部's review sign-off),
/// beside the workbook in the project's folder. A project has one requirement and one
/// retrospective: those two are shown in Markdown in the README instead.
static MD_EXAMPLES: &[Example] = &[
    Example {
        kind: "task",
        fields: &[
            ("id", same("1.2")),
            ("name", l("产品卖点提炼", "產品賣點提煉", "Product selling points")),
            ("owner", l("产品部*", "產品部*", "Product / Sara Kim")),
            ("collaborators", l("市场部*", "市場部*", "Marketing / Li Na")),
            ("planned_start", same("2024-07-26")),
            ("planned_end", same("2024-07-30")),
            ("actual_end", same("2024-07-30")),
            ("status", l("已完成", "已完成", "Done")),
            ("progress", same("100%")),
            ("deliverable", l("《产品核心卖点清单》", "《產品核心賣點清單》", "Selling points list")),
            ("priority", l("高", "高", "High")),
            ("depends_on", same("1.1")),
        ],
        subs: &[],
    },
    Example {
        kind: "risk",
        fields: &[
            ("id", same("002")),
            ("type", l("风险", "風險", "Risk")),
            ("description", l("数据监测系统响应延迟", "數據監測系統回應延遲", "The monitoring system responds slowly")),
            ("impact", l("中", "中", "Medium")),
            ("owner", l("技术部*", "技術部*", "IT / Raj Patel")),
            ("raised_on", same("2024-08-08")),
            ("due", same("2024-08-10")),
            ("resolved_on", same("2024-08-09")),
            ("measures", l("升级服务器", "升級伺服器", "Upgrade the server")),
            ("status", l("已关闭", "已關閉", "Closed")),
        ],
        subs: &[],
    },
    Example {
        kind: "meeting",
        fields: &[
            ("title", l("推广方案周例会", "推廣方案週例會", "Campaign weekly meeting")),
            ("type", l("资源协调会", "資源協調會", "Resource coordination")),
            ("start", same("2024-07-19 14:00")),
            ("end", same("2024-07-19 15:00")),
            ("place", l("总部3楼大会议室", "總部3樓大會議室", "Head office, room 3.01")),
            ("host", l("市场部/张三", "市場部/張三", "Marketing / Li Na")),
            ("recorder", l("运营部/周八", "營運部/周八", "PMO / David Chen")),
            ("departments", l("市场部、产品部", "市場部、產品部", "Marketing, Product")),
            ("goal", l("确认卖点提炼的进度与资源", "確認賣點提煉的進度與資源", "Confirm progress and resources")),
            ("agenda_sent_at", same("2024-07-15 10:00")),
            (
                "summary",
                l(
                    "产品部汇报卖点提炼进展，市场部确认素材需求。",
                    "產品部匯報賣點提煉進展，市場部確認素材需求。",
                    "Product reported on the selling points; Marketing confirmed what material it needs.",
                ),
            ),
            ("decisions", l("7月30日前提交卖点清单", "7月30日前提交賣點清單", "Submit the list by 30 July")),
            ("minutes_sent_at", same("2024-07-19 18:00")),
        ],
        subs: &[
            (
                "attendees",
                &[
                    ("name", l("李四", "李四", "Sara Kim")),
                    ("department", l("产品部", "產品部", "Product")),
                    ("role", l("执行负责人", "執行負責人", "Executor")),
                ],
            ),
            (
                "agenda",
                &[
                    ("topic", l("卖点提炼进展", "賣點提煉進展", "Selling points progress")),
                    ("goal", l("确认交付时间", "確認交付時間", "Agree the delivery date")),
                    ("minutes", same("20")),
                    ("owner", l("产品部/李四", "產品部/李四", "Product / Sara Kim")),
                ],
            ),
            (
                "actions",
                &[
                    ("id", same("A2")),
                    ("description", l("提交卖点清单", "提交賣點清單", "Submit the selling points list")),
                    ("owner", l("产品部/李四", "產品部/李四", "Product / Sara Kim")),
                    ("due", same("2024-07-30")),
                    ("standard", l("清单覆盖全部核心卖点", "清單涵蓋全部核心賣點", "The list covers every key point")),
                    ("priority", l("高", "高", "High")),
                    ("status", l("已完成", "已完成", "Done")),
                ],
            ),
        ],
    },
    Example {
        kind: "signoff",
        fields: &[
            ("stage", l("需求评审", "需求評審", "Requirement review")),
            ("name", same("*")),
            ("department", l("销售部", "銷售部", "Sales")),
            ("role", l("部门负责人", "部門負責人", "Head of department")),
            ("decision", l("有条件同意", "有條件同意", "Conditional")),
            ("date", same("2024-07-12")),
            ("comment", l("需补充渠道预算明细", "需補充渠道預算明細", "Add the channel budget details")),
        ],
        subs: &[],
    },
];

/// The examples typed in `lang`: a project with one record of every kind. Diagnostics of the
/// typing go to `diags` (none, for the catalogue as it is: a unit test holds it).
pub fn example_project(lang: Lang, as_of: NaiveDate, diags: &mut Vec<Diagnostic>) -> Project {
    typed(EXAMPLES, lang, as_of, diags)
}

/// Examples typed in `lang` as the readers type any input.
fn typed(examples: &[Example], lang: Lang, as_of: NaiveDate, diags: &mut Vec<Diagnostic>) -> Project {
    let ctx = Ctx::new(lang, as_of, Schema::default());
    let file: Arc<str> = "example".into();
    let loc = Location::file(&file);
    let raw_of = |kind: &'static schema::KindDef, fields: &[(&'static str, L10n)]| {
        let mut r = RawRecord::new(kind, loc.clone());
        for (key, text) in fields {
            // Keys not in the catalogue stay visible as `extra`, so the unit test catches them.
            let key = kind.field(key).map_or("", |f| f.key);
            r.fields.push(RawField { key, cell: Cell::Text(text.get(lang).to_string()), loc: loc.clone() });
        }
        r
    };
    let mut project = Project { source: "example".into(), ..Project::default() };
    for ex in examples {
        let Some(kind) = schema::kind(ex.kind) else { continue };
        let mut raw = raw_of(kind, ex.fields);
        for (key, row) in ex.subs {
            let sub = kind.field(key).and_then(|f| match f.ty {
                schema::Type::Sub(s) => schema::kind(s).map(|k| (f.key, k)),
                _ => None,
            });
            if let Some((key, sub)) = sub {
                raw.subs.push((key, vec![raw_of(sub, row)]));
            }
        }
        let rec = values::type_record(raw, &ctx, None, diags);
        match kind.key {
            "requirement" => project.requirement = Some(rec),
            "retrospective" => project.retrospective = Some(rec),
            "task" => project.tasks.push(rec),
            "risk" => project.risks.push(rec),
            "meeting" => project.meetings.push(rec),
            "action" => project.actions.push(rec),
            _ => project.signoffs.push(rec),
        }
    }
    project
}

const WORKBOOK: L10n = l("项目表单.xlsx", "專案表單.xlsx", "project-forms.xlsx");

/// A file `init` writes: path relative to DIR and bytes.
pub struct InitFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Everything `init` writes under DIR, in `lang`: one project, the workbook and the Markdown
/// examples beside it.
pub fn files(lang: Lang, as_of: NaiveDate) -> Result<Vec<InitFile>, String> {
    let mut diags = Vec::new();
    let project = example_project(lang, as_of, &mut diags);
    let opts = Options { lang, spare_rows: 5, created: as_of };
    let book = standard_xlsx::workbook(&project, &opts).map_err(|e| e.to_string())?;
    let mut out = vec![InitFile { path: PathBuf::from(WORKBOOK.get(lang)), bytes: book }];
    let ctx = Ctx::new(lang, as_of, Schema::default());
    let mut notes = Vec::new();
    let md = MdOptions { lang, annotate: true };
    let more = typed(MD_EXAMPLES, lang, as_of, &mut diags);
    let mut names = Vec::new();
    for f in markdown_out::files(&more, md, &ctx, &mut notes) {
        names.push(f.name.clone());
        out.push(InitFile { path: PathBuf::from(f.name), bytes: f.text.into_bytes() });
    }
    // The project's requirement and retrospective as Markdown, for the README.
    let singles = Project {
        requirement: project.requirement.clone(),
        retrospective: project.retrospective.clone(),
        ..Project::default()
    };
    let shown: Vec<(String, String)> =
        markdown_out::files(&singles, md, &ctx, &mut notes).into_iter().map(|f| (f.name, f.text)).collect();
    out.push(InitFile { path: PathBuf::from("README.md"), bytes: readme(lang, &names, &shown).into_bytes() });
    Ok(out)
}

const README: L10n = L10n::new(
    "# 项目表单\n\n\
由 `dossier init` 生成。这个文件夹是一个项目：工作簿和 Markdown 文件一起读取。\n\n\
- `{workbook}`：填写用的工作簿，每种表单一个工作表（{sheets}）。每个工作表已有一行来自模板的示例，可直接改写或删除；表头和字段名已锁定（工作表保护，无密码），下拉列表给出可选值，选中单元格可看到填写说明。\n\
- {md}：同一项目的更多记录，用 Markdown 写（YAML 头部用字段键，注释写明字段名与填写说明）：下一个任务、风险、会议和签字。可以改写、删除，或照样再写新的文件。\n\n\
一个项目只有一份需求登记表和一份验收复盘表，它们的示例在工作簿里；想改用 Markdown 记录时，把下面的内容存成 `.md` 文件放进这个文件夹，并删去工作簿中的对应工作表。\n\n\
{singles}\
填写提示：日期写成 2024-07-15 或用 Excel 日期；负责部门/人写成“市场部/张三”；子表（参会人员、议程、行动项、目标达成情况、里程碑）的行要连续，中间不留空行。\n\n\
检查：`dossier check {dir}`；生成文档：`dossier build {dir} -o 输出目录`。\n",
    "# 專案表單\n\n\
由 `dossier init` 產生。這個資料夾是一個專案：活頁簿和 Markdown 檔案一起讀取。\n\n\
- `{workbook}`：填寫用的活頁簿，每種表單一個工作表（{sheets}）。每個工作表已有一列來自範本的範例，可直接改寫或刪除；表頭和欄位名已鎖定（工作表保護，無密碼），下拉清單列出可選值，選取儲存格可看到填寫說明。\n\
- {md}：同一專案的更多記錄，用 Markdown 寫（YAML 頭部用欄位鍵，註解寫明欄位名與填寫說明）：下一個任務、風險、會議和簽字。可以改寫、刪除，或照樣再寫新的檔案。\n\n\
一個專案只有一份需求登記表和一份驗收複盤表，它們的範例在活頁簿裡；想改用 Markdown 記錄時，把下面的內容存成 `.md` 檔案放進這個資料夾，並刪去活頁簿中的對應工作表。\n\n\
{singles}\
填寫提示：日期寫成 2024-07-15 或用 Excel 日期；負責部門/人寫成「市場部/張三」；子表（參會人員、議程、行動項、目標達成情況、里程碑）的列要連續，中間不留空列。\n\n\
檢查：`dossier check {dir}`；產生文件：`dossier build {dir} -o 輸出目錄`。\n",
    "# Project forms\n\n\
Written by `dossier init`. This folder is one project: the workbook and the Markdown files are read together.\n\n\
- `{workbook}`: the workbook to fill in, one sheet per form ({sheets}). Each sheet holds one example row from the templates: overwrite or delete it. Headers and labels are locked (sheet protection, no password), drop-downs list the allowed values, and selecting a cell shows its instructions.\n\
- {md}: more records of the same project, in Markdown (front matter with the field keys, comments naming each field and how to fill it): the next task, risk, meeting and sign-off. Change them, delete them, or write more files like them.\n\n\
A project has one requirement and one retrospective; their examples are in the workbook. To keep them in Markdown instead, save the text below as `.md` files in this folder and delete their sheets from the workbook.\n\n\
{singles}\
Tips: write dates as 2024-07-15 or use Excel dates; owners as “Marketing / Li Na”; keep the rows of a sub-table (attendees, agenda, actions, metrics, milestones) together, without blank rows.\n\n\
Check: `dossier check {dir}`; build documents: `dossier build {dir} -o out`.\n",
);

fn readme(lang: Lang, md: &[String], singles: &[(String, String)]) -> String {
    let sep = if lang == Lang::En { ", " } else { "、" };
    let colon = if lang == Lang::En { ":" } else { "：" };
    let sheets: Vec<&str> = standard_xlsx::top_kinds().map(|k| k.label.get(lang)).collect();
    let md: Vec<String> = md.iter().map(|n| format!("`{n}`")).collect();
    let shown: String = singles
        .iter()
        .map(|(name, text)| format!("`{name}`{colon}\n\n```markdown\n{}\n```\n\n", text.trim_end()))
        .collect();
    README.fill(
        lang,
        &[
            ("workbook", WORKBOOK.get(lang)),
            ("md", &md.join(sep)),
            ("dir", "."),
            ("sheets", &sheets.join(sep)),
            ("singles", &shown),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn examples_type_cleanly_and_pass_the_rules_in_every_language() {
        for lang in [Lang::ZhCn, Lang::ZhTw, Lang::En] {
            let mut diags = Vec::new();
            let p = example_project(lang, day(2024, 10, 20), &mut diags);
            let ctx = Ctx::new(lang, day(2024, 10, 20), Schema::default());
            diags.extend(crate::validate::check(&p, &ctx));
            assert!(diags.is_empty(), "{lang:?}: {diags:#?}");
            let j = json::project(&p);
            for kind in ["tasks", "risks", "meetings", "signoffs"] {
                assert_eq!(j[kind].as_array().map(Vec::len), Some(1), "{lang:?} {kind}");
            }
            assert!(j["requirement"]["milestones"][0]["date"].is_string());
            assert_eq!(j["meetings"][0]["actions"][0]["status"], "done");
            // seed 000 模板4: 销售额520万元(目标500万元)
            assert_eq!(j["retrospective"]["metrics"][0]["achievement"], 104);
            assert_eq!(j["retrospective"]["highlights"].as_array().map(Vec::len), Some(2), "{lang:?}");
            assert_eq!(j["retrospective"]["problems"].as_array().map(Vec::len), Some(1), "{lang:?}");
            for r in p.tasks.iter().chain(&p.risks).chain(&p.meetings).chain(&p.signoffs) {
                assert!(r.extra.is_empty(), "{lang:?}: unknown example key in {}", r.kind);
            }
        }
    }

    #[test]
    fn every_example_kind_and_sub_table_exists_in_the_catalogue() {
        for ex in EXAMPLES {
            let kind = schema::kind(ex.kind).unwrap_or_else(|| panic!("{}", ex.kind));
            for (key, _) in ex.fields {
                assert!(kind.field(key).is_some(), "{}.{key}", ex.kind);
            }
            for (key, row) in ex.subs {
                let Some(schema::Type::Sub(sub)) = kind.field(key).map(|f| f.ty) else { panic!("{}.{key}", ex.kind) };
                let sub = schema::kind(sub).unwrap();
                for (k, _) in *row {
                    assert!(sub.field(k).is_some(), "{}.{key}.{k}", ex.kind);
                }
            }
        }
    }
}
