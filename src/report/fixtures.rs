//! A project shaped like the seeds (000 templates 1–4, 001 and 003 meeting minutes), typed as
//! the readers would type it, for the tests of views and renderers.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};

use crate::ingest::Ctx;
use crate::model::{Field, Lang, Location, Party, Project, Quantity, Record, Value};
use crate::schema::Schema;

/// "Today" 2024-08-10, in `lang`.
pub fn ctx(lang: Lang) -> Ctx {
    Ctx::new(lang, day("2024-08-10"), Schema::default())
}

pub struct B(Record);

pub fn rec(kind: &'static str) -> B {
    let file: Arc<str> = "seed.xlsx".into();
    B(Record::new(kind, Location::line(&file, 1)))
}

impl B {
    pub fn f(mut self, key: &'static str, value: Value) -> B {
        let loc = self.0.loc.clone();
        self.0.fields.insert(key, Field { value, raw: String::new(), loc });
        self
    }

    pub fn build(self) -> Record {
        self.0
    }
}

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

pub fn date(s: &str) -> Value {
    Value::Date(day(s))
}

pub fn dt(s: &str) -> Value {
    Value::DateTime(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("test date-time"))
}

pub fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

pub fn code(c: &'static str) -> Value {
    Value::Enum(c)
}

pub fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| s.to_string()).collect())
}

pub fn qty(value: f64, unit: &str) -> Value {
    Value::Quantity(Quantity { value, unit: unit.to_string() })
}

/// `市场部*` → department 市场部, person `*` (the seeds' anonymised name).
pub fn party(s: &str) -> Value {
    let p = match s.split_once('/') {
        Some((d, p)) => Party { department: Some(d.into()), person: Some(p.into()) },
        None => match s.strip_suffix('*') {
            Some(d) => Party { department: Some(d.into()), person: Some("*".into()) },
            None => Party { department: Some(s.into()), person: None },
        },
    };
    Value::Party(p)
}

/// seed 000 模板2: the four tasks of the task plan.
pub fn task(
    id: &str,
    name: &str,
    owner: &str,
    start: &str,
    end: &str,
    actual: Option<&str>,
    status: &'static str,
) -> Record {
    let mut b = rec("task")
        .f("id", text(id))
        .f("name", text(name))
        .f("owner", party(owner))
        .f("planned_start", date(start))
        .f("planned_end", date(end))
        .f("status", code(status));
    if let Some(a) = actual {
        b = b.f("actual_end", date(a));
    }
    b.build()
}

pub fn seed_tasks() -> Vec<Record> {
    vec![
        task("1.1", "活动方案设计", "市场部*", "2024-07-15", "2024-07-25", Some("2024-07-24"), "done"),
        task("1.2", "产品卖点提炼", "产品部*", "2024-07-16", "2024-07-20", Some("2024-07-20"), "done"),
        {
            let mut t =
                task("2.1", "宣传物料制作", "设计部*", "2024-07-26", "2024-08-05", Some("2024-08-06"), "blocked");
            t.fields.insert("depends_on", Field { value: list(&["1.1"]), raw: String::new(), loc: t.loc.clone() });
            t.fields.insert("problem", Field { value: text("海报待修改"), raw: String::new(), loc: t.loc.clone() });
            t
        },
        task("3.1", "渠道对接", "销售部*", "2024-07-20", "2024-07-30", Some("2024-07-31"), "done"),
    ]
}

