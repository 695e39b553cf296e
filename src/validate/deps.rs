//! Task dependencies (seed 003 二(二) 设置依赖关系): they name tasks, form no cycle,
//! and a task does not start before its prerequisites are planned to end.

use std::collections::{HashMap, VecDeque};

use super::{Check, MaybeValue, is_placeholder, iso, raw, show_when};
use crate::model::{L10n, Record};
use crate::schema::halfwidth;

/// The tasks of a project as a graph: `edges[i]` are the indexes of the tasks `i` depends on.
struct Graph<'p> {
    tasks: &'p [Record],
    index: HashMap<String, usize>,
}

fn key(id: &str) -> String {
    id.trim().chars().map(halfwidth).collect::<String>().to_lowercase()
}

impl<'p> Graph<'p> {
    fn new(tasks: &'p [Record]) -> Graph<'p> {
        let mut index = HashMap::new();
        for (i, t) in tasks.iter().enumerate() {
            if let Some(id) = t.id().filter(|s| !s.trim().is_empty()) {
                index.entry(key(id)).or_insert(i);
            }
        }
        Graph { tasks, index }
    }

    /// The entries of a task's depends_on, without blanks and placeholders (`无`).
    fn entries(t: &Record) -> impl Iterator<Item = &str> {
        t.list("depends_on").iter().map(|s| s.trim()).filter(|s| !is_placeholder(s))
    }

    fn resolve(&self, entry: &str) -> Option<usize> {
        self.index.get(&key(entry)).copied()
    }

    fn edges(&self) -> Vec<Vec<usize>> {
        self.tasks
            .iter()
            .map(|t| {
                let mut e: Vec<usize> = Graph::entries(t).filter_map(|s| self.resolve(s)).collect();
                e.sort_unstable();
                e.dedup();
                e
            })
            .collect()
    }

    fn id(&self, i: usize) -> &str {
        self.tasks[i].id().map(str::trim).unwrap_or("?")
    }
}

const DANGLING: L10n = L10n::new(
    "{who}：{label}“{entry}”不是本项目中的任务ID",
    "{who}：{label}「{entry}」不是本專案中的任務ID",
    "{who}: {label} “{entry}” names no task of this project",
);
const DANGLING_EXPECTED: L10n = L10n::new("已有任务的任务ID", "已有任務的任務ID", "the id of an existing task");
const DANGLING_HINT_NEAR: L10n = L10n::new("是否应为“{id}”？", "是否應為「{id}」？", "did you mean “{id}”?");
const DANGLING_HINT: L10n = L10n::new(
    "填写前置任务的任务ID（如 1.1），多个用“、”分隔；前置任务需先在任务表中登记",
    "填寫前置任務的任務ID（如 1.1），多個用「、」分隔；前置任務需先在任務表中登記",
    "write the prerequisite's task id (e.g. 1.1), several separated by commas; the prerequisite must be in the task table",
);

/// seed 003 二(二): 在“依赖任务”栏关联前置任务 — a dependency names an existing task.
pub(super) fn dangling(c: &mut Check<'_>) {
    let g = Graph::new(&c.project.tasks);
    // Each hint compares the entry with every task id: bounded per project, so thousands of
    // dangling entries among thousands of tasks cost linear time (later ones get no hint).
    let mut comparisons = 0usize;
    for t in &c.project.tasks {
        for entry in Graph::entries(t) {
            if g.resolve(entry).is_some() || !c.room() {
                continue;
            }
            comparisons += g.tasks.len();
            let near = if comparisons <= MAX_HINT_COMPARISONS { nearest(&g, entry) } else { None };
            let msg = c.t(DANGLING, &[("who", &c.name(t)), ("label", c.label("task", "depends_on")), ("entry", entry)]);
            let hint = match near {
                Some(id) => c.t(DANGLING_HINT_NEAR, &[("id", id)]),
                None => c.t(DANGLING_HINT, &[]),
            };
            let d = c
                .at(t.loc_of("depends_on"), msg)
                .field("depends_on")
                .record(t.id())
                .value(entry)
                .expected(c.t(DANGLING_EXPECTED, &[]))
                .hint(hint);
            c.push(d);
        }
    }
}

/// Task ids compared with dangling entries, per project, for "did you mean" hints.
const MAX_HINT_COMPARISONS: usize = 100_000;

/// The existing task id closest to a dangling entry (`1.l` → `1.1`), if any is close.
fn nearest<'a>(g: &'a Graph<'_>, entry: &str) -> Option<&'a str> {
    // Edit distance costs the product of the lengths; ids are short.
    if entry.len() > 64 {
        return None;
    }
    let k = key(entry);
    g.tasks
        .iter()
        .filter_map(|t| t.id().map(str::trim))
        .filter(|id| id.len() <= 64)
        .map(|id| (strsim::normalized_levenshtein(&k, &key(id)), id))
        .filter(|(s, _)| *s >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, id)| id)
}

