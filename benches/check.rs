//! `cargo bench --bench check [-- N…]`: generates N synthetic projects (one workbook each:
//! a requirement form, 60 tasks, 20 risks, 3 meeting sheets with attendees, agenda and
//! actions) and times `dossier check` over the batch, with the peak memory of the process.
//! Then times `dossier build --to html,xlsx` and `--to pdf` over the same batch (every
//! document of every project; with PDF also the project dossier). Targets on 2 cores, memory
//! flat in N: check ≥ 500 projects/s (issue 3), HTML+XLSX ≥ 100 projects/s (issue 4), PDF
//! ≥ 50 projects/s (issue 5).
//!
//! Also (issue 9): `check` of the same batch with a mapping file (`dossier.yaml`) in every
//! project folder — each project then reads with its own rules — ≥ 500 projects/s; and
//! `map suggest` on one sheet of 5,000 rows under headers the catalogue does not know, < 1 s.
//! `BENCH_CASES=check,mapped,suggest,build` picks cases (default: all; empty: only generate,
//! with `BENCH_KEEP=DIR` — `bench/issue12.py` caches its batches so).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![100, 1000] } else { sizes };
    let bin = env!("CARGO_BIN_EXE_dossier");
    for n in sizes {
        // BENCH_KEEP=DIR keeps the generated projects there, for profiling.
        let kept = std::env::var_os("BENCH_KEEP").map(std::path::PathBuf::from);
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = kept.as_deref().unwrap_or(tmp.path());
        let t = Instant::now();
        for i in 0..n {
            let p = root.join(format!("p{i:05}"));
            std::fs::create_dir_all(&p).unwrap();
            write_project(&p.join("project.xlsx"), i).expect("synthetic workbook");
        }
        eprintln!("generated {n} projects in {:.1} s", t.elapsed().as_secs_f64());
        let wanted = std::env::var("BENCH_CASES").unwrap_or_else(|_| "check,mapped,suggest,build".into());
        let want = |case: &str| wanted.split(',').any(|w| w.trim() == case);
        let mut cases: Vec<(String, Vec<String>)> = Vec::new();
        for format in ["text", "json"].into_iter().filter(|_| want("check")) {
            cases.push((
                format!("check --format {format}"),
                strings(&["check", root.to_str().unwrap(), "--as-of", "2024-10-20", "--format", format]),
            ));
        }
        // The same batch, every project folder with its own mapping file.
        let mapped = tempfile::tempdir().expect("temp dir");
        if want("mapped") {
            for i in 0..n {
                let (from, to) = (root.join(format!("p{i:05}")), mapped.path().join(format!("p{i:05}")));
                std::fs::create_dir_all(&to).unwrap();
                std::fs::hard_link(from.join("project.xlsx"), to.join("project.xlsx"))
                    .or_else(|_| std::fs::copy(from.join("project.xlsx"), to.join("project.xlsx")).map(|_| ()))
                    .unwrap();
                std::fs::write(to.join("dossier.yaml"), MAPPING).unwrap();
            }
            cases.push((
                "check, a mapping file per project".into(),
                strings(&["check", mapped.path().to_str().unwrap(), "--as-of", "2024-10-20"]),
            ));
        }
        let big = tempfile::tempdir().expect("temp dir");
        if want("suggest") {
            let sheet = big.path().join("tracker.xlsx");
            write_tracker(&sheet, 5_000).expect("tracker");
            cases.push((
                "map suggest, one sheet of 5,000 rows".into(),
                strings(&["map", "suggest", sheet.to_str().unwrap()]),
            ));
        }
        let out = tempfile::tempdir().expect("temp dir");
        for to in ["html,xlsx", "pdf"].into_iter().filter(|_| want("build")) {
            let dir = out.path().join(to.replace(',', "-"));
            cases.push((
                format!("build --to {to}"),
                strings(&[
                    "build",
                    root.to_str().unwrap(),
                    "-o",
                    dir.to_str().unwrap(),
                    "--as-of",
                    "2024-10-20",
                    "--to",
                    to,
                ]),
            ));
        }
        for (name, args) in cases {
            // A shared machine is noisy: three runs, the best and the median reported.
            let mut runs: Vec<(Duration, u64, i32)> = (0..3).map(|_| run(bin, &args)).collect();
            runs.sort_by_key(|r| r.0);
            let rate = |d: Duration| n as f64 / d.as_secs_f64();
            let peak = runs.iter().map(|r| r.1).max().unwrap_or(0);
            println!(
                "{name}: {n} projects, best {:.3} s = {:.0} projects/s, median {:.0} projects/s, peak RSS {:.1} MiB, exit {}",
                runs[0].0.as_secs_f64(),
                rate(runs[0].0),
                rate(runs[1].0),
                peak as f64 / 1024.0,
                runs[0].2
            );
        }
    }
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// Runs the binary, sampling its peak resident memory (VmHWM) while it runs.
fn run(bin: &str, args: &[String]) -> (Duration, u64, i32) {
    let t = Instant::now();
    let mut child =
        Command::new(bin).args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("dossier starts");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status_path)
            && let Some(kb) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            return (t.elapsed(), peak, status.code().unwrap_or(-1));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A team's mapping as a project folder holds it: aliases, a rule for its task sheet with
