#!/usr/bin/env python3
"""Issue 12's benchmark: every target measured side by side in one run, one table printed.

    python3 bench/issue12.py [--quick] [--runs 20] [--repeat 3] [--strict] [--no-typst]

Builds dossier (release), generates synthetic batches of 100, 1,000 and 10,000 projects (not
10,000 with --quick) with the generator of `benches/check.rs`, caches them under
target/bench-data/nN, then times whole processes (user+sys CPU, wall, peak RSS from wait4):

- the 60-task report of bench/peers/project built by `dossier build --to pdf` against the same
  content compiled by Typst through its Python binding (`pip install typst`), the interpreter's
  start-up (`python -c "import typst"`, measured in the same run) subtracted; interleaved runs,
  medians;
- a cold build of 1,000 projects with every format, then a rebuild into the same folder after
  50 projects' workbooks changed, then one with nothing changed;
- the peak RSS of building 10,000 projects against building 100 (not with --quick);
- `check` and `build --to html,xlsx` over 1,000 projects (the older targets).

It prints target, measured, goal, PASS/FAIL — verdicts on CPU time, or on wall time with
--wall — and exits 0 whatever the figures say, unless --strict (then 1 on any FAIL). Python 3
standard library only, plus the typst package.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PEERS = REPO / "bench" / "peers"
DATA = REPO / "target" / "bench-data"
AS_OF = "2024-10-20"
TYPST_WANTED = "typst>=0.15,<0.16"
# The one cell changed in a "changed" project: a risk's description in the shared strings.
CHANGED_FROM = "<t>风险描述1</t>"
CHANGED_TO = "<t>风险描述1（已修订）</t>"


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run(argv, cwd=None, env=None, out=subprocess.DEVNULL):
    """Runs one whole process; returns its wall time, user and system CPU, peak RSS (KiB) and
    exit code, as the kernel accounts them for that child (wait4)."""
    t = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE)
    # Read stderr before waiting so a chatty child cannot block on a full pipe.
    err = p.stderr.read()
    p.stderr.close()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall": wall,
        "user": ru.ru_utime,
        "sys": ru.ru_stime,
        "cpu": ru.ru_utime + ru.ru_stime,
        "rss_kib": ru.ru_maxrss,
        "rc": p.returncode,
        "stderr": err.decode("utf-8", "replace")[-2000:],
    }


def checked(r, what):
    if r["rc"] != 0:
        log(f"{what} exited {r['rc']}:\n{r['stderr']}")
    return r


def med(runs, key):
    return statistics.median(r[key] for r in runs)


# ---------------------------------------------------------------------------------------------
# Setup: the binary, the batches, the Typst binding.


def build_dossier():
    log("cargo build --release --bin dossier")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "dossier"], cwd=REPO, check=True)
    return REPO / "target" / "release" / "dossier"


def generator_key():
    """A hash of the generator's code (benches/check.rs from `const DEPTS` on: `write_project`
    and its tables), so a changed generator regenerates the cache and an edit elsewhere does not."""
    text = (REPO / "benches" / "check.rs").read_text(encoding="utf-8")
    return hashlib.sha256(text[text.find("const DEPTS") :].encode("utf-8")).hexdigest()[:16]


def batch(n):
    """target/bench-data/nN: N project folders (p00000…), each one workbook from
    benches/check.rs (60 tasks, 20 risks, 3 meetings), regenerated when its generator changes."""
    root = DATA / f"n{n}"
    stamp = root / ".generated"
    key = generator_key()
    if stamp.exists() and stamp.read_text().split()[0] == key:
        return root, None
    tmp = DATA / f"n{n}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)
    tmp.mkdir(parents=True)
    log(f"generating {n:,} projects into {root.relative_to(REPO)} (cached for later runs)")
    t = time.perf_counter()
    # BENCH_CASES empty: the bench generates into BENCH_KEEP and times nothing.
    env = dict(os.environ, BENCH_KEEP=str(tmp), BENCH_CASES="")
    subprocess.run(["cargo", "bench", "--quiet", "--bench", "check", "--", str(n)], cwd=REPO, env=env, check=True)
    took = time.perf_counter() - t
    count = sum(1 for p in tmp.iterdir() if (p / "project.xlsx").is_file())
    if count != n:
        sys.exit(f"issue12: the generator wrote {count} projects, not {n}")
    (tmp / ".generated").write_text(f"{key} {took:.1f}\n")
    tmp.rename(root)
    log(f"generated {n:,} projects in {took:.0f} s")
    return root, took


def linked_copy(src, dst):
    """A working copy of a batch whose files are hard links: cheap, and a changed project is
    written as a new file (os.replace), so the cache is never touched."""
    for d in sorted(src.iterdir()):
        if d.is_dir():
            (dst / d.name).mkdir(parents=True)
            for f in d.iterdir():
                try:
                    os.link(f, dst / d.name / f.name)
                except OSError:
                    shutil.copy2(f, dst / d.name / f.name)


def change_workbook(path):
    """Rewrites a workbook with one cell changed (a shared string), as a new file."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                text = data.decode("utf-8")
                if CHANGED_FROM not in text:
                    sys.exit(f"issue12: {path} has no {CHANGED_FROM!r} to change")
                data = text.replace(CHANGED_FROM, CHANGED_TO, 1).encode("utf-8")
            zout.writestr(item, data)
    os.replace(tmp, path)


