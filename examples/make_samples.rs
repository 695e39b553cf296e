//! Regenerates the sample workbooks under `samples/`:
//!
//! ```sh
//! cargo run --example make_samples
//! ```
//!
//! Three projects (see `samples/README.md`):
//! - `seed-2024-MKT-001/协作项目.xlsx` — the seed's own worked example, templates 1–4 of
//!   seed 000 (需求登记表, 任务分工与进度跟踪表, 风险与问题登记表, 成果验收与复盘表) plus the
//!   sign-offs the seed asks for (000 二(一) 各方签字确认, 二(六) 验收通过后各方签字确认).
//! - `en-website-relaunch/plan.xlsx` — an English project (requirement, tasks, risks, sign-offs).
//! - `tw-messy-branch-launch/門市開幕專案.xlsx` — traditional-Chinese labels in a messy layout:
//!   title banner, an 更新日期 line, a two-level merged header, data from column B, text
//!   dates in mixed forms (incl. full-width digits), a blank row, a trailing 填表說明 block.
//!
//! The Markdown samples beside the workbooks are hand-written and committed as they are.
//! Output is byte-stable: document properties carry a fixed creation date and
//! rust_xlsxwriter fixes the zip timestamps.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

type Result<T> = std::result::Result<T, XlsxError>;

/// One cell to write.
#[derive(Clone, Copy)]
enum C<'a> {
    /// Text, written as a string cell even when it looks like a number (`001`, `1.1`).
    T(&'a str),
    /// A real Excel date cell, formatted `yyyy-mm-dd`.
    D(u16, u8, u8),
    /// A real number formatted as a percentage (`1.0` shows as 100%).
    P(f64),
    /// Nothing (a bordered blank inside a table).
    E,
}

use C::{D, E, P, T};

struct Styles {
    title: Format,
    header: Format,
    text: Format,
    date: Format,
    pct: Format,
    note: Format,
    label: Format,
    help: Format,
}

impl Styles {
    fn new() -> Styles {
        let border = |f: Format| f.set_border(FormatBorder::Thin);
        let body = border(Format::new().set_text_wrap().set_align(FormatAlign::Top));
        Styles {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: border(
                Format::new()
                    .set_bold()
                    .set_text_wrap()
                    .set_background_color(Color::RGB(0xD9E1F2))
                    .set_align(FormatAlign::Center)
                    .set_align(FormatAlign::VerticalCenter),
            ),
            text: body.clone(),
            date: body.clone().set_num_format("yyyy-mm-dd"),
            pct: body.clone().set_num_format("0%"),
            note: Format::new().set_italic().set_font_color(Color::RGB(0x595959)),
            label: border(
                Format::new().set_bold().set_background_color(Color::RGB(0xF2F2F2)).set_align(FormatAlign::Top),
            ),
            help: border(
                Format::new().set_text_wrap().set_font_color(Color::RGB(0x7F7F7F)).set_align(FormatAlign::Top),
            ),
        }
    }
}

fn write_cell(ws: &mut Worksheet, row: u32, col: u16, cell: C, st: &Styles) -> Result<()> {
    match cell {
        T(s) => ws.write_string_with_format(row, col, s, &st.text)?,
        D(y, m, d) => ws.write_datetime_with_format(row, col, ExcelDateTime::from_ymd(y, m, d)?, &st.date)?,
        P(v) => ws.write_number_with_format(row, col, v, &st.pct)?,
        E => ws.write_blank(row, col, &st.text)?,
    };
    Ok(())
}

fn write_row(ws: &mut Worksheet, row: u32, col: u16, cells: &[C], st: &Styles) -> Result<()> {
    for (i, &cell) in cells.iter().enumerate() {
        write_cell(ws, row, col + i as u16, cell, st)?;
    }
    Ok(())
}

fn write_header(ws: &mut Worksheet, row: u32, col: u16, labels: &[&str], st: &Styles) -> Result<()> {
    for (i, label) in labels.iter().enumerate() {
        ws.write_string_with_format(row, col + i as u16, *label, &st.header)?;
    }
    Ok(())
}