const CYCLE: L10n =
    L10n::new("依赖任务形成循环：{cycle}", "依賴任務形成循環：{cycle}", "Dependencies form a cycle: {cycle}");
const CYCLE_EXPECTED: L10n = L10n::new("无循环的依赖关系", "無循環的依賴關係", "dependencies without a cycle");
const CYCLE_HINT: L10n = L10n::new(
    "去掉循环中的一条依赖，让任务可以按先后顺序执行",
    "去掉循環中的一條依賴，讓任務可以按先後順序執行",
    "remove one dependency of the cycle so the tasks can run in order",
);

/// A cycle leaves no task to start first; each strongly connected group is named once, by
/// one concrete cycle through its first task in file order (`1.1 → 2.1 → 1.1`).
pub(super) fn cycle(c: &mut Check<'_>) {
    let g = Graph::new(&c.project.tasks);
    let edges = g.edges();
    let mut components: Vec<Vec<usize>> = strongly_connected(&edges)
        .into_iter()
        .filter(|comp| comp.len() > 1 || comp.first().is_some_and(|&v| edges[v].contains(&v)))
        .collect();
    for comp in &mut components {
        comp.sort_unstable();
    }
    components.sort();
    for comp in components {
        let Some(path) = cycle_through(&edges, &comp) else { continue };
        let start = &g.tasks[path[0]];
        let names: Vec<&str> = path.iter().map(|&i| g.id(i)).collect();
        let msg = c.t(CYCLE, &[("cycle", &names.join(" → "))]);
        let d = c
            .at(start.loc_of("depends_on"), msg)
            .field("depends_on")
            .record(start.id())
            .maybe_value(raw(start, "depends_on"))
            .expected(c.t(CYCLE_EXPECTED, &[]))
            .hint(c.t(CYCLE_HINT, &[]));
        c.push(d);
    }
}

/// Tarjan's strongly connected components, iteratively (thousands of tasks in a chain must
/// not overflow the stack).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let (mut index, mut low, mut on_stack) = (vec![UNSEEN; n], vec![0; n], vec![false; n]);
    let (mut stack, mut out, mut next) = (Vec::new(), Vec::new(), 0);
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        let mut calls = vec![(root, 0usize)];
        while let Some(frame) = calls.last_mut() {
            let (v, i) = *frame;
            if let Some(&w) = edges[v].get(i) {
                frame.1 += 1;
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                out.push(comp);
            }
        }
    }
    out
}

/// The shortest cycle from the component's first task back to itself (breadth first).
fn cycle_through(edges: &[Vec<usize>], comp: &[usize]) -> Option<Vec<usize>> {
    let &start = comp.first()?;
    let mut parent: HashMap<usize, usize> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(u) = queue.pop_front() {
        for &w in &edges[u] {
            if w == start {
                let mut back = Vec::new();
                let mut v = u;
                while v != start {
                    back.push(v);
                    v = *parent.get(&v)?;
                }
                back.reverse();
                let mut path = vec![start];
                path.extend(back);
                path.push(start);
                return Some(path);
            }
            if comp.binary_search(&w).is_ok() && w != start && !parent.contains_key(&w) {
                parent.insert(w, u);
                queue.push_back(w);
            }
        }
    }
    None
}