def typst_python(allow_install):
    """The interpreter that has the typst binding and the binding's version, installing it with
    pip when it is missing; None with a message when that is impossible."""
    py = sys.executable
    probe = [py, "-c", "import importlib.metadata as m, typst; print(m.version('typst'))"]
    r = subprocess.run(probe, capture_output=True, text=True)
    if r.returncode != 0 and allow_install:
        log(f"the typst Python binding is missing: pip install '{TYPST_WANTED}'")
        pip = subprocess.run([py, "-m", "pip", "install", "--quiet", TYPST_WANTED])
        if pip.returncode != 0:
            log("pip could not install typst (offline?): the Typst comparison is left out")
            return None, None
        r = subprocess.run(probe, capture_output=True, text=True)
    if r.returncode != 0:
        log("no typst Python binding: the Typst comparison is left out")
        return None, None
    return py, r.stdout.strip()


def typst_compiler_version(py):
    """The Typst compiler inside the binding, as the document sees it (sys.version)."""
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "v.typ"
        src.write_text("#metadata(str(sys.version)) <v>\n")
        code = "import sys, typst; print(typst.query(sys.argv[1], '<v>', field='value', one=True))"
        r = subprocess.run([py, "-c", code, str(src)], capture_output=True, text=True)
    return r.stdout.strip().strip('"') if r.returncode == 0 else "?"


def pdf_pages(path):
    try:
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        m = re.search(r"^Pages:\s+(\d+)", out, re.M)
        return int(m.group(1)) if m else None
    except OSError:
        return None


def listing(out):
    files = sorted(p for p in out.rglob("*") if p.is_file())
    parts = []
    for p in files:
        pages = pdf_pages(p) if p.suffix == ".pdf" else None
        rel = p.relative_to(out).as_posix()
        parts.append(f"{rel} ({p.stat().st_size // 1024} KB{f', {pages} p.' if pages else ''})")
    return ", ".join(parts)


# ---------------------------------------------------------------------------------------------
# The measurements.


def typst_peer(dossier, py, runs, work):
    """Interleaved runs of dossier, Typst (with and without the Gantt chart) and the bare
    interpreter start-up, the first round discarded as warm-up."""
    project, source, fonts = PEERS / "project", PEERS / "report.typ", REPO / "fonts"
    compile_code = (
        "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]],"
        " ignore_system_fonts=True, sys_inputs={'gantt': sys.argv[4]})"
    )
    cases = {
        "dossier": lambda i: [
            str(dossier), "build", str(project), "-o", str(work / f"d{i}"),
            "--to", "pdf", "--as-of", AS_OF, "--lang", "zh-CN",
        ],
        "typst": lambda i: [py, "-c", compile_code, str(source), str(work / f"t{i}.pdf"), str(fonts), "yes"],
        "typst-no-gantt": lambda i: [py, "-c", compile_code, str(source), str(work / f"n{i}.pdf"), str(fonts), "no"],
        "startup": lambda i: [py, "-c", "import typst"],
    }
    names = list(cases)
    times = {k: [] for k in names}
    for i in range(runs + 1):
        # Rotate the order each round so no case always follows the same neighbour.
        for k in names[i % len(names):] + names[: i % len(names)]:
            r = checked(run(cases[k](i), cwd=PEERS), k)
            if i > 0:
                times[k].append(r)
    produced = {
        "dossier": listing(work / "d0"),
        "typst": listing_one(work / "t0.pdf"),
        "typst-no-gantt": listing_one(work / "n0.pdf"),
    }
    return times, produced


def listing_one(path):
    pages = pdf_pages(path)
    return f"{path.name} ({path.stat().st_size // 1024} KB{f', {pages} p.' if pages else ''})"