/// A plain table sheet: header in row 1, one record per row, header frozen.
fn table(wb: &mut Workbook, name: &str, headers: &[&str], rows: &[&[C]], widths: &[f64], st: &Styles) -> Result<()> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    write_header(ws, 0, 0, headers, st)?;
    for (i, row) in rows.iter().enumerate() {
        write_row(ws, 1 + i as u32, 0, row, st)?;
    }
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A form sheet: an optional header row (field | instructions | content), then one
/// field per row — label, optional 填写说明, value.
fn form(
    ws: &mut Worksheet,
    header: Option<&[&str]>,
    rows: &[(&str, &str, C)],
    widths: &[f64],
    st: &Styles,
) -> Result<u32> {
    let mut r = 0;
    let with_help = header.is_some_and(|h| h.len() == 3);
    if let Some(h) = header {
        write_header(ws, 0, 0, h, st)?;
        r = 1;
    }
    for (label, help, value) in rows {
        ws.write_string_with_format(r, 0, *label, &st.label)?;
        let vcol = if with_help {
            ws.write_string_with_format(r, 1, *help, &st.help)?;
            2
        } else {
            1
        };
        write_cell(ws, r, vcol, *value, st)?;
        r += 1;
    }
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }
    Ok(r)
}

fn save(mut wb: Workbook, path: &Path, title: &str, lang: &str) -> Result<()> {
    // Fixed properties keep the bytes stable across runs (no wall-clock creation date).
    let created = ExcelDateTime::from_ymd(2024, 10, 20)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("dossier samples")
            .set_comment(format!("Generated by `cargo run --example make_samples` ({lang})"))
            .set_creation_datetime(&created),
    );
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(XlsxError::IoError)?;
    }
    wb.save(path)?;
    println!("wrote {}", path.display());
    Ok(())
}

fn main() -> Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    let st = Styles::new();
    seed(&root.join("seed-2024-MKT-001"), &st)?;
    english(&root.join("en-website-relaunch"), &st)?;
    taiwan(&root.join("tw-messy-branch-launch"), &st)?;
    Ok(())
}