/// value words and a date order, a skipped sheet.
const MAPPING: &str = "tasks:\n  \"Task title\": name\n  \"Lead\": owner\nsheets:\n  \"任务分工与进度跟踪表\":\n    kind: tasks\n    columns:\n      \"交付成果\": deliverable\n      \"备注\": ~\n    values:\n      status: { \"开工\": in_progress, \"测试中\": in_review }\n    dates: YMD\n  \"Lists\":\n    kind: skip\n";

/// A tracker nobody here wrote: English headers the catalogue does not hold, text dates in
/// day-month order, status words of its own, `rows` rows.
fn write_tracker(path: &Path, rows: usize) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Team tracker")?;
    let headers = ["Ref", "Work item", "Assigned", "Kick off", "Finish by", "Stage", "Pct", "Notes", "Effort (h)"];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    let stages = ["Backlog", "Doing", "Ready for testing", "Finished", "On hold"];
    let people = ["Li Na", "Wang Wu", "Zhang San", "Zhao Liu"];
    for i in 0..rows {
        let r = i as u32 + 1;
        ws.write_string(r, 0, format!("T-{}", i + 1))?;
        ws.write_string(r, 1, format!("Work item number {i} of the relaunch"))?;
        ws.write_string(r, 2, people[i % people.len()])?;
        ws.write_string(r, 3, format!("{:02}/{:02}/2025", 1 + i % 28, 1 + i % 12))?;
        ws.write_string(r, 4, format!("{:02}/{:02}/2025", 1 + (i + 5) % 28, 1 + i % 12))?;
        ws.write_string(r, 5, stages[i % stages.len()])?;
        ws.write_number(r, 6, (i % 11) as f64 * 10.0)?;
        ws.write_string(r, 7, if i % 3 == 0 { "check with sales" } else { "" })?;
        ws.write_number(r, 8, (i % 40) as f64)?;
    }
    wb.save(path)
}

const DEPTS: [&str; 6] = ["市场部", "产品部", "销售部", "设计部", "技术部", "财务部"];
const STATUSES: [&str; 3] = ["进行中", "未开始", "待审核"];

