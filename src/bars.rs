//! Progress bars (binary only): the library reports progress through
//! [`reprint::pipeline::Progress`]; this draws it with indicatif on stderr.
//!
//! Units are labelled and decimal: bytes as `MB` (10^6, the unit of the run summary) of the
//! input files as stored (compressed for gzip: the only size known before reading), pairs and
//! documents as counts with thousands separators (`passages [====>   ] 12,345/67,890 pairs`).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reprint::pipeline::Progress;
use std::io::IsTerminal;
use std::sync::Mutex;

/// Progress bars on stderr; hidden when stderr is not a terminal or with --quiet.
pub struct Bars {
    bar: Mutex<Option<ProgressBar>>,
    hidden: bool,
    /// Where a new bar draws (stderr; a test's recorder).
    target: fn() -> ProgressDrawTarget,
}

impl Bars {
    pub fn new(quiet: bool) -> Self {
        Bars {
            bar: Mutex::new(None),
            hidden: quiet || !std::io::stderr().is_terminal(),
            target: ProgressDrawTarget::stderr,
        }
    }
}

/// The indicatif template of a stage measured in `unit`, with or without a known total.
fn template(total: Option<u64>, unit: &str) -> String {
    match (total, unit) {
        (Some(_), "bytes") => {
            "{prefix:>12} [{bar:30}] {decimal_bytes}/{decimal_total_bytes} of input as stored ({eta})"
                .to_owned()
        }
        (Some(_), unit) => {
            format!("{{prefix:>12}} [{{bar:30}}] {{human_pos}}/{{human_len}} {unit} ({{eta}})")
        }
        (None, _) => "{prefix:>12} {spinner} {elapsed}".to_owned(),
    }
}

impl Progress for Bars {
    fn start(&self, stage: &'static str, total: Option<u64>, unit: &'static str) {
        if self.hidden {
            return;
        }
        let bar = match total {
            Some(t) => ProgressBar::new(t),
            None => ProgressBar::new_spinner(),
        };
        bar.set_draw_target((self.target)());
        if let Ok(style) = ProgressStyle::with_template(&template(total, unit)) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(stage);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        if let Ok(mut slot) = self.bar.lock() {
            // A stage started again replaces its bar: the old one is cleared, not left behind.
            if let Some(old) = slot.replace(bar) {
                old.finish_and_clear();
            }
        }
    }

    fn set(&self, done: u64) {
        if let Ok(slot) = self.bar.lock() {
            if let Some(bar) = slot.as_ref() {
                bar.set_position(done);
            }
        }
    }

    fn finish(&self) {
        if let Ok(mut slot) = self.bar.lock() {
            if let Some(bar) = slot.take() {
                bar.finish_and_clear();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, OnceLock};

    /// What the bars drew: every line and string written.
    static DRAWN: OnceLock<Arc<Mutex<Vec<String>>>> = OnceLock::new();

    #[derive(Debug)]
    struct Recorder(Arc<Mutex<Vec<String>>>);

    impl indicatif::TermLike for Recorder {
        fn width(&self) -> u16 {
            120
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push(s.to_owned());
            Ok(())
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            self.write_line(s)
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn recorded() -> ProgressDrawTarget {
        ProgressDrawTarget::term_like(Box::new(Recorder(DRAWN.get_or_init(Default::default).clone())))
    }

    /// The passage stage shows how many pairs are aligned out of how many; bytes are decimal
    /// MB of the input as stored, as the summary counts them.
    #[test]
    fn bars_show_counts_with_their_units() {
        let bars = Bars { bar: Mutex::new(None), hidden: false, target: recorded };
        bars.start("passages", None, "pairs");
        bars.finish();
        bars.start("passages", Some(67_890), "pairs");
        bars.set(12_345);
        // Positions are drawn by the steady tick (every 120 ms).
        std::thread::sleep(std::time::Duration::from_millis(400));
        bars.finish();
        bars.start("read+sketch", Some(27_806_361), "bytes");
        bars.set(10_500_000);
        std::thread::sleep(std::time::Duration::from_millis(400));
        bars.finish();
        let drawn = DRAWN.get().unwrap().lock().unwrap().join("\n");
        assert!(
            drawn.contains("    passages [=====>                        ] 12,345/67,890 pairs ("),
            "{drawn}"
        );
        assert!(
            drawn.contains(
                " read+sketch [===========>                  ] 10.50 MB/27.81 MB of input as stored ("
            ),
            "{drawn}"
        );
        assert!(!drawn.contains("MiB"), "{drawn}");
    }

    #[test]
    fn templates_name_their_units() {
        assert!(template(Some(10), "pairs").contains("{human_pos}/{human_len} pairs"));
        assert!(
            template(Some(10), "bytes").contains("{decimal_bytes}/{decimal_total_bytes} of input as stored")
        );
        assert_eq!(template(None, "pairs"), "{prefix:>12} {spinner} {elapsed}");
    }
}