/// seed 000 模板1–4 as one project, values exactly as the seed has them.
#[rustfmt::skip]
fn seed(dir: &Path, st: &Styles) -> Result<()> {
    let mut wb = Workbook::new();

    // seed 000 模板1: 字段名称 | 填写说明 | 示例 — the value sits after the instructions.
    let ws = wb.add_worksheet();
    ws.set_name("需求登记表")?;
    form(
        ws,
        Some(&["字段名称", "填写说明", "内容"]),
        &[
            ("需求编号", "按年份+部门+序号编制(如“2024-MKT-001”)", T("2024-MKT-001")),
            ("发起部门", "提出需求的部门", T("市场部")),
            ("发起人", "需求对接人(姓名用*代替)", T("*")),
            ("联系方式", "发起人电话/邮箱(虚拟信息)", T("1385678")),
            ("协作主题", "需求核心内容(简洁明了)", T("2024年Q3新品上市推广")),
            ("目标描述", "需达成的具体目标(可量化)", T("3个月内实现新品销售额500万元")),
            ("涉及部门", "需协作的内部/外部部门", T("产品部、销售部、设计部、渠道商A公司")),
            ("预期成果", "需交付的文档/物", T("活动方案、宣传物料、销售数据报告")),
            ("时间节点", "计划开始/结束时间(精确到日)", T("2024-07-15至2024-09-30")),
            ("关键资源需求", "所需人力、预算、设备等", T("预算20万元,设计师2名,线下场地5个")),
            ("需求优先级", "高(P0)/中(P1)/低(P2)", T("P0")),
            ("需求状态", "待评审/已确认/执行中/已完成/已驳回", T("已确认")),
            ("备注", "其他说明(如特殊要求、限制条件)", T("需保证活动符合最新广告法规定")),
        ],
        &[14.0, 36.0, 40.0],
        st,
    )?;

    // seed 000 模板2, plus 完成比例 (seed 003 二(三)), 依赖任务 (003 二(二)) and
    // 存在问题 for the blocked task (000 二(四)).
    table(
        &mut wb,
        "任务分工与进度跟踪表",
        &[
            "任务ID", "子任务名称", "负责部门/人", "协作部门/人", "计划开始时间", "计划结束时间",
            "实际完成时间", "当前状态", "完成比例", "交付成果", "优先级", "依赖任务", "存在问题",
        ],
        &[
            &[T("1.1"), T("活动方案设计"), T("市场部*"), T("产品部*"), D(2024, 7, 15), D(2024, 7, 25), D(2024, 7, 24), T("已完成"), P(1.0), T("《推广活动方案V1.0》"), T("P0"), E, E],
            &[T("1.2"), T("产品卖点提炼"), T("产品部*"), T("市场部*"), D(2024, 7, 16), D(2024, 7, 20), D(2024, 7, 20), T("已完成"), P(1.0), T("《产品核心卖点清单》"), T("P0"), E, E],
            &[T("2.1"), T("宣传物料制作"), T("设计部*"), T("市场部*"), D(2024, 7, 26), D(2024, 8, 5), D(2024, 8, 6), T("阻塞"), P(0.8), T("海报、宣传册(待修改)"), T("P1"), T("1.1、1.2"), T("宣传物料设计不符合品牌规范,需重新设计并增加品牌审核环节(见风险001)")],
            &[T("3.1"), T("渠道对接"), T("销售部*"), T("渠道商A公司*"), D(2024, 7, 20), D(2024, 7, 30), D(2024, 7, 31), T("已完成"), P(1.0), T("《渠道合作协议》"), T("P0"), E, E],
        ],
        &[8.0, 16.0, 12.0, 14.0, 12.0, 12.0, 12.0, 10.0, 9.0, 22.0, 7.0, 10.0, 36.0],
        st,
    )?;

    // seed 000 模板3.
    table(
        &mut wb,
        "风险与问题登记表",
        &["记录ID", "风险/问题描述", "影响等级", "责任部门/人", "发生时间", "计划解决时间", "实际解决时间", "解决措施", "处理结果"],
        &[
            &[T("001"), T("宣传物料设计不符合品牌规范"), T("高"), T("设计部*"), D(2024, 8, 6), D(2024, 8, 7), D(2024, 8, 7), T("重新设计,增加品牌审核环节"), T("已解决")],
            &[T("002"), T("数据监测系统响应延迟"), T("中"), T("技术部*"), D(2024, 8, 8), D(2024, 8, 10), D(2024, 8, 9), T("升级服务器,优化数据接口"), T("已解决")],
            &[T("003"), T("线下活动场地临时取消"), T("高"), T("运营部*"), D(2024, 8, 15), D(2024, 8, 16), D(2024, 8, 16), T("启用备用场地,同步调整通知用户"), T("已解决")],
        ],
        &[8.0, 28.0, 9.0, 12.0, 12.0, 12.0, 12.0, 30.0, 10.0],
        st,
    )?;

    // seed 000 模板4: two columns, label | content; 目标达成情况 as the seed writes it.
    let ws = wb.add_worksheet();
    ws.set_name("成果验收与复盘表")?;
    form(
        ws,
        None,
        &[
            ("项目名称", "", T("2024年Q3新品上市推广活动")),
            ("验收日期", "", D(2024, 10, 10)),
            ("发起部门", "", T("市场部")),
            ("验收小组", "", T("市场部、销售部、产品部*")),
            ("目标达成情况", "", T("销售额520万元(目标500万元,超额4%)\n用户参与量15万人次(目标12万人次,超额25%)")),
            ("交付成果清单", "", T("1.《推广活动总结报告》\n2.《销售数据统计表》\n3.用户反馈分析报告")),
            ("成果质量评价", "", T("优秀(方案执行到位,数据完整)")),
            ("协作亮点", "", T("1.跨部门周例会机制高效,信息同步及时\n2.风险预案完善,场地问题2小时内解决")),
            ("存在问题", "", T("1.数据监测反馈延迟,影响实时决策\n2.部分物料制作周期紧张,设计修改耗时较长")),
            ("改进措施", "", T("1.建立“数据日报机制”,指定技术部*专人负责监测\n2.提前3天启动物料设计,预留1天修改缓冲期")),
            ("复盘人", "", T("市场部*")),
            ("复盘日期", "", D(2024, 10, 15)),
        ],
        &[14.0, 60.0],
        st,
    )?;

    // seed 000 二(一) 需求评审通过后各方签字确认 (渠道商A公司 included: it is one of the 涉及部门); 二(六) 验收通过后各方签字确认.
    table(
        &mut wb,
        "签字确认",
        &["阶段", "部门", "姓名", "角色", "意见", "日期", "备注"],
        &[
            &[T("需求评审"), T("产品部"), T("*"), T("部门负责人"), T("同意"), D(2024, 7, 12), E],
            &[T("需求评审"), T("销售部"), T("*"), T("部门负责人"), T("同意"), D(2024, 7, 12), E],
            &[T("需求评审"), T("设计部"), T("*"), T("部门负责人"), T("同意"), D(2024, 7, 12), E],
            &[T("需求评审"), T("渠道商A公司"), T("*"), T("渠道经理"), T("同意"), D(2024, 7, 12), T("外部合作方")],
            &[T("成果验收"), T("市场部"), T("*"), T("组长"), T("同意"), D(2024, 10, 10), E],
            &[T("成果验收"), T("销售部"), T("*"), T("部门负责人"), T("同意"), D(2024, 10, 10), E],
            &[T("成果验收"), T("产品部"), T("*"), T("部门负责人"), T("同意"), D(2024, 10, 10), E],
        ],
        &[10.0, 10.0, 8.0, 12.0, 8.0, 12.0, 20.0],
        st,
    )?;

    save(wb, &dir.join("协作项目.xlsx"), "2024年Q3新品上市推广", "zh-CN")
}