const ORDER: L10n = L10n::new(
    "{who}的{start_label}{start}早于前置任务 {dep} 的{end_label}{end}",
    "{who}的{start_label}{start}早於前置任務 {dep} 的{end_label}{end}",
    "{who}: {start_label} {start} is before prerequisite {dep}'s {end_label} {end}",
);
const ORDER_EXPECTED: L10n = L10n::new("不早于 {end}", "不早於 {end}", "on or after {end}");
const ORDER_HINT: L10n = L10n::new(
    "推迟本任务的开始时间、提前前置任务的结束时间，或确认是否确实依赖该任务",
    "推遲本任務的開始時間、提前前置任務的結束時間，或確認是否確實依賴該任務",
    "start this task later, end the prerequisite earlier, or check that the dependency is real",
);

/// seed 003 二(二): 系统自动提醒负责人等待前置任务完成后再推进 — a task planned to start
/// before a prerequisite is planned to end (edges inside a cycle are left to `dependency-cycle`).
pub(super) fn order(c: &mut Check<'_>) {
    let g = Graph::new(&c.project.tasks);
    // Within a cycle every order is wrong; `dependency-cycle` reports it once instead.
    let mut component = vec![0; c.project.tasks.len()];
    for (n, comp) in strongly_connected(&g.edges()).into_iter().enumerate() {
        for v in comp {
            component[v] = n;
        }
    }
    for (i, t) in c.project.tasks.iter().enumerate() {
        let Some(start) = t.date("planned_start") else { continue };
        for entry in Graph::entries(t) {
            let Some(j) = g.resolve(entry).filter(|&j| component[j] != component[i]) else { continue };
            let dep = &g.tasks[j];
            let Some(end) = dep.date("planned_end") else { continue };
            if start >= end || !c.room() {
                continue;
            }
            let end_s = iso(end);
            let msg = c.t(
                ORDER,
                &[
                    ("who", &c.name(t)),
                    ("start_label", c.label("task", "planned_start")),
                    ("start", &show_when(t, "planned_start")),
                    ("dep", g.id(j)),
                    ("end_label", c.label("task", "planned_end")),
                    ("end", &end_s),
                ],
            );
            let d = c
                .at(t.loc_of("planned_start"), msg)
                .field("planned_start")
                .record(t.id())
                .maybe_value(raw(t, "planned_start"))
                .expected(c.t(ORDER_EXPECTED, &[("end", &end_s)]))
                .hint(c.t(ORDER_HINT, &[]));
            c.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::strongly_connected;
    use crate::model::{Lang, Project};

    fn tasks(ts: Vec<crate::model::Record>) -> Project {
        Project { tasks: ts, ..Project::default() }
    }

    #[test]
    fn a_dependency_on_a_missing_task_is_an_error_with_the_nearest_id() {
        // seed 003 二(二): 在“依赖任务”栏关联前置任务
        let p = tasks(vec![
            task("1.1").build(),
            task("2.1").f("depends_on", list(&["1.1", "1.l"])).build(),
            task("3.1").f("depends_on", list(&["9"])).build(),
        ]);
        let d = run("dangling-dependency", &p, &ctx());
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].record.as_deref(), Some("2.1"));
        assert_eq!(d[0].value.as_deref(), Some("1.l"));
        assert_eq!(d[0].hint.as_deref(), Some("是否应为“1.1”？"));
        assert_eq!(d[0].message, "任务 2.1：依赖任务“1.l”不是本项目中的任务ID");
        assert!(d[1].hint.as_deref().unwrap_or_default().contains("前置任务"));
    }

    #[test]
    fn dependencies_on_existing_tasks_and_placeholders_pass() {
        let p = tasks(vec![
            task("1.1").f("depends_on", list(&["无"])).build(),
            task("2.1").f("depends_on", list(&[" 1.1 "])).build(),
        ]);
        assert!(run("dangling-dependency", &p, &ctx()).is_empty());
        assert!(run("dependency-cycle", &p, &ctx()).is_empty());
    }

    #[test]
    fn a_cycle_is_named_from_its_first_task() {
        // seed 003 二(二): 等待前置任务完成后再推进 — a cycle leaves nothing to start with.
        let p = tasks(vec![
            task("1.1").f("depends_on", list(&["2.1"])).build(),
            task("2.1").f("depends_on", list(&["3.1"])).build(),
            task("3.1").f("depends_on", list(&["1.1"])).build(),
            task("4.1").f("depends_on", list(&["4.1"])).build(),
            task("5.1").f("depends_on", list(&["1.1"])).build(),
        ]);
        let d = run("dependency-cycle", &p, &ctx());
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].message, "依赖任务形成循环：1.1 → 2.1 → 3.1 → 1.1");
        assert_eq!(d[0].record.as_deref(), Some("1.1"));
        assert_eq!(d[0].field.as_deref(), Some("depends_on"));
        assert_eq!(d[1].message, "依赖任务形成循环：4.1 → 4.1");
    }

    #[test]
    fn a_long_chain_does_not_overflow_and_has_no_cycle() {
        let n = 20_000;
        let ts = (0..n)
            .map(|i| {
                let b = task(&i.to_string());
                if i > 0 { b.f("depends_on", list(&[&(i - 1).to_string()])).build() } else { b.build() }
            })
            .collect();
        assert!(run("dependency-cycle", &tasks(ts), &ctx()).is_empty());
        let edges: Vec<Vec<usize>> = (0..n).map(|i| vec![(i + 1) % n]).collect();
        assert_eq!(strongly_connected(&edges).len(), 1);
    }

    #[test]
    fn a_task_starting_before_its_prerequisite_ends_is_a_warning() {
        // seed 003 二(二): “物料初稿”需基于“用户调研”结果 — wait for the prerequisite.
        let p = tasks(vec![
            task("1.1").f("planned_start", date("2024-07-15")).f("planned_end", date("2024-07-25")).build(),
            task("2.1").f("planned_start", date("2024-07-20")).f("depends_on", list(&["1.1"])).build(),
        ]);
        let d = run("dependency-order", &p, &ctx_in(Lang::En));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field.as_deref(), Some("planned_start"));
        assert_eq!(
            d[0].message,
            "Task 2.1: Planned start 2024-07-20 is before prerequisite 1.1's Planned end 2024-07-25"
        );
        assert_eq!(d[0].expected.as_deref(), Some("on or after 2024-07-25"));
    }

    #[test]
    fn a_task_starting_when_its_prerequisite_ends_passes() {
        // seed 000 模板2: 1.1 ends 07-25, 2.1 starts 07-26.
        let p = tasks(vec![
            task("1.1").f("planned_start", date("2024-07-15")).f("planned_end", date("2024-07-25")).build(),
            task("2.1").f("planned_start", date("2024-07-26")).f("depends_on", list(&["1.1"])).build(),
            task("2.2").f("planned_start", date("2024-07-25")).f("depends_on", list(&["1.1"])).build(),
        ]);
        assert!(run("dependency-order", &p, &ctx()).is_empty());
    }

    #[test]
    fn tasks_in_a_cycle_are_left_to_the_cycle_rule() {
        let p = tasks(vec![
            task("1.1")
                .f("planned_start", date("2024-07-15"))
                .f("planned_end", date("2024-07-25"))
                .f("depends_on", list(&["2.1"]))
                .build(),
            task("2.1")
                .f("planned_start", date("2024-07-20"))
                .f("planned_end", date("2024-07-30"))
                .f("depends_on", list(&["1.1"]))
                .build(),
        ]);
        assert!(run("dependency-order", &p, &ctx()).is_empty());
        assert_eq!(run("dependency-cycle", &p, &ctx()).len(), 1);
    }
}
