//! The progress bar of `check` and `build`: a label, the projects done of all, the rate and
//! the time left, in the user's language, on stderr when it is a terminal. Hidden (nothing
//! drawn, next to no cost) with `--quiet` or when stderr is not a terminal; the report on
//! stdout is never touched.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressState, ProgressStyle};

use crate::model::{L10n, Lang};

pub(crate) const CHECKING: L10n = L10n::new("检查", "檢查", "checking");
pub(crate) const BUILDING: L10n = L10n::new("生成", "產生", "building");
pub(crate) const WRITING_BATCH: L10n =
    L10n::new("写入汇总、索引和清单", "寫入彙總、索引和清單", "writing summary, index and manifest");

const PROJECTS: L10n = L10n::new("个项目", "個專案", "projects");
const RATE: L10n = L10n::new("{rate} 个/秒", "{rate} 個/秒", "{rate}/s");
const LEFT: L10n = L10n::new("剩余 {time}", "剩餘 {time}", "{time} left");
const SECONDS: L10n = L10n::new("{s} 秒", "{s} 秒", "{s}s");
const MINUTES: L10n = L10n::new("{m} 分 {s} 秒", "{m} 分 {s} 秒", "{m}m {s}s");
const HOURS: L10n = L10n::new("{h} 小时 {m} 分", "{h} 小時 {m} 分", "{h}h {m}m");

/// The projects of a run, done of all.
pub(crate) struct Progress {
    bar: ProgressBar,
    lang: Lang,
    /// Drawn while stdout is the same terminal: text written to stdout is flushed with the
    /// bar off the screen, never in the middle of it.
    shares_screen: bool,
}

impl Progress {
    /// A bar over `total` projects labelled `label`, drawn on stderr when it is a terminal and
    /// not `quiet`.
    pub(crate) fn new(total: usize, label: L10n, lang: Lang, quiet: bool) -> Progress {
        let target = if !quiet && io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let mut p = Progress::with_target(total, label, lang, target);
        if !p.bar.is_hidden() {
            p.shares_screen = io::stdout().is_terminal();
            // Projects end in chunks (a chunk's files are written together): the spinner shows
            // the run is alive in between.
            p.bar.enable_steady_tick(Duration::from_millis(120));
        }
        p
    }

    fn with_target(total: usize, label: L10n, lang: Lang, target: ProgressDrawTarget) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total as u64), target)
            .with_style(style(lang, false))
            .with_message(label.get(lang))
            // Left early (an error ends the run), the bar is cleared, never left half drawn.
            .with_finish(ProgressFinish::AndClear);
        Progress { bar, lang, shares_screen: false }
    }

    /// `n` more projects done.
    pub(crate) fn inc(&self, n: usize) {
        self.bar.inc(n as u64);
    }

    /// `inputs` read gave `projects` projects (a register workbook holds many): the total
    /// counts projects, not inputs.
    pub(crate) fn recount(&self, inputs: usize, projects: usize) {
        if projects > inputs {
            self.bar.inc_length((projects - inputs) as u64);
        } else if inputs > projects {
            self.bar.dec_length((inputs - projects) as u64);
        }
    }

    /// Every project is done; what is left is one stage (`label`) of the whole batch: the bar
    /// stays full, without rate or time left.
    pub(crate) fn set_stage(&self, label: L10n) {
        self.bar.set_style(style(self.lang, true));
        self.bar.set_message(label.get(self.lang));
    }

    /// Runs `f` (a write to stderr) with the bar off the screen, so that lines of text never
    /// tear it.
    pub(crate) fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        if self.bar.is_hidden() { f() } else { self.bar.suspend(f) }
    }

    /// Writes to `out` (buffered stdout) with `f`; when stdout is the bar's terminal, with the
    /// bar off the screen and flushed at once, so that the text never tears it.
    pub(crate) fn write<W: Write>(&self, out: &mut W, f: impl FnOnce(&mut W) -> io::Result<()>) -> io::Result<()> {
        if !self.shares_screen {
            return f(out);
        }
        self.bar.suspend(|| {
            f(out)?;
            out.flush()
        })
    }

    /// The work has ended: the bar is cleared.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `⠂ 生成 [██████    ] 12/40 个项目 · 3.2 个/秒 · 剩余 9 秒`; for a batch stage, without the
/// rate and time left.
fn style(lang: Lang, stage: bool) -> ProgressStyle {
    let units = PROJECTS.get(lang);
    let template = if stage {
        format!("{{spinner}} {{msg}} [{{bar:30}}] {{pos}}/{{len}} {units}")
    } else {
        format!("{{spinner}} {{msg}} [{{bar:30}}] {{pos}}/{{len}} {units} · {{rate}} · {{left}}")
    };
    ProgressStyle::with_template(&template)
        .expect("the progress template is valid")
        .progress_chars("█▉▊▋▌▍▎▏ ")
        .with_key("rate", move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = w.write_str(&rate(lang, per_sec(s)));
        })
        .with_key("left", move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            // Before the first project is done there is nothing to estimate from; while some
            // are left, never "0 s".
            let (pos, len) = (s.pos(), s.len().unwrap_or(0));
            let left = if pos == 0 {
                Cow::Borrowed("…")
            } else {
                let secs = len.saturating_sub(pos) as f64 / per_sec(s).max(f64::MIN_POSITIVE);
                // At most 99 h: a first estimate can be wild.
                let eta = Duration::try_from_secs_f64(secs.min(99.0 * 3600.0)).unwrap_or_default();
                Cow::Owned(duration(lang, if pos < len { eta.max(Duration::from_secs(1)) } else { Duration::ZERO }))
            };
            let _ = w.write_str(&LEFT.fill(lang, &[("time", &left)]));
        })
}