/// An English project: requirement form, ~10 tasks with dependencies, 4 risks, sign-offs.
#[rustfmt::skip]
fn english(dir: &Path, st: &Styles) -> Result<()> {
    let mut wb = Workbook::new();

    let ws = wb.add_worksheet();
    ws.set_name("Requirement")?;
    form(
        ws,
        Some(&["Field", "Instructions", "Value"]),
        &[
            ("Requirement ID", "Year + department + number, e.g. 2024-MKT-001", T("2024-WEB-007")),
            ("Title", "The core of the request, short and clear", T("Corporate website relaunch")),
            ("Department", "The department raising the request", T("Marketing")),
            ("Initiator", "Contact person for the request", T("Marketing / Li Na")),
            ("Contact", "Initiator's phone or e-mail", T("li.na@example.com")),
            ("Goal", "The concrete, measurable goal", T("Relaunch the website by 29 November 2024 with pages loading in under 2 s and 20% more contact-form enquiries than in Q3")),
            ("Departments involved", "At least 2", T("IT, Design, Customer Service, Legal")),
            ("Expected deliverables", "Documents or items to deliver", T("New site design; migrated content; analytics dashboard")),
            ("Start", "Planned start", D(2024, 9, 2)),
            ("End", "Planned end", D(2024, 11, 29)),
            ("Resources", "People, budget and equipment needed", T("Budget EUR 60k; 2 front-end developers; 1 designer; staging server")),
            ("Foreseen risks", "Collaboration problems that may arise", T("Content owners late with copy; quality of the legacy CMS export")),
            ("Priority", "High (P0) / Medium (P1) / Low (P2)", T("High")),
            ("Status", "Pending review / Confirmed / In progress / Done / Rejected", T("In progress")),
            ("Coordinator", "Who organises the review", T("PMO / David Chen")),
            ("Lead", "Lead person or department", T("Marketing")),
            ("Notes", "Anything else", T("Accessibility target: WCAG 2.1 AA on every template.")),
        ],
        &[22.0, 40.0, 50.0],
        st,
    )?;

    table(
        &mut wb,
        "Tasks",
        &[
            "Task ID", "Task", "Owner", "Collaborators", "Planned start", "Planned end", "Actual end",
            "Status", "Progress", "Deliverable", "Priority", "Depends on", "Next step", "Problem",
        ],
        &[
            &[T("1.1"), T("Stakeholder interviews"), T("Marketing / Li Na"), T("Customer Service, Legal"), D(2024, 9, 2), D(2024, 9, 6), D(2024, 9, 6), T("Done"), P(1.0), T("Interview notes and goals summary"), T("High"), E, E, E],
            &[T("1.2"), T("Content audit"), T("Marketing / Tom Berg"), T("Legal"), D(2024, 9, 2), D(2024, 9, 13), D(2024, 9, 12), T("Done"), P(1.0), T("Content inventory with keep/rewrite/drop per page"), T("Medium"), E, E, E],
            &[T("2.1"), T("Information architecture and sitemap"), T("Design / Sara Kim"), T("Marketing"), D(2024, 9, 9), D(2024, 9, 20), D(2024, 9, 20), T("Done"), P(1.0), T("Approved sitemap"), T("High"), T("1.1"), E, E],
            &[T("2.2"), T("Visual design and clickable prototype"), T("Design / Sara Kim"), T("Marketing, Customer Service"), D(2024, 9, 23), D(2024, 10, 11), D(2024, 10, 11), T("Done"), P(1.0), T("Figma prototype signed off by Marketing"), T("High"), T("2.1"), E, E],
            &[T("3.1"), T("CMS setup and hosting"), T("IT / Raj Patel"), E, D(2024, 9, 16), D(2024, 9, 27), D(2024, 9, 26), T("Done"), P(1.0), T("Staging environment with SSO"), T("High"), T("1.1"), E, E],
            &[T("3.2"), T("Front-end build"), T("IT / Raj Patel"), T("Design"), D(2024, 10, 14), D(2024, 11, 8), E, T("In progress"), P(0.45), T("All templates built on staging"), T("High"), T("2.2, 3.1"), T("Product and contact pages"), E],
            &[T("3.3"), T("Content migration"), T("Marketing / Tom Berg"), T("IT"), D(2024, 10, 21), D(2024, 11, 8), E, T("Not started"), P(0.0), T("All kept pages migrated and proof-read"), T("Medium"), T("1.2, 3.1"), E, E],
            &[T("4.1"), T("Accessibility and performance testing"), T("IT / Mei Wong"), T("Design"), D(2024, 11, 11), D(2024, 11, 19), E, T("Not started"), P(0.0), T("Test report: WCAG 2.1 AA, pages under 2 s"), T("High"), T("3.2, 3.3"), E, E],
            &[T("4.2"), T("Legal review of privacy and cookie pages"), T("Legal / Omar Haddad"), T("Marketing"), D(2024, 11, 11), D(2024, 11, 15), E, T("Not started"), P(0.0), T("Signed-off legal pages"), T("Medium"), T("3.3"), E, E],
            &[T("4.3"), T("FAQ update and support team briefing"), T("Customer Service / Ana Lopez"), T("Marketing"), D(2024, 11, 18), D(2024, 11, 22), E, T("Not started"), P(0.0), T("Updated FAQ; briefing held"), T("Low"), T("3.3"), E, E],
            &[T("5.1"), T("Go-live and redirect switch-over"), T("IT / Raj Patel"), T("Marketing, Customer Service"), D(2024, 11, 25), D(2024, 11, 29), E, T("Not started"), P(0.0), T("New site live; old URLs redirected"), T("High"), T("4.1, 4.2, 4.3"), E, E],
        ],
        &[8.0, 34.0, 26.0, 26.0, 12.0, 12.0, 12.0, 12.0, 9.0, 36.0, 9.0, 12.0, 24.0, 20.0],
        st,
    )?;

    table(
        &mut wb,
        "Risks",
        &["ID", "Type", "Description", "Impact", "Owner", "Raised on", "Due", "Resolved on", "Measures", "Status"],
        &[
            &[T("R-01"), T("Risk"), T("Content owners deliver copy late, delaying the migration"), T("High"), T("Marketing / Tom Berg"), D(2024, 9, 10), D(2024, 11, 1), E, T("Weekly copy deadlines per section; placeholder copy pre-approved by Legal"), T("In progress")],
            &[T("R-02"), T("Issue"), T("Legacy CMS export drops image alt text"), T("Medium"), T("IT / Raj Patel"), D(2024, 9, 24), D(2024, 10, 4), D(2024, 10, 3), T("Scripted re-import of alt text from the media library"), T("Resolved")],
            &[T("R-03"), T("Risk"), T("Third-party booking widget is not WCAG 2.1 AA compliant"), T("High"), T("Design / Sara Kim"), D(2024, 10, 2), D(2024, 10, 31), E, T("Vendor fix requested; accessible fallback form designed"), T("Open")],
            &[T("R-04"), T("Risk"), T("Hosting cut-over falls in a campaign week"), T("Low"), T("IT / Mei Wong"), D(2024, 10, 7), D(2024, 11, 15), E, T("Go live after the campaign ends; rehearse the DNS switch on staging"), T("Open")],
        ],
        &[7.0, 8.0, 46.0, 9.0, 22.0, 12.0, 12.0, 12.0, 50.0, 12.0],
        st,
    )?;

    table(
        &mut wb,
        "Sign-offs",
        &["Stage", "Name", "Department", "Role", "Decision", "Date", "Comment"],
        &[
            &[T("Requirement review"), T("Priya Nair"), T("IT"), T("Head of IT"), T("Approved"), D(2024, 8, 29), E],
            &[T("Requirement review"), T("Sara Kim"), T("Design"), T("Design lead"), T("Approved"), D(2024, 8, 29), E],
            &[T("Requirement review"), T("Ana Lopez"), T("Customer Service"), T("Head of Customer Service"), T("Approved"), D(2024, 8, 30), E],
            &[T("Requirement review"), T("Omar Haddad"), T("Legal"), T("Counsel"), T("Approved"), D(2024, 8, 30), E],
        ],
        &[20.0, 14.0, 18.0, 26.0, 10.0, 12.0, 20.0],
        st,
    )?;

    save(wb, &dir.join("plan.xlsx"), "Corporate website relaunch", "en")
}