def build_args(dossier, src, out, to=None):
    args = [str(dossier), "build", str(src), "-o", str(out), "--as-of", AS_OF]
    return args + (["--to", to] if to else [])


def rebuild_cycle(dossier, src1000, work, repeat):
    """Cold build of 1,000 projects (every format) into a fresh folder, then 50 workbooks
    changed and a rebuild into the same folder, then a rebuild with nothing changed."""
    cold, fifty, none = [], [], []
    names = sorted(p.name for p in src1000.iterdir() if p.is_dir())
    for k in range(repeat):
        inputs, out = work / f"in{k}", work / f"out{k}"
        linked_copy(src1000, inputs)
        log(f"cycle {k + 1}/{repeat}: cold build of {len(names):,} projects")
        cold.append(checked(run(build_args(dossier, inputs, out)), "cold build"))
        for name in names[k % 20 :: 20][:50]:
            change_workbook(inputs / name / "project.xlsx")
        log(f"cycle {k + 1}/{repeat}: rebuild with 50 changed")
        fifty.append(checked(run(build_args(dossier, inputs, out)), "rebuild, 50 changed"))
        log(f"cycle {k + 1}/{repeat}: rebuild with none changed")
        none.append(checked(run(build_args(dossier, inputs, out)), "rebuild, none changed"))
        if k == 0:
            size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        # Nothing is deleted before the end of the run (KEEP_UNTIL_END).
    return cold, fifty, none, size


def rates(dossier, src1000, work, repeat):
    """`check` and `build --to html,xlsx` over 1,000 projects, interleaved."""
    chk, hx = [], []
    for k in range(repeat):
        chk.append(checked(run([str(dossier), "check", str(src1000), "--as-of", AS_OF]), "check"))
        out = work / f"hx{k}"
        hx.append(checked(run(build_args(dossier, src1000, out, "html,xlsx")), "build --to html,xlsx"))
    return chk, hx


def peak(dossier, src, work, repeat):
    runs = []
    for k in range(repeat):
        out = work / f"peak-{src.name}-{k}"
        runs.append(checked(run(build_args(dossier, src, out)), f"build {src.name}"))
    return runs


# ---------------------------------------------------------------------------------------------


def measure(a):
    """Every measurement of one run, as a JSON-able dict."""
    dossier = Path(a.bin).resolve() if a.bin else build_dossier()
    py = version = None
    if not a.no_typst:
        py, version = typst_python(not a.no_install)
    b100, g100 = batch(100)
    b1000, g1000 = batch(1000)
    # KEEP_UNTIL_END: every output and working copy stays until the run ends. Deleting some
    # 20,000 files just before a build makes ext4 slow to allocate inodes for the next minutes
    # (it skips recently deleted ones: ext4_find_inode_bit / recently_deleted), which would be
    # counted as the next build's system time, though a user's cold build writes into a new
    # folder. A build of 10,000 projects writes about 5.3 GB, the 1,000-project ones ~4 GB.
    free = shutil.disk_usage(REPO / "target").free
    if not a.quick and free < 11 * 2**30:
        log(f"only {free / 2**30:.1f} GiB free: the 10,000-project build (5.3 GB of output) is left out")
        a.quick = True
    b10000, g10000 = batch(10000) if not a.quick else (None, None)
    m = {
        "when": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cores": os.cpu_count() or 1,
        "load_before": os.getloadavg()[0],
        "binary": str(dossier.relative_to(REPO) if dossier.is_relative_to(REPO) else dossier),
        "generated_s": {k: v for k, v in (("100", g100), ("1000", g1000), ("10000", g10000)) if v is not None},
    }
    DATA.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=DATA, prefix="run-") as tmp:
        work = Path(tmp)
        if py:
            log(f"Typst comparison: {a.runs} interleaved runs of each side")
            (work / "peer").mkdir()
            times, produced = typst_peer(dossier, py, a.runs, work / "peer")
            m["typst"] = {
                "version": version,
                "compiler": typst_compiler_version(py),
                "runs": times,
                "produced": produced,
            }
        log("check and build --to html,xlsx over 1,000 projects")
        chk, hx = rates(dossier, b1000, work, a.repeat)
        cold, fifty, none, out_size = rebuild_cycle(dossier, b1000, work, a.repeat)
        log("peak RSS: 100 projects" + (" and 10,000 projects" if b10000 else ""))
        p100 = peak(dossier, b100, work, a.repeat)
        p10000 = peak(dossier, b10000, work, 1) if b10000 else None
    m["batches"] = {
        "check": chk,
        "html_xlsx": hx,
        "cold": cold,
        "fifty": fifty,
        "none": none,
        "build100": p100,
        "build10000": p10000,
    }
    m["output_1000_bytes"] = out_size
    m["load_after"] = os.getloadavg()[0]
    return m


