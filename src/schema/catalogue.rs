//! The catalogue itself: SPEC §1 as data. Labels come from the seeds (000 模板1–4,
//! 001 会议纪要, 003 任务申请表 / 进度跟踪表 / 会议纪要与行动项表). Adding an alias is a
//! one-line change here and nowhere else.

use super::{EnumDef, EnumValue, FieldDef, KindDef, Shape, Type};
use crate::model::L10n;

const fn l(zh_cn: &'static str, zh_tw: &'static str, en: &'static str) -> L10n {
    L10n::new(zh_cn, zh_tw, en)
}

const fn v(code: &'static str, label: L10n, aliases: &'static [&'static str]) -> EnumValue {
    EnumValue { code, label, aliases }
}

const fn f(key: &'static str, label: L10n, ty: Type) -> FieldDef {
    FieldDef::new(key, label, ty)
}

pub static PRIORITY: EnumDef = EnumDef {
    name: "priority",
    values: &[
        v("P0", l("高", "高", "High"), &["高(P0)", "P0最高", "最高", "紧急", "H", "urgent", "critical"]),
        v("P1", l("中", "中", "Medium"), &["中(P1)", "M", "normal", "med"]),
        v("P2", l("低", "低", "Low"), &["低(P2)", "L"]),
    ],
};

pub static REQUIREMENT_STATUS: EnumDef = EnumDef {
    name: "requirement_status",
    values: &[
        v(
            "pending_review",
            l("待评审", "待評審", "Pending review"),
            &["待审核", "待審核", "pending", "submitted", "已提交"],
        ),
        v("confirmed", l("已确认", "已確認", "Confirmed"), &["确认", "評審通過", "评审通过", "approved", "已通过"]),
        v("in_progress", l("执行中", "執行中", "In progress"), &["进行中", "進行中", "ongoing"]),
        v("done", l("已完成", "已完成", "Done"), &["完成", "completed", "closed", "已关闭"]),
        v("rejected", l("已驳回", "已駁回", "Rejected"), &["驳回", "駁回", "不通过", "declined"]),
    ],
};

pub static TASK_STATUS: EnumDef = EnumDef {
    name: "task_status",
    values: &[
        v(
            "not_started",
            l("未开始", "未開始", "Not started"),
            &["待开始", "待開始", "todo", "to do", "open", "planned", "未启动"],
        ),
        v(
            "in_progress",
            l("进行中", "進行中", "In progress"),
            &["进行", "处理中", "處理中", "执行中", "doing", "wip", "ongoing", "started"],
        ),
        v("in_review", l("待审核", "待審核", "In review"), &["审核中", "待验收", "review", "pending review"]),
        v("done", l("已完成", "已完成", "Done"), &["完成", "completed", "complete", "finished", "closed", "已关闭"]),
        v("blocked", l("阻塞", "阻塞", "Blocked"), &["受阻", "卡住", "暂停", "挂起", "on hold"]),
        v("delayed", l("延期", "延期", "Delayed"), &["延迟", "延誤", "延误", "逾期", "overdue", "late"]),
    ],
};

pub static RISK_TYPE: EnumDef = EnumDef {
    name: "risk_type",
    values: &[v("risk", l("风险", "風險", "Risk"), &["R"]), v("issue", l("问题", "問題", "Issue"), &["I", "problem"])],
};

pub static IMPACT: EnumDef = EnumDef {
    name: "impact",
    values: &[
        v("high", l("高", "高", "High"), &["H", "严重", "重大", "红", "red"]),
        v("medium", l("中", "中", "Medium"), &["M", "med", "一般", "黄", "amber", "yellow"]),
        v("low", l("低", "低", "Low"), &["L", "轻微", "绿", "green"]),
    ],
};

pub static RISK_STATUS: EnumDef = EnumDef {
    name: "risk_status",
    values: &[
        v("open", l("未解决", "未解決", "Open"), &["待解决", "待处理", "未处理", "新建", "new"]),
        v("in_progress", l("处理中", "處理中", "In progress"), &["进行中", "解决中", "跟进中"]),
        v("resolved", l("已解决", "已解決", "Resolved"), &["解决", "已处理", "fixed", "mitigated"]),
        v("closed", l("已关闭", "已關閉", "Closed"), &["关闭", "结束"]),
    ],
};

pub static MEETING_TYPE: EnumDef = EnumDef {
    name: "meeting_type",
    values: &[
        v("kickoff", l("项目启动会", "專案啟動會", "Kick-off"), &["启动会", "啟動會", "项目啟動會", "kickoff meeting"]),
        v(
            "problem_solving",
            l("问题攻坚会", "問題攻堅會", "Problem solving"),
            &["攻坚会", "专题会", "專題會", "评审会", "評審會"],
        ),
        v("resource", l("资源协调会", "資源協調會", "Resource coordination"), &["协调会", "協調會"]),
        v(
            "review",
            l("阶段性复盘会", "階段性複盤會", "Review"),
            &["复盘会", "複盤會", "例会", "周例会", "retrospective"],
        ),
        v("process", l("流程优化研讨会", "流程優化研討會", "Process improvement"), &["研讨会", "研討會"]),
        v("other", l("其他", "其他", "Other"), &[]),
    ],
};

pub static ROLE: EnumDef = EnumDef {
    name: "attendee_role",
    values: &[
        v("decision_maker", l("核心决策者", "核心決策者", "Decision maker"), &["决策者", "決策者", "decider"]),
        v("executor", l("执行负责人", "執行負責人", "Executor"), &["执行者", "執行者", "执行"]),
        v("support", l("支持角色", "支持角色", "Support"), &["支持", "support role"]),
    ],
};

pub static QUALITY: EnumDef = EnumDef {
    name: "quality",
    values: &[
        v("excellent", l("优秀", "優秀", "Excellent"), &["优", "優"]),
        v("good", l("良好", "良好", "Good"), &["良"]),
        v("pass", l("合格", "合格", "Pass"), &["通过", "passed"]),
        v("fail", l("不合格", "不合格", "Fail"), &["未通过", "failed"]),
    ],
};

pub static STAGE: EnumDef = EnumDef {
    name: "signoff_stage",
    values: &[
        v("requirement_review", l("需求评审", "需求評審", "Requirement review"), &["需求确认", "需求確認"]),
        v("plan_approval", l("方案审批", "方案審批", "Plan approval"), &["方案评审", "方案評審", "方案确认"]),
        v("acceptance", l("成果验收", "成果驗收", "Acceptance"), &["验收", "驗收", "复盘确认"]),
        v("minutes", l("纪要确认", "紀要確認", "Minutes"), &["会议纪要", "會議紀要", "纪要"]),
    ],
};

pub static DECISION: EnumDef = EnumDef {
    name: "signoff_decision",
    values: &[
        v("approved", l("同意", "同意", "Approved"), &["通过", "通過", "approve", "yes", "确认", "確認", "已签字"]),
        v(
            "conditional",
            l("有条件同意", "有條件同意", "Conditional"),
            &["有条件通过", "有條件通過", "conditionally approved"],
        ),
        v("rejected", l("驳回", "駁回", "Rejected"), &["不同意", "不通过", "reject", "no"]),
    ],
};

/// Every enumeration, for `dossier schema` and `init` drop-downs.
pub static ENUMS: &[&EnumDef] = &[
    &PRIORITY,
    &REQUIREMENT_STATUS,
    &TASK_STATUS,
    &RISK_TYPE,
    &IMPACT,
    &RISK_STATUS,
    &MEETING_TYPE,
    &ROLE,
    &QUALITY,
    &STAGE,
    &DECISION,
];

/// Every kind, top-level kinds first, then sub-kinds.
pub static KINDS: &[KindDef] = &[
    KindDef {
        key: "requirement",
        label: l("跨部门协作需求登记表", "跨部門協作需求登記表", "Requirement"),
        shape: Shape::Form,
        collection: Some("requirement"),
        sheet_aliases: &[
            "需求登记表",
            "需求登記表",
            "需求表",
            "需求",
            "跨部门协作任务申请表",
            "跨部門協作任務申請表",
            "任务申请表",
            "任務申請表",
            "requirements",
            "request",
        ],
        fields: &[
            f("id", l("需求编号", "需求編號", "Requirement ID"), Type::Text)
                .req()
                .aka(&["编号", "編號", "ID", "requirement no"])
                .help(l(
                    "按年份+部门+序号编制（如“2024-MKT-001”）",
                    "按年份+部門+序號編制（如「2024-MKT-001」）",
                    "Year + department + number, e.g. 2024-MKT-001",
                )),
            f("title", l("协作主题", "協作主題", "Title"), Type::Text)
                .req()
                .aka(&["任务名称", "任務名稱", "需求名称", "项目名称", "主题", "subject", "name"])
                .help(l(
                    "需求核心内容（简洁明了）",
                    "需求核心內容（簡潔明了）",
                    "The core of the request, short and clear",
                )),
            f("department", l("发起部门", "發起部門", "Department"), Type::Text)
                .req()
                .aka(&["需求部门", "提出部门", "requesting department"])
                .help(l("提出需求的部门", "提出需求的部門", "The department raising the request")),
            f("initiator", l("发起人", "發起人", "Initiator"), Type::Party)
                .aka(&["任务负责人", "任務負責人", "需求对接人", "requester", "owner"])
                .help(l("需求对接人（姓名用*代替）", "需求對接人（姓名用*代替）", "Contact person for the request")),
            f("contact", l("联系方式", "聯繫方式", "Contact"), Type::Text)
                .aka(&["聯絡方式", "电话", "邮箱", "email", "phone"])
                .help(l("发起人电话/邮箱", "發起人電話/郵箱", "Initiator's phone or e-mail")),
            f("goal", l("目标描述", "目標描述", "Goal"), Type::Text)
                .req()
                .aka(&["协作目标", "協作目標", "核心目标", "目标", "需求描述", "需求說明", "需求说明", "objective"])
                .help(l("需达成的具体目标（可量化）", "需達成的具體目標（可量化）", "The concrete, measurable goal")),
            f("departments", l("涉及部门", "涉及部門", "Departments involved"), Type::List)
                .req()
                .aka(&["协作部门", "協作部門", "参与部门", "departments"])
                .help(l(
                    "需协作的内部/外部部门（至少2个）",
                    "需協作的內部/外部部門（至少2個）",
                    "Internal and external departments involved (at least 2)",
                )),
            f("deliverables", l("预期成果", "預期成果", "Expected deliverables"), Type::List)
                .aka(&["交付成果", "deliverables"])
                .help(l("需交付的文档/物", "需交付的文檔/物", "Documents or items to deliver")),
            f("start", l("计划开始时间", "計劃開始時間", "Start"), Type::Date)
                .pair("end")
                .aka(&["时间节点", "時間節點", "开始时间", "開始時間", "start date"])
                .help(l(
                    "计划开始/结束时间（精确到日），如2024-07-15至2024-09-30",
                    "計劃開始/結束時間（精確到日），如2024-07-15至2024-09-30",
                    "Planned start and end (to the day), e.g. 2024-07-15 to 2024-09-30",
                )),
            f("end", l("计划结束时间", "計劃結束時間", "End"), Type::Date).aka(&[
                "总截止日期",
                "截止日期",
                "結束時間",
                "end date",
                "deadline",
            ]),
            f("milestones", l("关键时间节点", "關鍵時間節點", "Milestones"), Type::Sub("milestone"))
                .aka(&["里程碑", "关键里程碑"])
                .help(l(
                    "总截止日期及里程碑，如10月15日：方案初稿；10月25日：终稿确认",
                    "總截止日期及里程碑，如10月15日：方案初稿；10月25日：終稿確認",
                    "Milestones as date: name; e.g. 2024-10-15: first draft",
                )),
            f("resources", l("关键资源需求", "關鍵資源需求", "Resources"), Type::Text)
                .aka(&["所需资源支持", "所需資源支持", "资源需求", "resources needed"])
                .help(l("所需人力、预算、设备等", "所需人力、預算、設備等", "People, budget and equipment needed")),
            f("risks_foreseen", l("风险预估", "風險預估", "Foreseen risks"), Type::Text)
                .aka(&["风险预判", "risks"])
                .help(l("可能遇到的协作问题", "可能遇到的協作問題", "Collaboration problems that may arise")),
            f("priority", l("需求优先级", "需求優先級", "Priority"), Type::Enum(&PRIORITY))
                .aka(&["优先级", "優先級"])
                .help(l(
                    "高（P0）/中（P1）/低（P2）",
                    "高（P0）/中（P1）/低（P2）",
                    "High (P0) / Medium (P1) / Low (P2)",
                )),
            f("status", l("需求状态", "需求狀態", "Status"), Type::Enum(&REQUIREMENT_STATUS))
                .aka(&["状态", "狀態"])
                .help(l(
                    "待评审/已确认/执行中/已完成/已驳回",
                    "待評審/已確認/執行中/已完成/已駁回",
                    "Pending review / Confirmed / In progress / Done / Rejected",
                )),
            f("progress", l("完成进度", "完成進度", "Progress"), Type::Percent)
                .aka(&["完成比例", "完成率", "percent complete", "% complete"])
                .help(l(
                    "0–100%（需求清单中逐条跟踪时填写）",
                    "0–100%（需求清單中逐條追蹤時填寫）",
                    "0–100%, where a register tracks each request",
                )),
            f("coordinator", l("协作协调人", "協作協調人", "Coordinator"), Type::Party)
                .aka(&["协调人", "協調人", "项目总监"])
                .help(l(
                    "组织需求评审的协调人（如项目总监）",
                    "組織需求評審的協調人（如專案總監）",
                    "Who organises the review, e.g. the programme director",
                )),
            f("leader", l("组长", "組長", "Lead"), Type::Party)
                .aka(&["牵头部门", "牽頭部門", "leader", "lead department"])
                .help(l("负责整体推进的组长或牵头部门", "負責整體推進的組長或牽頭部門", "Lead person or department")),
            f("retention", l("保管期限", "保管期限", "Retention"), Type::Text)
                .aka(&["保存期限", "归档期限", "歸檔期限", "档案保管期限", "檔案保管期限", "retention period"])
                .help(l(
                    "项目档案的保管期限（如10年、30年、永久），印在档案封面；不填则封面留待手写",
                    "專案檔案的保管期限（如10年、30年、永久），印在檔案封面；不填則封面留待手寫",
                    "How long the project's file is kept (e.g. 10 years, permanent), printed on the dossier's cover; left blank, the cover leaves it to be written in",
                )),
            f("notes", l("备注", "備註", "Notes"), Type::Markdown).aka(&["說明", "remarks", "comment"]).help(l(
                "其他说明（如特殊要求、限制条件）",
                "其他說明（如特殊要求、限制條件）",
                "Anything else: special requirements, constraints",
            )),
        ],
    },
    KindDef {
        key: "task",
        label: l("任务分工与进度跟踪表", "任務分工與進度跟蹤表", "Tasks"),
        shape: Shape::Table,
        collection: Some("tasks"),
        sheet_aliases: &[
            "任务分工",
            "任務分工",
            "任务进度",
            "任務進度",
            "项目进度跟踪表",
            "項目進度跟蹤表",
            "專案進度追蹤表",
            "进度跟踪表",
            "進度跟蹤表",
            "任务",
            "任務",
            "task",
            "tasks",
            "plan",
            "schedule",
            "task plan",
        ],
        fields: &[
            f("id", l("任务ID", "任務ID", "Task ID"), Type::Text)
                .req()
                .aka(&["任务编号", "任務編號", "序号", "编号", "ID", "WBS", "no", "#", "ref", "reference"])
                .help(l(
                    "层级编号，如1、1.1、2.1.3",
                    "層級編號，如1、1.1、2.1.3",
                    "Hierarchical number: 1, 1.1, 2.1.3",
                )),
            f("name", l("子任务名称", "子任務名稱", "Task"), Type::Text)
                .req()
                .aka(&["任务名称", "任務名稱", "任务", "工作内容", "task name", "task title", "title"])
                .help(l("可执行的子任务", "可執行的子任務", "An executable sub-task")),
            f("owner", l("负责部门/人", "負責部門/人", "Owner"), Type::Party)
                .req()
                .aka(&[
                    "负责人",
                    "負責人",
                    "负责部门",
                    "負責部門",
                    "责任人",
                    "執行人",
                    "执行人",
                    "assignee",
                    "assigned to",
                    "responsible",
                    "lead",
                    "task lead",
                ])
                .help(l(
                    "唯一主负责人，如“市场部*”",
                    "唯一主負責人，如「市場部*」",
                    "Exactly one main owner, e.g. Marketing / Li Na",
                )),
            f("collaborators", l("协作部门/人", "協作部門/人", "Collaborators"), Type::Parties)
                .aka(&["协作部门", "協作部門", "配合部门", "协作人", "supporting"])
                .help(l("需配合的部门/人", "需配合的部門/人", "Departments or people who help")),
            f("planned_start", l("计划开始时间", "計劃開始時間", "Planned start"), Type::Date)
                .pair("planned_end")
                .aka(&[
                    "计划时间",
                    "計劃時間",
                    "开始时间",
                    "開始時間",
                    "开始日期",
                    "計畫開始時間",
                    "start",
                    "start date",
                    "kick-off",
                    "begin",
                ])
                .help(l("YYYY-MM-DD", "YYYY-MM-DD", "YYYY-MM-DD")),
            f("planned_end", l("计划结束时间", "計劃結束時間", "Planned end"), Type::Date)
                .aka(&[
                    "结束时间",
                    "結束時間",
                    "计划完成时间",
                    "截止时间",
                    "截止日期",
                    "截至时间",
                    "計畫結束時間",
                    "end",
                    "due",
                    "due date",
                    "deadline",
                ])
                .help(l("YYYY-MM-DD", "YYYY-MM-DD", "YYYY-MM-DD")),
            f("actual_end", l("实际完成时间", "實際完成時間", "Actual end"), Type::Date)
                .aka(&["完成时间", "完成時間", "实际结束时间", "actual finish", "completed on"])
                .help(l("完成后填写", "完成後填寫", "Filled in when done")),
            f("status", l("当前状态", "當前狀態", "Status"), Type::Enum(&TASK_STATUS))
                .aka(&["状态", "狀態", "任务状态", "進度狀態", "进度状态", "state"])
                .help(l(
                    "未开始/进行中/待审核/已完成/阻塞/延期",
                    "未開始/進行中/待審核/已完成/阻塞/延期",
                    "Not started / In progress / In review / Done / Blocked / Delayed",
                )),
            f("progress", l("完成比例", "完成比例", "Progress"), Type::Percent)
                .aka(&[
                    "完成进度",
                    "完成進度",
                    "进度",
                    "進度",
                    "完成率",
                    "percent complete",
                    "% complete",
                    "done %",
                    "% done",
                    "percent done",
                    "completion",
                ])
                .help(l("0–100%", "0–100%", "0–100%")),
            f("deliverable", l("交付成果", "交付成果", "Deliverable"), Type::Text)
                .aka(&["交付物", "交付标准", "output"])
                .help(l("如“8月1日前提交最终版活动方案”", "如「8月1日前提交最終版活動方案」", "What is handed over")),
            f("priority", l("优先级", "優先級", "Priority"), Type::Enum(&PRIORITY)).aka(&["优先等级"]).help(l(
                "P0为最高，需优先保障",
                "P0為最高，需優先保障",
                "P0 is the highest",
            )),
            f("depends_on", l("依赖任务", "依賴任務", "Depends on"), Type::List)
                .aka(&["前置任务", "前置任務", "依赖", "predecessors", "dependencies"])
                .help(l("前置任务的任务ID", "前置任務的任務ID", "IDs of prerequisite tasks")),
            f("next_step", l("下一步计划", "下一步計劃", "Next step"), Type::Text).aka(&["下一步", "next"]).help(l(
                "下一步要做什么",
                "下一步要做什麼",
                "What comes next",
            )),
            f("problem", l("存在问题", "存在問題", "Problem"), Type::Text)
                .aka(&["问题", "問題", "阻塞原因", "issue", "blocker"])
                .help(l("阻塞或延期时必须说明原因", "阻塞或延期時必須說明原因", "Required when blocked or delayed")),
            f("updated_at", l("更新时间", "更新時間", "Updated"), Type::DateTime)
                .aka(&["最后更新", "updated at", "last update"])
                .help(l("YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM")),
            f("delay_days", l("延期天数", "延期天數", "Days late"), Type::Int).computed(),
        ],
    },
    KindDef {
        key: "risk",
        label: l("风险与问题登记表", "風險與問題登記表", "Risks and issues"),
        shape: Shape::Table,
        collection: Some("risks"),
        sheet_aliases: &[
            "风险登记表",
            "風險登記表",
            "风险与问题",
            "風險與問題",
            "问题登记表",
            "风险",
            "風險",
            "risks",
            "risk register",
            "issues",
            "raid log",
            "raid",
        ],
        fields: &[
            f("id", l("记录ID", "記錄ID", "ID"), Type::Text)
                .req()
                .aka(&["编号", "編號", "序号", "风险编号", "risk id"])
                .help(l("如001", "如001", "e.g. 001")),
            f("type", l("类型", "類型", "Type"), Type::Enum(&RISK_TYPE)).aka(&["风险/问题", "record type"]).help(l(
                "风险/问题（默认风险）",
                "風險/問題（預設風險）",
                "Risk or issue (default risk)",
            )),
            f("description", l("风险/问题描述", "風險/問題描述", "Description"), Type::Text)
                .req()
                .aka(&["风险描述", "風險描述", "问题描述", "問題描述", "描述", "内容"])
                .help(l("发生或可能发生什么", "發生或可能發生什麼", "What happened or may happen")),
            f("impact", l("影响等级", "影響等級", "Impact"), Type::Enum(&IMPACT))
                .req()
                .aka(&["影响程度", "影響程度", "严重程度", "等级", "severity"])
                .help(l("高/中/低", "高/中/低", "High / Medium / Low")),
            f("owner", l("责任部门/人", "責任部門/人", "Owner"), Type::Party)
                .req()
                .aka(&["责任人", "責任人", "负责人", "負責人", "跟进人", "assignee"])
                .help(l("牵头解决的部门/人", "牽頭解決的部門/人", "Who leads the fix")),
            f("raised_on", l("发生时间", "發生時間", "Raised on"), Type::Date)
                .aka(&["识别时间", "識別時間", "登记时间", "date raised", "identified"])
                .help(l("YYYY-MM-DD", "YYYY-MM-DD", "YYYY-MM-DD")),
            f("due", l("计划解决时间", "計劃解決時間", "Due"), Type::Date)
                .aka(&["解决截止时间", "解决截至时间", "截止时间", "target date", "due date"])
                .help(l("YYYY-MM-DD", "YYYY-MM-DD", "YYYY-MM-DD")),
            f("resolved_on", l("实际解决时间", "實際解決時間", "Resolved on"), Type::Date)
                .aka(&["解决时间", "關閉時間", "关闭时间", "date closed"])
                .help(l("解决后填写", "解決後填寫", "Filled in when resolved")),
            f("measures", l("解决措施", "解決措施", "Measures"), Type::Text)
                .aka(&["应对措施", "應對措施", "mitigation", "actions"])
                .help(l("如何解决或规避", "如何解決或規避", "How it is fixed or avoided")),
            f("status", l("解决状态", "解決狀態", "Status"), Type::Enum(&RISK_STATUS)).aka(&["状态", "狀態"]).help(l(
                "未解决/处理中/已解决/已关闭",
                "未解決/處理中/已解決/已關閉",
                "Open / In progress / Resolved / Closed",
            )),
            f("result", l("处理结果", "處理結果", "Result"), Type::Text)
                .pair("status")
                .aka(&["结果", "outcome"])
                .help(l("如“已解决”", "如「已解決」", "Outcome, e.g. resolved")),
        ],
    },
    KindDef {
        key: "meeting",
        label: l("会议纪要与行动项表", "會議紀要與行動項表", "Meeting minutes"),
        shape: Shape::Form,
        collection: Some("meetings"),
        sheet_aliases: &[
            "会议纪要",
            "會議紀要",
            "会议议程",
            "會議議程",
            "会议",
            "會議",
            "纪要",
            "meeting",
            "meetings",
            "minutes",
            "agenda",
        ],
        fields: &[
            f("id", l("会议编号", "會議編號", "Meeting ID"), Type::Text).aka(&["编号", "編號", "meeting no"]).help(l(
                "留空则按日期生成",
                "留空則按日期生成",
                "Left blank: derived from the date",
            )),
            f("title", l("会议主题", "會議主題", "Title"), Type::Text)
                .req()
                .aka(&["主题", "主題", "会议名称", "subject", "topic"])
                .help(l("如“双十一大促方案”评审会", "如「雙十一大促方案」評審會", "e.g. Q3 budget review")),
            f("type", l("会议类型", "會議類型", "Type"), Type::Enum(&MEETING_TYPE))
                .aka(&["类型", "類型", "meeting type"])
                .help(l(
                    "项目启动会/问题攻坚会/资源协调会/阶段性复盘会/流程优化研讨会/其他",
                    "專案啟動會/問題攻堅會/資源協調會/階段性複盤會/流程優化研討會/其他",
                    "Kick-off / Problem solving / Resource / Review / Process / Other",
                )),
            f("start", l("会议时间", "會議時間", "Time"), Type::DateTime)
                .req()
                .pair("end")
                .aka(&["开始时间", "開始時間", "时间", "日期", "date", "start"])
                .help(l("如2023年9月15日14:00-16:00", "如2023年9月15日14:00-16:00", "e.g. 2023-09-15 14:00-16:00")),
            f("end", l("结束时间", "結束時間", "End"), Type::DateTime).req().aka(&["会议结束时间", "end"]),
            f("place", l("地点", "地點", "Place"), Type::Text)
                .aka(&["会议地点", "會議地點", "location", "venue", "room"])
                .help(l("会议室或线上链接", "會議室或線上連結", "Room or online link")),
            f("host", l("主持人", "主持人", "Host"), Type::Party).aka(&["主持", "chair", "facilitator"]).help(l(
                "部门/姓名",
                "部門/姓名",
                "Department / name",
            )),
            f("recorder", l("记录人", "記錄人", "Recorder"), Type::Party)
                .aka(&["纪要人", "記錄", "note taker", "minutes taker"])
                .help(l("部门/姓名", "部門/姓名", "Department / name")),
            f("departments", l("参与部门", "參與部門", "Departments"), Type::List)
                .aka(&["参会部门", "參會部門", "departments involved"])
                .help(l("用、分隔", "用、分隔", "Separated by commas")),
            f("attendees", l("参会人员", "參會人員", "Attendees"), Type::Sub("attendee"))
                .aka(&["参会人", "參會人", "与会人员", "participants"])
                .help(l(
                    "姓名、部门、角色（核心决策者/执行负责人/支持角色），不超过8人",
                    "姓名、部門、角色（核心決策者/執行負責人/支持角色），不超過8人",
                    "Name, department, role; at most 8",
                )),
            f("goal", l("会议目标", "會議目標", "Goal"), Type::Text).aka(&["目标", "目標", "objective"]).help(l(
                "需解决的具体问题（SMART）",
                "需解決的具體問題（SMART）",
                "The concrete question to settle (SMART)",
            )),
            f("agenda", l("议程", "議程", "Agenda"), Type::Sub("agenda_item")).aka(&["会议议程", "會議議程"]).help(l(
                "议题、讨论目标、预计时长（分钟）、负责人",
                "議題、討論目標、預計時長（分鐘）、負責人",
                "Topic, goal, minutes, owner",
            )),
            f("agenda_sent_at", l("议程发送时间", "議程發送時間", "Agenda sent"), Type::DateTime)
                .aka(&["议程发送", "agenda sent at"])
                .help(l("提前3-5天发送", "提前3-5天發送", "Send 3–5 days ahead")),
            f("summary", l("讨论内容摘要", "討論內容摘要", "Summary"), Type::Markdown)
                .aka(&["讨论内容", "討論內容", "核心讨论要点", "会议内容", "discussion"])
                .help(l("核心讨论要点", "核心討論要點", "Key points discussed")),
            f("decisions", l("决议事项", "決議事項", "Decisions"), Type::List)
                .aka(&["决议", "決議", "会议决议", "结论"])
                .help(l("每条一行", "每條一行", "One per line")),
            f("actions", l("行动项", "行動項", "Action items"), Type::Sub("action"))
                .aka(&["行动项清单", "行動項清單", "待办事项", "actions"])
                .help(l(
                    "任务描述、负责人、截止日期、交付标准",
                    "任務描述、負責人、截止日期、交付標準",
                    "Description, owner, due date, delivery standard",
                )),
            f("next_meeting", l("下次会议时间", "下次會議時間", "Next meeting"), Type::DateTime)
                .aka(&["下次会议", "下次會議", "next meeting"])
                .help(l("YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM")),
            f("minutes_sent_at", l("纪要发送时间", "紀要發送時間", "Minutes sent"), Type::DateTime)
                .aka(&["纪要发送", "minutes sent at"])
                .help(l("会后24小时内", "會後24小時內", "Within 24 h of the meeting")),
        ],
    },
    KindDef {
        key: "retrospective",
        label: l("成果验收与复盘表", "成果驗收與複盤表", "Acceptance and retrospective"),
        shape: Shape::Form,
        collection: Some("retrospective"),
        sheet_aliases: &[
            "验收与复盘",
            "驗收與複盤",
            "成果验收",
            "成果驗收",
            "复盘",
            "複盤",
            "复盘表",
            "retrospective",
            "retro",
            "acceptance",
        ],
        fields: &[
            f("project", l("项目名称", "項目名稱", "Project"), Type::Text)
                .req()
                .aka(&["專案名稱", "项目", "project name"])
                .help(l("验收的项目", "驗收的項目", "The project accepted")),
            f("accepted_on", l("验收日期", "驗收日期", "Accepted on"), Type::Date)
                .req()
                .aka(&["验收时间", "驗收時間", "acceptance date"])
                .help(l("YYYY-MM-DD", "YYYY-MM-DD", "YYYY-MM-DD")),
            f("department", l("发起部门", "發起部門", "Department"), Type::Text).aka(&["department"]).help(l(
                "组织验收的部门",
                "組織驗收的部門",
                "Department that runs the acceptance",
            )),
            f("panel", l("验收小组", "驗收小組", "Panel"), Type::List).aka(&["验收人员", "acceptance panel"]).help(l(
                "参与验收的部门/人",
                "參與驗收的部門/人",
                "Departments or people on the panel",
            )),
            f("metrics", l("目标达成情况", "目標達成情況", "Goal achievement"), Type::Sub("metric"))
                .aka(&["目标达成", "指标", "metrics", "kpi"])
                .help(l(
                    "如：销售额520万元（目标500万元，超额4%）",
                    "如：銷售額520萬元（目標500萬元，超額4%）",
                    "e.g. Sales 5.2M (target 5M)",
                )),
            f("deliverables", l("交付成果清单", "交付成果清單", "Deliverables"), Type::List)
                .aka(&["交付成果", "成果清单"])
                .help(l("每项一行", "每項一行", "One per line")),
            f("quality", l("成果质量评价", "成果質量評價", "Quality"), Type::Enum(&QUALITY))
                .pair("quality_comment")
                .aka(&["质量评价", "質量評價", "品質評價", "quality rating"])
                .help(l(
                    "优秀/良好/合格/不合格（说明）",
                    "優秀/良好/合格/不合格（說明）",
                    "Excellent / Good / Pass / Fail (comment)",
                )),
            f("quality_comment", l("质量评价说明", "質量評價說明", "Quality comment"), Type::Text).aka(&["评价说明"]),
            f("highlights", l("协作亮点", "協作亮點", "Highlights"), Type::List)
                .aka(&["亮点", "亮點", "what went well"])
                .help(l("每项一行", "每項一行", "One per line")),
            f("problems", l("存在问题", "存在問題", "Problems"), Type::List)
                .aka(&["问题", "問題", "what went wrong"])
                .help(l("每项一行", "每項一行", "One per line")),
            f("improvements", l("改进措施", "改進措施", "Improvements"), Type::List)
                .aka(&["改进", "改進", "actions for next time"])
                .help(l("每项一行", "每項一行", "One per line")),
            f("reviewer", l("复盘人", "複盤人", "Reviewer"), Type::Party).aka(&["复盘负责人", "reviewed by"]).help(l(
                "部门/姓名",
                "部門/姓名",
                "Department / name",
            )),
            f("reviewed_on", l("复盘日期", "複盤日期", "Reviewed on"), Type::Date)
                .aka(&["复盘时间", "複盤時間", "review date"])
                .help(l("验收后1周内", "驗收後1週內", "Within a week of acceptance")),
        ],
    },
    KindDef {
        key: "signoff",
        label: l("签字确认", "簽字確認", "Sign-offs"),
        shape: Shape::Table,
        collection: Some("signoffs"),
        sheet_aliases: &[
            "签字",
            "簽字",
            "签字确认表",
            "签字页",
            "会签",
            "會簽",
            "各部门负责人签字",
            "signoff",
            "signoffs",
            "sign-off",
            "sign-offs",
            "approvals",
            "signatures",
        ],
        fields: &[
            f("stage", l("阶段", "階段", "Stage"), Type::Enum(&STAGE)).req().aka(&["签字阶段", "環節", "环节"]).help(
                l(
                    "需求评审/方案审批/成果验收/纪要确认",
                    "需求評審/方案審批/成果驗收/紀要確認",
                    "Requirement review / Plan approval / Acceptance / Minutes",
                ),
            ),
            f("name", l("姓名", "姓名", "Name"), Type::Text).aka(&["签字人", "簽字人", "签字", "signatory"]).help(l(
                "签字人",
                "簽字人",
                "Who signs",
            )),
            f("department", l("部门", "部門", "Department"), Type::Text).req().aka(&["所属部门", "dept"]).help(l(
                "签字人所在部门",
                "簽字人所在部門",
                "Signatory's department",
            )),
            f("role", l("角色", "角色", "Role"), Type::Text).aka(&["职务", "職務", "title"]).help(l(
                "如部门负责人",
                "如部門負責人",
                "e.g. head of department",
            )),
            f("decision", l("意见", "意見", "Decision"), Type::Enum(&DECISION))
                .req()
                .aka(&["结论", "結論", "审批意见", "審批意見", "签署意见"])
                .help(l("同意/有条件同意/驳回", "同意/有條件同意/駁回", "Approved / Conditional / Rejected")),
            f("date", l("日期", "日期", "Date"), Type::Date).aka(&["签字日期", "簽字日期", "signed on"]).help(l(
                "YYYY-MM-DD",
                "YYYY-MM-DD",
                "YYYY-MM-DD",
            )),
            f("comment", l("备注", "備註", "Comment"), Type::Text).aka(&["说明", "說明", "条件", "comments"]).help(l(
                "有条件同意时写明条件",
                "有條件同意時寫明條件",
                "Conditions, if any",
            )),
        ],
    },
    KindDef {
        key: "milestone",
        label: l("里程碑", "里程碑", "Milestones"),
        shape: Shape::Table,
        collection: None,
        sheet_aliases: &["关键时间节点", "關鍵時間節點"],
        fields: &[
            f("date", l("日期", "日期", "Date"), Type::Date).req().aka(&["时间", "時間", "时间节点"]),
            f("name", l("里程碑", "里程碑", "Milestone"), Type::Text).req().aka(&["名称", "名稱", "内容", "事项"]),
        ],
    },
    KindDef {
        key: "attendee",
        label: l("参会人员", "參會人員", "Attendees"),
        shape: Shape::Table,
        collection: None,
        sheet_aliases: &["参会人", "參會人", "与会人员", "participants"],
        fields: &[
            f("name", l("姓名", "姓名", "Name"), Type::Text).req().aka(&["参会人", "人员"]),
            f("department", l("部门", "部門", "Department"), Type::Text).aka(&["所属部门"]),
            f("role", l("角色", "角色", "Role"), Type::Enum(&ROLE)).aka(&["参会角色", "參會角色"]),
        ],
    },
    KindDef {
        key: "agenda_item",
        label: l("议程", "議程", "Agenda"),
        shape: Shape::Table,
        collection: None,
        sheet_aliases: &["会议议程", "會議議程", "agenda items"],
        fields: &[
            f("topic", l("议题", "議題", "Topic"), Type::Text).req().aka(&["议程", "議程", "议题顺序", "item"]),
            f("goal", l("讨论目标", "討論目標", "Goal"), Type::Text).aka(&["目标", "目標", "objective"]),
            f("minutes", l("预计时长", "預計時長", "Minutes"), Type::Int).aka(&[
                "时长",
                "時長",
                "分钟",
                "分鐘",
                "预计时长分钟",
                "duration",
                "duration (min)",
            ]),
            f("owner", l("负责人", "負責人", "Owner"), Type::Party).aka(&["主讲", "presenter"]),
        ],
    },
    KindDef {
        key: "action",
        label: l("行动项", "行動項", "Action items"),
        shape: Shape::Table,
        // Inside minutes a sub-table; a sheet of its own is the project's action register.
        collection: Some("actions"),
        sheet_aliases: &[
            "行动项清单",
            "行動項清單",
            "行动项表格",
            "行动项跟踪表",
            "行動項追蹤表",
            "待办事项",
            "待辦事項",
            "action items",
            "actions",
            "action tracker",
            "action log",
            "action items log",
        ],
        fields: &[
            f("id", l("编号", "編號", "ID"), Type::Text).aka(&["序号", "序號", "行动项编号", "no"]),
            f("description", l("任务描述", "任務描述", "Description"), Type::Text).req().aka(&[
                "行动项",
                "行動項",
                "事项",
                "事項",
                "内容",
                "action",
            ]),
            f("owner", l("负责人", "負責人", "Owner"), Type::Party).req().aka(&[
                "责任人",
                "責任人",
                "行动项负责人",
                "assignee",
            ]),
            f("due", l("截止日期", "截止日期", "Due"), Type::Date).req().aka(&[
                "截止时间",
                "截止時間",
                "完成时间",
                "due date",
                "deadline",
            ]),
            f("standard", l("交付标准", "交付標準", "Delivery standard"), Type::Text).req().aka(&[
                "交付成果",
                "验收标准",
                "definition of done",
            ]),
            f("priority", l("优先级", "優先級", "Priority"), Type::Enum(&PRIORITY)),
            f("status", l("状态", "狀態", "Status"), Type::Enum(&TASK_STATUS)).aka(&["当前状态", "當前狀態", "进展"]),
            f("meeting", l("来源会议", "來源會議", "Meeting"), Type::Text)
                .aka(&[
                    "会议",
                    "會議",
                    "会议名称",
                    "会议编号",
                    "所属会议",
                    "meeting name",
                    "source meeting",
                    "raised in",
                ])
                .help(l(
                    "提出该行动项的会议（编号或主题）；会议纪要中的行动项不必填写",
                    "提出該行動項的會議（編號或主題）；會議紀要中的行動項不必填寫",
                    "The meeting that raised the action (id or title); not needed inside minutes",
                )),
        ],
    },
    KindDef {
        key: "metric",
        label: l("目标达成情况", "目標達成情況", "Metrics"),
        shape: Shape::Table,
        collection: None,
        sheet_aliases: &["指标", "指標", "metrics"],
        fields: &[
            f("name", l("指标", "指標", "Metric"), Type::Text).req().aka(&["指标名称", "名称", "metric"]),
            f("target", l("目标值", "目標值", "Target"), Type::Quantity).req().aka(&["目标", "目標", "target value"]),
            f("actual", l("实际值", "實際值", "Actual"), Type::Quantity).req().aka(&[
                "实际",
                "實際",
                "达成",
                "actual value",
            ]),
            f("achievement", l("达成率", "達成率", "Achievement"), Type::Percent).computed(),
        ],
    },
];