/// Templates 1–4 of seed 000, the minutes of seed 003 (三)(三), sign-offs of two departments.
pub fn seed_project() -> Project {
    let requirement = rec("requirement")
        .f("id", text("2024-MKT-001"))
        .f("title", text("2024年Q3新品上市推广"))
        .f("department", text("市场部"))
        .f("initiator", party("市场部*"))
        .f("goal", text("3个月内实现新品销售额500万元"))
        .f("departments", list(&["产品部", "销售部", "设计部", "渠道商A公司"]))
        .f("deliverables", list(&["活动方案", "宣传物料", "销售数据报告"]))
        .f("start", date("2024-07-15"))
        .f("end", date("2024-09-30"))
        .f("resources", text("预算20万元,设计师2名,线下场地5个"))
        .f("priority", code("P0"))
        .f("status", code("confirmed"))
        .f("notes", text("需保证活动符合最新广告法规定"))
        .build();
    let risks = vec![
        rec("risk")
            .f("id", text("001"))
            .f("description", text("宣传物料设计不符合品牌规范"))
            .f("impact", code("high"))
            .f("owner", party("设计部*"))
            .f("raised_on", date("2024-08-06"))
            .f("due", date("2024-08-07"))
            .f("resolved_on", date("2024-08-07"))
            .f("measures", text("重新设计,增加品牌审核环节"))
            .f("status", code("resolved"))
            .build(),
        rec("risk")
            .f("id", text("002"))
            .f("description", text("数据监测系统响应延迟"))
            .f("impact", code("medium"))
            .f("owner", party("技术部*"))
            .f("raised_on", date("2024-08-08"))
            .f("due", date("2024-08-10"))
            .f("status", code("in_progress"))
            .build(),
        rec("risk")
            .f("id", text("003"))
            .f("description", text("线下活动场地临时取消"))
            .f("impact", code("high"))
            .f("owner", party("运营部*"))
            .f("raised_on", date("2024-08-05"))
            .f("due", date("2024-08-08"))
            .f("status", code("open"))
            .build(),
    ];
    let action = |id: &str, what: &str, owner: &str, due: &str, std: &str, status: &'static str| {
        rec("action")
            .f("id", text(id))
            .f("description", text(what))
            .f("owner", party(owner))
            .f("due", date(due))
            .f("standard", text(std))
            .f("priority", code("P0"))
            .f("status", code(status))
            .build()
    };
    let meeting = rec("meeting")
        .f("id", text("2023-09-15"))
        .f("title", text("“双十一大促方案”评审会"))
        .f("type", code("problem_solving"))
        .f("start", dt("2023-09-15 14:00"))
        .f("end", dt("2023-09-15 16:00"))
        .f("place", text("3楼会议室"))
        .f("host", party("市场部/李娜"))
        .f("departments", list(&["市场部", "销售部", "电商部", "财务部"]))
        .f(
            "attendees",
            Value::Records(vec![
                rec("attendee")
                    .f("name", text("李娜"))
                    .f("department", text("市场部"))
                    .f("role", code("decision_maker"))
                    .build(),
                rec("attendee")
                    .f("name", text("赵六"))
                    .f("department", text("财务部"))
                    .f("role", code("executor"))
                    .build(),
            ]),
        )
        .f(
            "agenda",
            Value::Records(vec![
                rec("agenda_item").f("topic", text("上次行动项进展回顾")).f("minutes", Value::Int(10)).build(),
                rec("agenda_item").f("topic", text("Q3市场推广预算分配方案讨论")).f("minutes", Value::Int(30)).build(),
            ]),
        )
        .f("summary", text("1. 市场部汇报活动整体框架\n2. 销售部提出渠道分成优化建议\n3. 财务部明确预算上限"))
        .f("decisions", list(&["活动周期定为11.1-11.11", "渠道分成比例提高2个百分点"]))
        .f(
            "actions",
            Value::Records(vec![
                action("1", "调整促销政策方案", "销售部*", "2023-09-20", "提交修订版方案", "done"),
                action("2", "修改Banner设计稿", "设计部*", "2023-09-22", "3版设计稿", "in_progress"),
            ]),
        )
        .f("next_meeting", dt("2023-09-22 14:00"))
        .build();
    let retrospective = rec("retrospective")
        .f("project", text("2024年Q3新品上市推广活动"))
        .f("accepted_on", date("2024-10-10"))
        .f("department", text("市场部"))
        .f("panel", list(&["市场部", "销售部", "产品部*"]))
        .f(
            "metrics",
            Value::Records(vec![
                rec("metric")
                    .f("name", text("销售额"))
                    .f("target", qty(5e6, "元"))
                    .f("actual", qty(5.2e6, "元"))
                    .build(),
                rec("metric")
                    .f("name", text("用户参与量"))
                    .f("target", qty(1.2e5, "人次"))
                    .f("actual", qty(1.5e5, "人次"))
                    .build(),
            ]),
        )
        .f("deliverables", list(&["《推广活动总结报告》", "《销售数据统计表》", "用户反馈分析报告"]))
        .f("quality", code("excellent"))
        .f("quality_comment", text("方案执行到位,数据完整"))
        .f("highlights", list(&["跨部门周例会机制高效,信息同步及时"]))
        .f("problems", list(&["数据监测反馈延迟,影响实时决策"]))
        .f("improvements", list(&["建立“数据日报机制”,指定技术部*专人负责监测"]))
        .f("reviewer", party("市场部*"))
        .build();
    let signoff = |stage: &'static str, dept: &str, name: &str, decision: &'static str, on: &str| {
        rec("signoff")
            .f("stage", code(stage))
            .f("department", text(dept))
            .f("name", text(name))
            .f("decision", code(decision))
            .f("date", date(on))
            .build()
    };
    Project {
        source: "samples/2024-MKT-001".into(),
        requirement: Some(requirement),
        tasks: seed_tasks(),
        risks,
        meetings: vec![meeting],
        retrospective: Some(retrospective),
        signoffs: vec![
            signoff("requirement_review", "产品部", "张三", "approved", "2024-07-12"),
            signoff("requirement_review", "销售部", "王五", "conditional", "2024-07-12"),
            signoff("acceptance", "市场部", "李娜", "approved", "2024-10-10"),
        ],
        actions: Vec::new(),
    }
}