fn write_project(path: &Path, seed: usize) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let pct = Format::new().set_num_format("0%");
    let d = |m: u8, day: u8| ExcelDateTime::from_ymd(2024, m, day).unwrap();

    let req = wb.add_worksheet().set_name("需求登记表")?;
    let rows: [(&str, &str); 9] = [
        ("需求编号", &format!("2024-MKT-{:03}", seed % 1000)),
        ("协作主题", "新品上市推广"),
        ("发起部门", "市场部"),
        ("发起人", "市场部*"),
        ("目标描述", "3个月内实现新品销售额500万元"),
        ("涉及部门", "产品部、销售部、设计部"),
        ("时间节点", "2024-07-15至2024-09-30"),
        ("需求优先级", "P0"),
        ("需求状态", "执行中"),
    ];
    for (r, (k, v)) in rows.iter().enumerate() {
        req.write_string(r as u32, 0, *k)?;
        req.write_string(r as u32, 1, *v)?;
    }

    let tasks = wb.add_worksheet().set_name("任务分工与进度跟踪表")?;
    let headers = [
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
        "依赖任务",
    ];
    for (c, h) in headers.iter().enumerate() {
        tasks.write_string(0, c as u16, *h)?;
    }
    for i in 0..60u32 {
        let r = i + 1;
        let (major, minor) = (i / 6 + 1, i % 6 + 1);
        // The first half of the work is done in August, the rest is planned for November; within
        // a group each task starts after the one it depends on: an ordinary, mostly healthy
        // project as of 2024-10-20, not a wall of warnings.
        let done = major <= 5;
        let status = if done { "已完成" } else { STATUSES[(i as usize + seed) % STATUSES.len()] };
        let month = if done { 8 } else { 11 };
        let start = minor as u8 * 4 - 3;
        tasks.write_string(r, 0, format!("{major}.{minor}"))?;
        tasks.write_string(r, 1, format!("子任务{major}-{minor}"))?;
        tasks.write_string(r, 2, format!("{}*", DEPTS[i as usize % 6]))?;
        tasks.write_string(r, 3, format!("{}*", DEPTS[(i as usize + 1) % 6]))?;
        tasks.write_datetime_with_format(r, 4, d(month, start), &date)?;
        tasks.write_datetime_with_format(r, 5, d(month, start + 3), &date)?;
        if status == "已完成" {
            tasks.write_datetime_with_format(r, 6, d(month, start + 3), &date)?;
            tasks.write_number_with_format(r, 8, 1.0, &pct)?;
        } else {
            tasks.write_number_with_format(r, 8, 0.4, &pct)?;
        }
        tasks.write_string(r, 7, status)?;
        tasks.write_string(r, 9, format!("《交付物{r}》"))?;
        tasks.write_string(r, 10, ["P0", "P1", "P2"][i as usize % 3])?;
        if minor > 1 {
            tasks.write_string(r, 11, format!("{major}.{}", minor - 1))?;
        }
    }

    let risks = wb.add_worksheet().set_name("风险与问题登记表")?;
    let headers = [
        "记录ID",
        "风险/问题描述",
        "影响等级",
        "责任部门/人",
        "发生时间",
        "计划解决时间",
        "实际解决时间",
        "解决措施",
        "处理结果",
    ];
    for (c, h) in headers.iter().enumerate() {
        risks.write_string(0, c as u16, *h)?;
    }
    for i in 0..20u32 {
        let r = i + 1;
        risks.write_string(r, 0, format!("{r:03}"))?;
        risks.write_string(r, 1, format!("风险描述{r}"))?;
        risks.write_string(r, 2, ["高", "中", "低"][i as usize % 3])?;
        risks.write_string(r, 3, format!("{}*", DEPTS[i as usize % 6]))?;
        risks.write_datetime_with_format(r, 4, d(8, (i % 20) as u8 + 1), &date)?;
        risks.write_datetime_with_format(r, 5, d(if i % 2 == 0 { 9 } else { 11 }, (i % 20) as u8 + 1), &date)?;
        if i % 2 == 0 {
            risks.write_datetime_with_format(r, 6, d(9, (i % 20) as u8 + 1), &date)?;
            risks.write_string(r, 8, "已解决")?;
        }
        risks.write_string(r, 7, "制定应对方案")?;
    }

    for m in 0..3u32 {
        let ws = wb.add_worksheet().set_name(format!("会议纪要{}", m + 1))?;
        let day = 5 + m * 7;
        let form = [
            ("会议主题", format!("第{}次协作例会", m + 1)),
            ("会议类型", "阶段性复盘会".to_string()),
            ("会议时间", format!("2024年9月{day}日14:00-16:00")),
            ("地点", "3楼会议室".to_string()),
            ("主持人", "市场部*".to_string()),
            ("参与部门", "市场部、销售部、产品部".to_string()),
            ("讨论内容摘要", "1.进展回顾;2.问题讨论;3.下一步计划".to_string()),
            ("决议事项", "1.按计划推进;2.周五前提交数据".to_string()),
        ];
        for (r, (k, v)) in form.iter().enumerate() {
            ws.write_string(r as u32, 0, *k)?;
            ws.write_string(r as u32, 1, v)?;
        }
        let mut r = form.len() as u32 + 1;
        for (c, h) in ["姓名", "部门", "角色"].iter().enumerate() {
            ws.write_string(r, c as u16, *h)?;
        }
        for a in 0..5u32 {
            r += 1;
            ws.write_string(r, 0, format!("参会人{a}"))?;
            ws.write_string(r, 1, DEPTS[a as usize])?;
            ws.write_string(r, 2, ["核心决策者", "执行负责人", "支持角色"][a as usize % 3])?;
        }
        r += 2;
        for (c, h) in ["议题", "讨论目标", "预计时长", "负责人"].iter().enumerate() {
            ws.write_string(r, c as u16, *h)?;
        }
        for a in 0..3u32 {
            r += 1;
            ws.write_string(r, 0, format!("议题{a}"))?;
            ws.write_string(r, 1, "达成共识")?;
            ws.write_number(r, 2, 20)?;
            ws.write_string(r, 3, "市场部*")?;
        }
        r += 2;
        for (c, h) in ["编号", "任务描述", "负责人", "截止日期", "交付标准", "优先级", "状态"].iter().enumerate()
        {
            ws.write_string(r, c as u16, *h)?;
        }
        for a in 0..4u32 {
            r += 1;
            ws.write_string(r, 0, format!("A{}", a + 1))?;
            ws.write_string(r, 1, format!("行动项{a}"))?;
            ws.write_string(r, 2, format!("{}*", DEPTS[a as usize]))?;
            ws.write_datetime_with_format(r, 3, d(9, (day + 3) as u8), &date)?;
            ws.write_string(r, 4, "提交书面结果")?;
            ws.write_string(r, 5, "高")?;
            ws.write_string(r, 6, "已完成")?;
        }
    }
    wb.save(path)
}
