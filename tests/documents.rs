//! Documents a director signs without a second look (issue 13), checked from the files
//! themselves: PDF pages through poppler (`pdftotext`, `pdfinfo`, `pdffonts`), the HTML print
//! through Chromium's `--print-to-pdf`, workbooks through openpyxl. The cases are a long
//! plan (90 tasks, 18 departments signing, a meeting with 12 agenda items and actions without
//! ids) and a batch where most projects fail. `.ci/run` installs the tools; elsewhere a test
//! without them says so and passes, except in CI, where it fails.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn dossier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("DOSSIER_LANG", "zh-CN")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("dossier runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn have(tool: &str, probe: &[&str]) -> bool {
    let ok = Command::new(tool).args(probe).output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "{tool} is missing in CI: .ci/run installs it");
        eprintln!("skipped: {tool} is not installed here (CI installs it)");
    }
    ok
}

fn run(tool: &str, args: &[&str]) -> String {
    let o = Command::new(tool).args(args).output().unwrap();
    assert!(o.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

const DEPTS: [&str; 18] = [
    "市场部",
    "产品部",
    "设计部",
    "销售部",
    "技术部",
    "财务部",
    "法务部",
    "运营部",
    "客服中心",
    "采购部",
    "人力资源部",
    "行政部",
    "品牌部",
    "数据中心",
    "供应链部",
    "渠道商A公司",
    "华东大区办",
    "质量管理部",
];
const STATUSES: [&str; 9] = ["已完成", "已完成", "进行中", "未开始", "阻塞", "延期", "待审核", "进行中", "未开始"];
const LONG_WORD: &str = "Blocked-by-SupercalifragilisticexpialidociousConfigurationManagementDatabaseMigration";

fn id_of(i: usize) -> String {
    if i.is_multiple_of(9) { format!("{}", i / 9 + 1) } else { format!("{}.{}", i / 9 + 1, i % 9) }
}

/// The long case: one project of 90 tasks over five months, 18 departments to sign, 24
/// risks, a meeting with 12 agenda items, 10 actions (every third without an id) and a
/// summary ending in a task list.
/// [`long_case`] under `root`, built `--to` the formats `to` into `root/out`: its folder and
/// the output folder.
fn build_long_case(root: &Path, to: &str) -> (PathBuf, PathBuf) {
    let src = long_case(root);
    let out = root.join("out");
    let o = build(&src, &out, &["--to", to]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    (src, out)
}

fn long_case(root: &Path) -> PathBuf {
    let dir = root.join("long-plan");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("requirement.md"),
        format!(
            "---\nkind: requirement\nid: 2024-OPS-090\ntitle: 2024年全渠道门店数字化升级项目\ndepartment: 运营部\ninitiator: 运营部/周八\ngoal: 6个月内完成120家门店的数字化改造\ndepartments: [{}]\nstart: 2024-05-06\nend: 2024-09-30\npriority: 高\nstatus: 执行中\n---\n",
            DEPTS.join(", ")
        ),
    )
    .unwrap();
    let d0 = chrono::NaiveDate::from_ymd_opt(2024, 5, 6).unwrap();
    let mut tasks = String::from("---\nkind: tasks\ntasks:\n");
    for i in 0..90 {
        let s = d0 + chrono::Duration::days((i as f64 * 1.4) as i64);
        let e = s + chrono::Duration::days(4 + (i % 11) as i64);
        let st = STATUSES[i % 9];
        let mut t = format!(
            "  - {{id: \"{}\", name: 需求调研与访谈（第{}批）, owner: {}*, planned_start: {s}, planned_end: {e}, status: {st}",
            id_of(i),
            i + 1,
            DEPTS[i % 18]
        );
        if st == "已完成" {
            t.push_str(&format!(", actual_end: {e}, progress: 100%"));
        }
        if i > 0 && i % 4 == 0 {
            t.push_str(&format!(", depends_on: [\"{}\"]", id_of(i - 1)));
        }
        if st == "阻塞" {
            t.push_str(", problem: 供应商排期冲突，需协调资源并调整上线时间（见风险R-003）。");
        }
        if i == 17 {
            t.push_str(&format!(", problem: {LONG_WORD}"));
        }
        tasks.push_str(&t);
        tasks.push_str("}\n");
    }
    tasks.push_str("---\n");
    fs::write(dir.join("tasks.md"), tasks).unwrap();
    let mut signoffs = String::from("---\nkind: signoffs\nsignoffs:\n");
    for (i, d) in DEPTS.iter().take(7).enumerate() {
        signoffs.push_str(&format!(
            "  - {{stage: 需求评审, name: 负责人{}, department: {d}, role: 部门负责人, decision: 同意, date: 2024-05-0{}}}\n",
            i + 1,
            1 + i % 5
        ));
    }
    signoffs.push_str("---\n");
    fs::write(dir.join("signoffs.md"), signoffs).unwrap();
    let mut risks = String::from("---\nkind: risks\nrisks:\n");
    for i in 0..24 {
        let st = ["未解决", "处理中", "已解决", "已关闭"][i % 4];
        let due = d0 + chrono::Duration::days(26 + i as i64 * 4);
        let resolved = if i % 4 >= 2 { format!(", resolved_on: {due}") } else { String::new() };
        risks.push_str(&format!(
            "  - {{id: R-{:03}, description: 门店网络改造与供应商排期冲突可能导致延期, impact: {}, owner: {}*, due: {due}, status: {st}{resolved}}}\n",
            i + 1,
            ["高", "中", "低"][i % 3],
            DEPTS[i % 18]
        ));
    }
    risks.push_str("---\n");
    fs::write(dir.join("risks.md"), risks).unwrap();
    let agenda: String = (0..12)
        .map(|i| {
            format!(
                "  - {{topic: 议题{}：进展与问题, goal: 明确下一步安排, minutes: {}, owner: {}/负责人}}\n",
                i + 1,
                5 + i % 3 * 5,
                DEPTS[i % 18]
            )
        })
        .collect();
    let actions: String = (0..10)
        .map(|i| {
            let id = if i % 3 == 0 { String::new() } else { format!("id: A{}, ", i + 1) };
            format!(
                "  - {{{id}description: 跟进相关事项, owner: {}/负责人, due: 2024-08-{}, standard: 提交书面进展说明, priority: 高, status: 进行中}}\n",
                DEPTS[i % 18],
                10 + i
            )
        })
        .collect();
    fs::write(
        dir.join("会议纪要.md"),
        format!(
            "---\nkind: meeting\ntitle: 门店数字化升级阶段复盘会\ntype: 阶段性复盘会\nstart: 2024-08-05T14:00\nend: 2024-08-05T17:00\nhost: 运营部/周八\nrecorder: 行政部/吴九\nagenda_sent_at: 2024-08-01T10:00\nminutes_sent_at: 2024-08-06T10:00\nagenda:\n{agenda}actions:\n{actions}---\n## 讨论内容摘要\n\n{}\n\n- [x] 排期冲突已上报\n- [ ] 预算调整待批\n",
            "各部门汇报了本阶段进展，重点讨论门店网络改造的排期冲突与预算调整。".repeat(12)
        ),
    )
    .unwrap();
    dir
}

fn build(src: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", src.to_str().unwrap(), "-o", out.to_str().unwrap(), "--as-of", "2024-11-20"];
    args.extend_from_slice(extra);
    dossier(&args)
}

fn pages(pdf: &Path) -> Vec<String> {
    let p = pdf.to_str().unwrap();
    let info = run("pdfinfo", &[p]);
    let n: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    (1..=n).map(|i| run("pdftotext", &["-f", &i.to_string(), "-l", &i.to_string(), "-layout", p, "-"])).collect()
}

/// Lines of a page's text that are not its running header or footer.
fn body_lines(page: &str) -> Vec<String> {
    let lines: Vec<String> = page.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect();
    let n = lines.len();
    lines.into_iter().enumerate().filter(|(i, _)| *i != 0 && *i + 1 != n).map(|(_, l)| l).collect()
}

/// Every page of every PDF (a dossier's cover aside): the footer says "page N of M" with
/// the right numbers, and the page holds content besides its header and footer.
fn footers_count_and_no_page_is_empty(pdf: &Path) {
    let pages = pages(pdf);
    let m = pages.len();
    let cover = pdf.file_stem().is_some_and(|s| s == "dossier");
    for (i, page) in pages.iter().enumerate().skip(usize::from(cover)) {
        let want = format!("第{}页/共{m}页", i + 1);
        assert!(squeeze(page).contains(&want), "{} page {}: no “{want}”:\n{page}", pdf.display(), i + 1);
        assert!(!body_lines(page).is_empty(), "{} page {} is empty", pdf.display(), i + 1);
    }
}

#[test]
fn pdf_pages_count_right_keep_headings_with_content_and_never_split_what_must_not_split() {
    if !have("pdftotext", &["-v"]) || !have("pdfinfo", &["-v"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (_, out) = build_long_case(tmp.path(), "pdf");
    let doc = out.join("2024-OPS-090");
    let headings = [
        "需求登记表",
        "涉及部门评审签字",
        "进度概览",
        "甘特图",
        "任务明细",
        "登记明细",
        "议程",
        "讨论内容摘要",
        "行动项",
        "主持人确认",
    ];
    for stem in ["signoff", "plan", "risks", "minutes-2024-08-05", "dossier"] {
        let pdf = doc.join(format!("{stem}.pdf"));
        footers_count_and_no_page_is_empty(&pdf);
        for (i, page) in pages(&pdf).iter().enumerate() {
            // No page ends with a heading: the last line of content is never a section title.
            let body = body_lines(page);
            let last = body.last().map(String::as_str).unwrap_or_default();
            // (A heading may carry a note after it; a contents line ends with its page number.)
            let is_heading = |h: &str| {
                last == h || (last.starts_with(&format!("{h} ")) && !last.ends_with(|c: char| c.is_ascii_digit()))
            };
            assert!(!headings.iter().any(|h| is_heading(h)), "{stem} page {} ends with the heading “{last}”", i + 1);
        }
    }

    // The plan: 90 rows, and nothing that must stay whole is split across lines.
    let raw = run("pdftotext", &["-raw", doc.join("plan.pdf").to_str().unwrap(), "-"]);
    let lines: Vec<&str> = raw.lines().map(str::trim).collect();
    let mut whole: Vec<String> = ["已完成", "进行中", "待审核", "未开始", "阻塞", "延期"].map(String::from).to_vec();
    whole.extend((0..90).map(id_of).filter(|id| id.contains('.')));
    whole.extend(["2024-05-06", "2024-06-14", "2024-09-11"].map(String::from));
    for w in lines.windows(2) {
        for word in &whole {
            for (k, _) in word.char_indices().skip(1) {
                let (a, b) = word.split_at(k);
                assert!(
                    !(w[0].ends_with(a) && w[1].starts_with(b) && !w[0].ends_with(word.as_str())),
                    "“{word}” is split across lines: “{}” / “{}”",
                    w[0],
                    w[1]
                );
            }
        }
    }
    // The long word wraps inside its own cell, and is all there.
    assert!(squeeze(&raw).contains(LONG_WORD), "the long word is cut or lost");
    // A table's header never stands with fewer than two of its rows.
    for (i, page) in pages(&doc.join("plan.pdf")).iter().enumerate() {
        if page.contains("任务ID") {
            let rows = page.lines().filter(|l| l.matches("2024-").count() >= 2).count();
            assert!(rows >= 2, "plan page {}: the table header with {rows} row(s)", i + 1);
        }
    }
    // The host's box is on a page with the actions it confirms.
    let minutes = pages(&doc.join("minutes-2024-08-05.pdf"));
    let host = minutes.iter().find(|p| p.contains("主持人确认")).expect("the host's box");
    assert!(host.contains("跟进相关事项"), "the host's box stands alone:\n{host}");
    // Actions without an id are numbered; agenda minutes carry their unit.
    let m = squeeze(&minutes.concat());
    assert!(m.contains("#1") && m.contains("#4") && m.contains("10分钟"), "{m}");
    // Task items are check boxes that copy out as ☑ and ☐ (drawn as shapes: the bundled
    // fonts have no glyph for them), not the squares □ ▣ standing in for them.
    assert!(m.contains("☑排期冲突已上报") && m.contains("☐预算调整待批"), "{m}");
    assert!(!m.contains('▣') && !m.contains('□'), "{m}");
}

#[test]
fn the_gantt_reaches_today_says_overdue_and_the_documents_carry_their_numbers() {
    if !have("pdftotext", &["-v"]) || !have("pdffonts", &["-v"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (src, out) = build_long_case(tmp.path(), "pdf");
    let plan = out.join("2024-OPS-090/plan.pdf");
    let first = squeeze(&pages(&plan)[0]);
    // Tasks months late: the axis runs to today, labelled; months with the year where it
    // starts; a key for every status and for overdue.
    for s in ["今天2024-11-20", "2024年5月", "11月", "待审核", "进行中", "逾期", "文档编号：2024-OPS-090-PLAN"]
    {
        assert!(first.contains(s), "plan page 1 lacks {s}:\n{first}");
    }
    let info = run("pdfinfo", &[plan.to_str().unwrap()]);
    assert!(info.contains("2024-OPS-090-PLAN"), "the number is in the metadata:\n{info}");
    // Real bold: the Bold face of the family is embedded, not the Regular one stroked.
    let fonts = run("pdffonts", &[plan.to_str().unwrap()]);
    assert!(fonts.contains("Bold"), "{fonts}");
    // The dossier: a cover with what the archive needs, contents that link.
    let dossier = out.join("2024-OPS-090/dossier.pdf");
    let cover = squeeze(&pages(&dossier)[0]);
    for s in
        ["2024-OPS-090-DOSSIER", "发起部门运营部", "项目周期2024-05-06–2024-09-30", "填报人运营部/周八", "保管期限"]
    {
        assert!(cover.contains(s), "cover lacks {s}:\n{cover}");
    }
    // No period in the records: the cover says it is to be filled in, not a blank box.
    assert!(cover.contains("保管期限（待填写）"), "{cover}");
    // The requirement's retention field fills it.
    let kept = tmp.path().join("kept");
    fs::create_dir_all(&kept).unwrap();
    let req = fs::read_to_string(src.join("requirement.md")).unwrap();
    fs::write(kept.join("requirement.md"), req.replace("status: 执行中\n", "status: 执行中\nretention: 30年\n"))
        .unwrap();
    let o = build(&kept, &tmp.path().join("kept-out"), &["--to", "pdf"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let cover = squeeze(&pages(&tmp.path().join("kept-out/2024-OPS-090/dossier.pdf"))[0]);
    assert!(cover.contains("保管期限30年") && !cover.contains("待填写"), "{cover}");
    let bytes = fs::read(&dossier).unwrap();
    let links = bytes.windows(14).filter(|w| w == b"/Subtype /Link").count();
    assert!(links >= 4, "contents entries are links: {links}");
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"number\": \"2024-OPS-090-RISK\""), "{manifest}");
}

/// A batch of seven projects, five with errors: the portfolio lists all seven, problems
/// first, each not built with its error count and first error (code, message, place).
#[test]
fn the_portfolio_tells_the_whole_truth() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = tmp.path().join("batch");
    for k in 0..7 {
        let p = batch.join(format!("p{}", k + 1));
        fs::create_dir_all(&p).unwrap();
        let bad = [0, 2, 3, 5, 6].contains(&k);
        let end = if bad { "2024-07-10" } else { "2024-07-30" };
        fs::write(
            p.join("requirement.md"),
            format!("---\nkind: requirement\nid: 2024-MKT-{:03}\ntitle: 批量项目{}\ndepartment: 市场部\ngoal: 目标\ndepartments: [市场部, 销售部]\n---\n", 100 + k, k + 1),
        )
        .unwrap();
        fs::write(
            p.join("tasks.md"),
            format!("---\nkind: tasks\ntasks:\n  - {{id: \"1\", name: 任务A, owner: 市场部*, planned_start: 2024-07-20, planned_end: {end}, status: 已完成, actual_end: 2024-07-30}}\n---\n"),
        )
        .unwrap();
    }
    let out = tmp.path().join("out");
    let formats = if Path::new("/usr/bin/pdftotext").exists() { "pdf,html,xlsx" } else { "html,xlsx" };
    let o = build(&batch, &out, &["--to", formats]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let html = fs::read_to_string(out.join("summary.html")).unwrap();
    for k in 0..7 {
        assert!(html.contains(&format!("2024-MKT-{:03}", 100 + k)), "summary.html lacks project {k}");
    }
    assert!(html.contains("error[date-order]") && html.contains("tasks.md"), "first errors with their place");
    // Problems first: the five not built come before the two built.
    let pos = |id: &str| html.find(id).unwrap();
    assert!(pos("2024-MKT-106") < pos("2024-MKT-101"), "projects not built come first");
    assert!(html.contains("统计范围：已生成文档的 2 个项目（另有 5 个项目因错误未计入）"));
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("error[date-order]"), "index.html gives the first errors too");
    if formats.contains("pdf") {
        let text = squeeze(&pages(&out.join("summary.pdf")).concat());
        assert!(text.contains("2024-MKT-100") && text.contains("date-order"), "{text}");
        assert!(text.contains("2个已生成，5个因错误未生成"), "the projects card counts all seven: {text}");
    }
}

/// Printing the HTML paginates like the PDF: each page has the running footer with its
/// number of the total, no page is empty, the Gantt chart is cut between rows with its axis
/// on every page.
#[test]
fn printed_html_paginates_with_page_numbers_and_the_gantt_axis_on_every_page() {
    if !have("chromium", &["--version"]) || !have("pdftotext", &["-v"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (_, out) = build_long_case(tmp.path(), "html");
    for stem in ["plan", "signoff", "minutes-2024-08-05", "risks"] {
        let html = out.join(format!("2024-OPS-090/{stem}.html"));
        let pdf = tmp.path().join(format!("{stem}.pdf"));
        let o = Command::new("chromium")
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
            .arg(format!("--user-data-dir={}", tmp.path().join("profile").display()))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", html.display()))
            .output()
            .unwrap();
        assert!(pdf.exists(), "{stem}: chromium printed nothing: {}", String::from_utf8_lossy(&o.stderr));
        footers_count_and_no_page_is_empty(&pdf);
        let pages = pages(&pdf);
        for (i, page) in pages.iter().enumerate() {
            assert!(squeeze(page).contains("文档编号：2024-OPS-090-"), "{stem} page {}: no running header", i + 1);
        }
        if stem == "plan" {
            assert!(pages.len() > 3, "{} pages", pages.len());
            let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
            let size = info.lines().find_map(|l| l.strip_prefix("Page size:")).unwrap_or_default();
            let wh: Vec<f64> = size.split_whitespace().filter_map(|w| w.parse().ok()).collect();
            assert!(wh.len() >= 2 && wh[0] > wh[1], "the plan prints landscape like its PDF: {size}");
            // Every page of the chart repeats the axis (the months).
            let chart: Vec<&String> =
                pages.iter().filter(|p| p.contains("需求调研与访谈") && !p.contains("任务ID")).collect();
            assert!(chart.len() >= 3, "{}", chart.len());
            for p in chart {
                assert!(squeeze(p).contains("2024年5月"), "a chart page without its axis:\n{p}");
            }
        }
    }
}

/// The sign-off workbook is a form to sign; wide workbooks print at a legible scale; chart
/// data does not print.
#[test]
fn workbooks_print_as_forms_and_legibly() {
    if !have("python3", &["-c", "import openpyxl"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (_, out) = build_long_case(tmp.path(), "xlsx");
    let script = r#"
import json, sys, openpyxl
out = {}
for path in sys.argv[1:]:
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        ps = ws.page_setup
        heads = [c.value for c in ws[1]]
        tall = [ws.row_dimensions[r].height for r in range(2, ws.max_row + 1) if ws.row_dimensions[r].height]
        out[path.split("/")[-1] + ":" + ws.title] = {
            "heads": heads, "fit": ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
            "fit_w": ps.fitToWidth, "fit_h": ps.fitToHeight, "orientation": ps.orientation,
            "area": ws.print_area, "tall": min(tall) if tall else None,
            "widths": [d.width for d in ws.column_dimensions.values() if d.width],
            "border": ws.cell(row=2, column=1).border.left.style,
            "header": ws.oddHeader.right.text or "",
            "scale": ps.scale, "breaks": [b.id for b in ws.row_breaks.brk], "charts": len(ws._charts),
            "units": [[c.value, c.number_format] for row in ws.iter_rows() for c in row
                      if isinstance(c.value, (int, float)) and "分钟" in c.number_format],
        }
print(json.dumps(out, ensure_ascii=False))
"#;
    let dir = out.join("2024-OPS-090");
    let files = [dir.join("signoff.xlsx"), dir.join("plan.xlsx"), dir.join("minutes-2024-08-05.xlsx")];
    let mut args = vec!["-c", script];
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    args.extend(paths.iter().map(String::as_str));
    let j: serde_json::Value = serde_json::from_str(&run("python3", &args)).unwrap();
    let sign = &j["signoff.xlsx:签字确认"];
    assert!(sign["heads"].as_array().unwrap().iter().any(|h| h == "亲笔签字"), "{sign}");
    // One page: fit to 1 × 1 (1 is the default openpyxl reports as absent).
    let one = |v: &serde_json::Value| v.is_null() || v == 1;
    assert!(sign["fit"] == true && one(&sign["fit_w"]) && one(&sign["fit_h"]), "{sign}");
    assert!(sign["tall"].as_f64().unwrap() >= 30.0, "rows tall enough to sign: {sign}");
    assert_eq!(sign["border"], "thin");
    // Every printed page of a workbook carries the document's number.
    assert!(sign["header"].as_str().unwrap().contains("2024-OPS-090-SIGN"), "{sign}");
    let tasks = &j["plan.xlsx:任务分工与进度跟踪表"];
    // Capped at 40 characters (Excel stores 40.71 for 40: its padding).
    assert!(tasks["widths"].as_array().unwrap().iter().all(|w| w.as_f64().unwrap() <= 41.0), "{tasks}");
    assert_eq!(tasks["orientation"], "landscape");
    // The overview prints its figures and chart; the chart's data below them does not.
    let overview = &j["plan.xlsx:概览"];
    let area = overview["area"].as_str().unwrap_or_default();
    assert!(!area.is_empty(), "{overview}");
    let last_row: u32 = area.rsplit('$').next().unwrap().parse().unwrap();
    assert!(last_row < 200, "the chart data (90 rows under the chart) is outside the print area: {area}");
    // The 90-task Gantt prints in pages of rows: one chart a page, at 100 % (fitting to the
    // page would make Excel ignore the page breaks), a break before every chart but the first.
    let charts = overview["charts"].as_u64().unwrap();
    assert!(charts >= 4, "{overview}");
    assert_eq!(overview["breaks"].as_array().unwrap().len() as u64, charts - 1, "{overview}");
    assert!(overview["fit"] != true && (overview["scale"].is_null() || overview["scale"] == 100), "{overview}");
    // Agenda minutes are numbers shown with their unit.
    let units = j["minutes-2024-08-05.xlsx:会议纪要与行动项表"]["units"].as_array().unwrap().clone();
    assert_eq!(units.len(), 12, "{units:?}");
    assert!(units.iter().all(|u| u[1] == "0\" 分钟\""), "{units:?}");
}

/// The plan workbook as printed (LibreOffice to PDF): every Gantt page shows its caption, its
/// date axis and whole tasks; every task is labelled once; the figures share the first page.
#[test]
fn the_plan_workbooks_gantt_prints_in_pages_of_rows_each_with_its_axis() {
    if !have("soffice", &["--version"]) || !have("pdftotext", &["-v"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (_, out) = build_long_case(tmp.path(), "xlsx");
    let pdf_dir = tmp.path().join("pdf");
    let profile = format!("-env:UserInstallation=file://{}", tmp.path().join("lo").display());
    let xlsx = out.join("2024-OPS-090/plan.xlsx");
    let args =
        ["--headless", &profile, "--convert-to", "pdf", "--outdir", pdf_dir.to_str().unwrap(), xlsx.to_str().unwrap()];
    run("soffice", &args);
    let pages = pages(&pdf_dir.join("plan.pdf"));
    let gantt: Vec<(usize, String)> =
        pages.iter().map(|p| squeeze(p)).enumerate().filter(|(_, p)| p.contains("甘特图（第")).collect();
    assert!(gantt.len() >= 4 && gantt[0].0 == 0, "the first chart shares the figures' page: {}", gantt.len());
    assert!(gantt[0].1.contains("进度概览"));
    let mut labelled = vec![0; 90];
    for (i, p) in &gantt {
        assert_eq!(p.matches("甘特图（第").count(), 1, "page {}: one chart a page", i + 1);
        for month in ["2024-05", "2024-08", "2024-11"] {
            assert!(p.contains(month), "page {}: the axis ({month}) is missing:\n{p}", i + 1);
        }
        for (n, count) in labelled.iter_mut().enumerate() {
            *count += p.matches(&format!("需求调研与访谈（第{}批）", n + 1)).count();
        }
    }
    assert!(labelled.iter().all(|c| *c == 1), "every task labelled once: {labelled:?}");
}

/// Two clean projects sharing a requirement id are both built, each into a folder named by
/// the id and its own folder, whichever order they are given in; the same files either way.
#[test]
fn projects_sharing_an_id_are_both_built_the_same_whatever_the_order() {
    let tmp = tempfile::tempdir().unwrap();
    for p in ["east", "west"] {
        let dir = tmp.path().join(p);
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("requirement.md"),
            format!("---\nkind: requirement\nid: 2024-MKT-001\ntitle: {p}项目\ndepartment: 市场部\ngoal: 目标\ndepartments: [市场部, 销售部]\nstatus: 待评审\n---\n"),
        )
        .unwrap();
    }
    let (east, west) = (tmp.path().join("east"), tmp.path().join("west"));
    let mut outs = Vec::new();
    for (k, order) in [[&east, &west], [&west, &east]].iter().enumerate() {
        let out = tmp.path().join(format!("out{k}"));
        let o = dossier(&[
            "build",
            order[0].to_str().unwrap(),
            order[1].to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--to",
            "html,xlsx",
            "--as-of",
            "2024-10-20",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert_eq!(text(&o).matches("warning[duplicate-id]").count(), 2, "{}", text(&o));
        for folder in ["2024-MKT-001-east", "2024-MKT-001-west"] {
            assert!(out.join(folder).join("signoff.html").is_file(), "{folder} missing");
        }
        outs.push(out);
    }
    // (The index lists the projects in the order given; the projects' own files are the same.)
    for rel in ["2024-MKT-001-east/signoff.html", "2024-MKT-001-west/signoff.xlsx", "2024-MKT-001-west/signoff.html"] {
        assert!(fs::read(outs[0].join(rel)).unwrap() == fs::read(outs[1].join(rel)).unwrap(), "{rel} differs by order");
    }
}