def report(m, wall_basis):
    """Prints the table and the figures behind it; returns whether any target failed."""
    # Verdicts on CPU time by default: the machine these targets were set on is shared, and
    # a neighbour's load stretches wall time, not user+sys. --wall judges on wall time instead
    # (a quiet machine). A rate by CPU is what the run would do with every core to itself.
    basis = "wall" if wall_basis else "cpu"
    cores = m["cores"]
    b = m["batches"]
    chk, hx, cold, fifty, none = b["check"], b["html_xlsx"], b["cold"], b["fifty"], b["none"]
    p100, p10000 = b["build100"], b["build10000"]
    rows = []

    def row(target, goal, ok, cpu=None, wall=None, only=None, cpu_target=False):
        """One line of the table: the figure the verdict is on first, the other beside it."""
        if only is not None:
            measured, other = only, ""
        else:
            measured, other = (cpu, wall) if basis == "cpu" or cpu_target else (wall, cpu)
        rows.append((target, measured, other, goal, "—" if ok is None else ("PASS" if ok else "FAIL")))

    def judge(cpu_ok, wall_ok):
        return cpu_ok if basis == "cpu" else wall_ok

    detail = []
    peer = m.get("typst")
    if peer:
        times, produced, version = peer["runs"], peer["produced"], peer["version"]
        start = med(times["startup"], "cpu")
        d_cpu, d_wall = med(times["dossier"], "cpu"), med(times["dossier"], "wall")
        t_cpu = med(times["typst"], "cpu") - start
        n_cpu = med(times["typst-no-gantt"], "cpu") - start
        t_wall = med(times["typst"], "wall") - med(times["startup"], "wall")
        ratio, ratio_wall = t_cpu / d_cpu, t_wall / d_wall
        row(
            "60-task report --to pdf: Typst ÷ dossier",
            "≥ 10×",
            judge(ratio >= 10, ratio_wall >= 10),
            cpu=f"{ratio:.1f}× CPU",
            wall=f"{ratio_wall:.1f}× wall",
        )
        detail += [
            f"Typst: the Python binding typst {version} (Typst compiler {peer['compiler']}), "
            f"{len(times['typst'])} interleaved runs, medians",
            f"  dossier build --to pdf        CPU {d_cpu * 1000:7.1f} ms  wall {d_wall * 1000:7.1f} ms  "
            f"peak RSS {med(times['dossier'], 'rss_kib') / 1024:.0f} MiB",
            f"  python -c 'import typst'      CPU {start * 1000:7.1f} ms  wall {med(times['startup'], 'wall') * 1000:7.1f} ms",
            f"  Typst compile (less start-up) CPU {t_cpu * 1000:7.1f} ms  wall {t_wall * 1000:7.1f} ms  "
            f"peak RSS {med(times['typst'], 'rss_kib') / 1024:.0f} MiB",
            f"  Typst, no Gantt chart         CPU {n_cpu * 1000:7.1f} ms  → {n_cpu / d_cpu:.1f}× dossier's CPU",
            f"  dossier wrote: {produced['dossier']}",
            f"  Typst wrote:   {produced['typst']}; without the chart {produced['typst-no-gantt']}",
        ]
    else:
        row("60-task report --to pdf: Typst ÷ dossier", "≥ 10×", None, only="not run")

    n = 1000
    cold_cpu, cold_wall = med(cold, "cpu"), med(cold, "wall")
    row(
        "cold build, 1,000 projects, all formats",
        "≤ 12 ms CPU",
        cold_cpu / n <= 0.012,
        cpu=f"{cold_cpu / n * 1000:.1f} ms CPU/project",
        wall=f"{cold_wall / n * 1000:.1f} ms wall/project",
        cpu_target=True,
    )
    f_cpu, f_wall = med(fifty, "cpu") / cold_cpu, med(fifty, "wall") / cold_wall
    row(
        "rebuild 1,000, 50 changed ÷ cold build",
        "≤ 10 %",
        judge(f_cpu <= 0.10, f_wall <= 0.10),
        cpu=f"{f_cpu * 100:.0f} % of CPU",
        wall=f"{f_wall * 100:.0f} % of wall",
    )
    z_cpu, z_wall = med(none, "cpu"), med(none, "wall")
    row(
        "rebuild 1,000, none changed",
        "≤ 1 s",
        judge(z_cpu <= 1.0, z_wall <= 1.0),
        cpu=f"{z_cpu:.2f} s CPU",
        wall=f"{z_wall:.2f} s wall",
    )
    rss100 = max(r["rss_kib"] for r in p100)
    if p10000:
        rss10000 = p10000[0]["rss_kib"]
        row(
            "peak RSS, 10,000 ÷ 100 projects",
            "≤ 1.5×",
            rss10000 / rss100 <= 1.5,
            only=f"{rss10000 / rss100:.2f}× ({rss10000 / 1024:.0f} ÷ {rss100 / 1024:.0f} MiB)",
        )
    else:
        row("peak RSS, 10,000 ÷ 100 projects", "≤ 1.5×", None, only="not run (--quick)")
    rss1000 = max(r["rss_kib"] for r in cold)
    for name, runs, goal in (("check", chk, 500), ("build --to html,xlsx", hx, 100)):
        by_cpu, by_wall = n * cores / med(runs, "cpu"), n / med(runs, "wall")
        row(
            f"{name}, 1,000 projects",
            f"≥ {goal}/s",
            judge(by_cpu >= goal, by_wall >= goal),
            cpu=f"{by_cpu:.0f}/s by CPU",
            wall=f"{by_wall:.0f}/s wall",
        )

    def line(name, runs):
        return (
            f"  {name:31} wall {med(runs, 'wall'):7.2f} s  user {med(runs, 'user'):7.2f} s  "
            f"sys {med(runs, 'sys'):6.2f} s  peak RSS {max(r['rss_kib'] for r in runs) / 1024:6.0f} MiB"
        )

    detail += [
        f"Batches ({len(cold)} runs each, medians; projects from benches/check.rs, --as-of {AS_OF}):",
        line("check 1,000", chk),
        line("build --to html,xlsx 1,000", hx),
        line("cold build 1,000, all formats", cold),
        line("rebuild, 50 changed", fifty),
        line("rebuild, none changed", none),
        line("build 100, all formats", p100),
    ]
    if p10000:
        detail.append(line("build 10,000, all formats", p10000))
    detail.append(
        f"  peak RSS 1,000 ÷ 100: {rss1000 / rss100:.2f}×; output of 1,000 projects: "
        f"{m['output_1000_bytes'] / 2**20:.0f} MiB"
    )
    if m["generated_s"]:
        gens = ", ".join(f"{int(k):,} in {v:.0f} s" for k, v in m["generated_s"].items())
        detail.append(f"  generated this run: {gens}")
    failed = [r for r in chk + hx + cold + fifty + none + p100 + (p10000 or []) if r["rc"] not in (0, 1)]
    if failed:
        detail.append(f"  WARNING: {len(failed)} run(s) exited with an error (see the log above)")

    header = ("target", "measured", "beside it", "goal", "result")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    print()
    print(
        f"issue 12 benchmark — {m['when']}, {cores} cores, load {m['load_before']:.1f} → {m['load_after']:.1f}, "
        f"{m['binary']}; verdicts on {'wall' if wall_basis else 'CPU'} time"
    )
    for r in [header, tuple("-" * w for w in widths)] + rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    print()
    print("\n".join(detail))
    return any(r[4] == "FAIL" for r in rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="leave out the 10,000-project batch (peak RSS target)")
    ap.add_argument("--runs", type=int, default=20, help="interleaved runs per side of the Typst comparison")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each batch measurement (medians)")
    ap.add_argument("--no-typst", action="store_true", help="leave the Typst comparison out")
    ap.add_argument("--no-install", action="store_true", help="never pip install typst")
    ap.add_argument("--bin", help="a dossier binary to time instead of building target/release/dossier")
    ap.add_argument("--json", help="also write every measurement to this file")
    ap.add_argument("--replay", metavar="JSON", help="print the table of a run saved with --json, measure nothing")
    ap.add_argument("--wall", action="store_true", help="judge on wall time, not CPU time (a quiet machine)")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    a = ap.parse_args()
    started = time.perf_counter()
    if a.replay:
        m = json.loads(Path(a.replay).read_text(encoding="utf-8"))
    else:
        m = measure(a)
        if a.json:
            Path(a.json).write_text(json.dumps(m, indent=1, ensure_ascii=False), encoding="utf-8")
    failed = report(m, a.wall)
    if not a.replay:
        print(f"\n(took {(time.perf_counter() - started) / 60:.1f} min)")
    return 1 if a.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