/// Traditional-Chinese labels in the layout people really send: banner, update line,
/// two-level header, data from column B, mixed text dates, blank row, notes block.
#[rustfmt::skip]
fn taiwan(dir: &Path, st: &Styles) -> Result<()> {
    let mut wb = Workbook::new();

    // The requirement form, with a title row, then the department heads' sign-offs as a
    // sub-table at the bottom (seed 000 二(一) 評審通過後各方簽字確認).
    let ws = wb.add_worksheet();
    ws.set_name("跨部門協作需求登記表")?;
    ws.merge_range(0, 0, 0, 4, "跨部門協作需求登記表", &st.title)?;
    ws.set_row_height(0, 24)?;
    write_header(ws, 1, 0, &["欄位名稱", "填寫說明", "內容"], st)?;
    let rows: &[(&str, &str, &str)] = &[
        ("需求編號", "按年份+部門+序號編制", "2024-OPS-012"),
        ("發起部門", "提出需求的部門", "營運部"),
        ("發起人", "需求對接人", "營運部/陳怡君"),
        ("聯絡方式", "電話/郵箱", "02-2720-1234 分機 301"),
        ("協作主題", "需求核心內容", "信義門市開幕籌備"),
        ("目標描述", "需達成的具體目標(可量化)", "2024年11月1日正式開幕,首月營業額達新台幣300萬元"),
        ("涉及部門", "需協作的內部/外部部門", "工程部、採購部、行銷部、人資部"),
        ("預期成果", "需交付的文檔/物", "完工門市、開幕活動、到職並完成培訓的門市團隊"),
        ("時間節點", "計劃開始/結束時間", "2024/7/15至2024/11/15"),
        ("關鍵資源需求", "人力、預算、設備等", "裝修預算新台幣450萬元,門市人員12名,POS設備4套"),
        ("風險預估", "可能遇到的協作問題", "颱風季影響工期;開幕前人力招募不足"),
        ("需求優先級", "高/中/低", "高"),
        ("需求狀態", "待評審/已確認/執行中/已完成/已駁回", "執行中"),
        ("備註", "其他說明", "開幕日期已對外公告,不可延後"),
    ];
    let mut r = 2;
    for (label, help, value) in rows {
        ws.write_string_with_format(r, 0, *label, &st.label)?;
        ws.write_string_with_format(r, 1, *help, &st.help)?;
        ws.write_string_with_format(r, 2, *value, &st.text)?;
        r += 1;
    }
    r += 1;
    ws.write_string_with_format(r, 0, "各部門負責人簽字", &st.label)?;
    r += 1;
    write_header(ws, r, 0, &["階段", "部門", "姓名", "意見", "日期"], st)?;
    for row in [
        ["需求評審", "工程部", "林志明", "同意", "2024/7/12"],
        ["需求評審", "採購部", "黃柏翰", "同意", "2024/7/12"],
        ["需求評審", "行銷部", "張家豪", "同意", "2024/7/12"],
        ["需求評審", "人資部", "王雅婷", "同意", "2024/7/13"],
    ] {
        r += 1;
        let cells: Vec<C> = row.iter().map(|s| T(s)).collect();
        write_row(ws, r, 0, &cells, st)?;
    }
    for (i, w) in [14.0, 26.0, 44.0, 8.0, 12.0].iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }

    // The task sheet.
    let ws = wb.add_worksheet();
    ws.set_name("專案進度追蹤表")?;
    ws.set_column_width(0, 3.0)?;
    ws.merge_range(0, 1, 0, 12, "信義門市開幕專案 任務分工與進度追蹤表", &st.title)?;
    ws.set_row_height(0, 26)?;
    ws.write_string_with_format(1, 1, "更新日期:2024年10月18日", &st.note)?;
    ws.write_string_with_format(1, 10, "填表人:營運部 陳怡君", &st.note)?;
    // Two-level header: 計劃 over 開始時間 | 結束時間; the other headers span both rows.
    let top = ["任務ID", "子任務名稱", "負責部門/人", "協作部門/人", "", "", "實際完成時間", "當前狀態", "完成比例", "優先級", "依賴任務", "存在問題"];
    for (i, label) in top.iter().enumerate() {
        let col = 1 + i as u16;
        if !label.is_empty() {
            ws.merge_range(2, col, 3, col, label, &st.header)?;
        }
    }
    ws.merge_range(2, 5, 2, 6, "計劃", &st.header)?;
    ws.write_string_with_format(3, 5, "開始時間", &st.header)?;
    ws.write_string_with_format(3, 6, "結束時間", &st.header)?;
    let tasks: &[[&str; 12]] = &[
        ["1.1", "租約簽訂", "營運部/陳怡君", "法務部", "2024/7/15", "2024/7/26", "2024年7月25日", "已完成", "100%", "高", "", ""],
        ["1.2", "裝修設計定稿", "工程部/林志明", "行銷部", "2024.7.29", "2024.8.9", "2024.8.9", "已完成", "100%", "高", "1.1", ""],
        ["2.1", "門市裝修施工", "工程部/林志明", "採購部", "２０２４-０８-１２", "2024/9/27", "2024/9/27", "已完成", "100%", "高", "1.2", ""],
        ["2.2", "設備採購與進場", "採購部/黃柏翰", "工程部", "2024年9月2日", "2024年10月11日", "2024/10/11", "已完成", "100%", "中", "1.2", ""],
        ["", "", "", "", "", "", "", "", "", "", "", ""],
        ["3.1", "門市人員招募與培訓", "人資部/王雅婷", "營運部", "２０２４-０８-０１", "2024/10/25", "", "進行中", "70%", "中", "", "已錄取10名,尚缺2名正職"],
        ["3.2", "開幕行銷活動", "行銷部/張家豪", "營運部", "2024.10.1", "2024/10/31", "", "進行中", "40%", "高", "", ""],
        ["3.3", "開幕紀念品採購", "採購部/黃柏翰", "行銷部", "2024.9.16", "2024/10/18", "2024年10月17日", "已完成", "100%", "低", "", ""],
        ["4.1", "試營運", "營運部/陳怡君", "人資部、行銷部", "2024/10/28", "2024/10/31", "", "未開始", "0%", "高", "2.1、2.2、3.1", ""],
        ["4.2", "正式開幕", "營運部/陳怡君", "行銷部", "2024/11/1", "2024/11/1", "", "未開始", "0%", "高", "4.1", ""],
    ];
    let mut r = 4;
    for t in tasks {
        if t.iter().all(|s| s.is_empty()) {
            r += 1; // a blank row in the middle, as people leave them
            continue;
        }
        let cells: Vec<C> = t.iter().map(|s| if s.is_empty() { E } else { T(s) }).collect();
        write_row(ws, r, 1, &cells, st)?;
        r += 1;
    }
    r += 1;
    for line in [
        "填表說明:",
        "1. 日期請填寫為 YYYY/M/D,實際完成時間於任務完成後填寫;",
        "2. 當前狀態限填:未開始/進行中/待審核/已完成/阻塞/延期;",
        "3. 優先級:高/中/低;狀態為阻塞或延期時須填寫存在問題。",
    ] {
        ws.write_string_with_format(r, 1, line, &st.note)?;
        r += 1;
    }
    for (i, w) in [8.0, 18.0, 16.0, 16.0, 16.0, 16.0, 16.0, 10.0, 9.0, 8.0, 14.0, 26.0].iter().enumerate() {
        ws.set_column_width(1 + i as u16, *w)?;
    }
    ws.set_freeze_panes(4, 0)?;

    // The risk register with traditional labels.
    let ws = wb.add_worksheet();
    ws.set_name("風險與問題登記表")?;
    ws.merge_range(0, 0, 0, 9, "風險與問題登記表", &st.title)?;
    write_header(
        ws,
        1,
        0,
        &["記錄ID", "類型", "風險/問題描述", "影響等級", "責任部門/人", "發生時間", "計劃解決時間", "實際解決時間", "解決措施", "解決狀態"],
        st,
    )?;
    let risks: &[&[C]] = &[
        &[T("R01"), T("風險"), T("颱風季可能延誤裝修工期"), T("高"), T("工程部/林志明"), D(2024, 8, 20), D(2024, 9, 20), D(2024, 9, 18), T("預留一週緩衝,建材提前進場"), T("已解決")],
        &[T("R02"), T("問題"), T("收銀系統與總部ERP對接失敗"), T("中"), T("資訊部/李建宏"), T("2024/10/8"), T("2024/10/25"), E, T("與ERP廠商共同排查介面,10/23前完成聯調"), T("處理中")],
        &[T("R03"), T("風險"), T("開幕活動期間門市人力不足"), T("高"), T("人資部/王雅婷"), T("2024/10/10"), T("2024/10/28"), E, T("向鄰近門市借調4名支援人力"), T("未解決")],
    ];
    for (i, row) in risks.iter().enumerate() {
        write_row(ws, 2 + i as u32, 0, row, st)?;
    }
    for (i, w) in [8.0, 6.0, 30.0, 9.0, 16.0, 12.0, 12.0, 12.0, 34.0, 10.0].iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }

    save(wb, &dir.join("門市開幕專案.xlsx"), "信義門市開幕專案", "zh-TW")
}