/// Projects a second: indicatif's recent estimate, or the average so far while it has none
/// (it starts at nothing, and projects end a chunk at a time).
fn per_sec(s: &ProgressState) -> f64 {
    let recent = s.per_sec();
    if recent.is_finite() && recent > 0.0 {
        return recent;
    }
    let elapsed = s.elapsed().as_secs_f64();
    if elapsed > 0.0 { s.pos() as f64 / elapsed } else { 0.0 }
}

/// Projects a second: `3.2 个/秒`, `0.25/s`.
fn rate(lang: Lang, per_sec: f64) -> String {
    let per_sec = if per_sec.is_finite() { per_sec.max(0.0) } else { 0.0 };
    let mut n = String::new();
    let _ = if per_sec >= 10.0 { write!(n, "{per_sec:.0}") } else { write!(n, "{per_sec:.1}") };
    if n == "0.0" && per_sec > 0.0 {
        n = format!("{per_sec:.2}");
    }
    RATE.fill(lang, &[("rate", &n)])
}

/// A time left, to the second under an hour: `9 秒`, `3 分 05 秒`, `1h 02m`.
fn duration(lang: Lang, d: Duration) -> String {
    let secs = d.as_secs() + u64::from(d.subsec_millis() >= 500);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        HOURS.fill(lang, &[("h", &h.to_string()), ("m", &format!("{m:02}"))])
    } else if m > 0 {
        MINUTES.fill(lang, &[("m", &m.to_string()), ("s", &format!("{s:02}"))])
    } else {
        SECONDS.fill(lang, &[("s", &s.to_string())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::TermLike;

    /// A terminal that keeps what is written to it.
    #[derive(Debug, Clone, Default)]
    struct Screen(std::sync::Arc<std::sync::Mutex<String>>);

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            120
        }
        fn move_cursor_up(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.write_str(&format!("{s}\n"))
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            self.write_str("<clear>")
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Screen {
        fn take(&self) -> String {
            std::mem::take(&mut *self.0.lock().unwrap())
        }
    }

    #[test]
    fn the_bar_is_drawn_with_label_counts_rate_and_time_left() {
        for (lang, label, counts, rate, left, stage) in [
            (Lang::ZhCn, "生成 [", "] 2/5 个项目 · ", " 个/秒 · ", "剩余 ", "写入汇总、索引和清单 ["),
            (Lang::ZhTw, "產生 [", "] 2/5 個專案 · ", " 個/秒 · ", "剩餘 ", "寫入彙總、索引和清單 ["),
            (Lang::En, "building [", "] 2/5 projects · ", "/s · ", " left", "writing summary, index and manifest ["),
        ] {
            let screen = Screen::default();
            let p = Progress::with_target(4, BUILDING, lang, ProgressDrawTarget::term_like(Box::new(screen.clone())));
            p.recount(4, 5);
            p.inc(1);
            std::thread::sleep(Duration::from_millis(20));
            p.inc(1);
            let line = screen.take();
            let line = line.rsplit("<clear>").next().unwrap();
            for part in [label, counts, rate, left] {
                assert!(line.contains(part), "{part:?} in {line:?}");
            }
            p.inc(3);
            p.set_stage(WRITING_BATCH);
            p.bar.tick();
            let line = screen.take();
            assert!(line.rsplit("<clear>").next().unwrap().contains(stage), "{line:?}");
            assert!(line.contains("5/5"), "{line:?}");
            p.suspend(|| screen.write_str("text\n").unwrap());
            p.finish();
            let end = screen.take();
            assert!(end.ends_with("<clear>"), "the bar is cleared at the end: {end:?}");
        }
    }

    #[test]
    fn a_hidden_bar_draws_nothing_and_counts() {
        let p = Progress::with_target(3, BUILDING, Lang::En, ProgressDrawTarget::hidden());
        assert!(p.bar.is_hidden());
        p.recount(3, 5);
        p.inc(2);
        assert_eq!(p.suspend(|| 7), 7);
        p.set_stage(WRITING_BATCH);
        p.inc(3);
        assert_eq!((p.bar.position(), p.bar.length()), (5, Some(5)));
        p.finish();
        assert!(p.bar.is_finished());
    }

    #[test]
    fn quiet_hides_the_bar() {
        assert!(Progress::new(2, CHECKING, Lang::ZhCn, true).bar.is_hidden());
    }

    #[test]
    fn the_bar_speaks_the_language_of_the_run() {
        for (lang, rate_text, left, long, label) in [
            (Lang::ZhCn, "3.2 个/秒", "剩余 9 秒", "3 分 05 秒", "生成"),
            (Lang::ZhTw, "3.2 個/秒", "剩餘 9 秒", "3 分 05 秒", "產生"),
            (Lang::En, "3.2/s", "9s left", "3m 05s", "building"),
        ] {
            assert_eq!(rate(lang, 3.2), rate_text);
            assert_eq!(LEFT.fill(lang, &[("time", &duration(lang, Duration::from_secs(9)))]), left);
            assert_eq!(duration(lang, Duration::from_secs(185)), long);
            assert_eq!(BUILDING.get(lang), label);
        }
        assert_eq!(rate(Lang::En, 42.4), "42/s");
        assert_eq!(rate(Lang::En, 0.04), "0.04/s");
        assert_eq!(rate(Lang::En, f64::INFINITY), "0.0/s");
        assert_eq!(duration(Lang::ZhCn, Duration::from_secs(3725)), "1 小时 02 分");
        // Every template parses, both stages, every language.
        for lang in [Lang::ZhCn, Lang::ZhTw, Lang::En] {
            let _ = (style(lang, false), style(lang, true));
        }
    }
}
