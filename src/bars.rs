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
    /// The stages under way, innermost last: a stage that starts while another is under way
    /// (texts read again in the middle of verifying or aligning) is drawn in its place until it
    /// ends, and the one it interrupted is drawn again from where it was.
    bars: Mutex<Vec<(&'static str, ProgressBar)>>,
    hidden: bool,
    /// Where a new bar draws (stderr; a test's recorder).
    target: fn() -> ProgressDrawTarget,
}

impl Bars {
    pub fn new(quiet: bool) -> Self {
        Bars {
            bars: Mutex::new(Vec::new()),
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
        if let Ok(mut bars) = self.bars.lock() {
            match bars.last() {
                // A stage started again replaces its bar: the old one is cleared, not left behind.
                Some((name, _)) if *name == stage => {
                    if let Some((_, old)) = bars.pop() {
                        old.finish_and_clear();
                    }
                }
                // A stage within the one under way: that one waits, hidden, keeping its place.
                Some((_, outer)) => {
                    outer.set_draw_target(ProgressDrawTarget::hidden());
                }
                None => {}
            }
            bars.push((stage, bar));
        }
    }

    fn set(&self, done: u64) {
        if let Ok(bars) = self.bars.lock() {
            if let Some((_, bar)) = bars.last() {
                bar.set_position(done);
            }
        }
    }

    fn finish(&self) {
        if let Ok(mut bars) = self.bars.lock() {
            if let Some((_, bar)) = bars.pop() {
                bar.finish_and_clear();
            }
            if let Some((_, outer)) = bars.last() {
                outer.set_draw_target((self.target)());
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

    /// What the bars of [`a_stage_within_another_gives_it_back_its_bar`] drew.
    static DRAWN_NESTED: OnceLock<Arc<Mutex<Vec<String>>>> = OnceLock::new();

    fn recorded_nested() -> ProgressDrawTarget {
        ProgressDrawTarget::term_like(Box::new(Recorder(DRAWN_NESTED.get_or_init(Default::default).clone())))
    }

    /// Texts read in the middle of a stage show their own bar, then the stage's bar again, from
    /// where it was; a stage after them is drawn alone.
    #[test]
    fn a_stage_within_another_gives_it_back_its_bar() {
        let bars = Bars { bars: Mutex::new(Vec::new()), hidden: false, target: recorded_nested };
        let tick = || std::thread::sleep(std::time::Duration::from_millis(400));
        // What the steady tick draws once the last change has been drawn (every 120 ms).
        let drawn_next = || {
            tick();
            let from = DRAWN_NESTED.get().unwrap().lock().unwrap().len();
            tick();
            DRAWN_NESTED.get().unwrap().lock().unwrap()[from..].join("\n")
        };
        bars.start("passages", Some(1_000), "pairs");
        bars.set(250);
        tick();
        bars.start("texts", Some(40), "documents");
        bars.set(10);
        let while_texts = drawn_next();
        assert!(while_texts.contains("texts [") && !while_texts.contains("passages ["), "{while_texts}");
        bars.finish();
        let again = drawn_next();
        assert!(again.contains("    passages [=======>                      ] 250/1,000 pairs ("), "{again}");
        assert!(!again.contains("texts ["), "{again}");
        bars.finish();
        assert!(bars.bars.lock().unwrap().is_empty());
        bars.start("cluster", Some(5), "documents");
        bars.set(1);
        let alone = drawn_next();
        assert!(alone.contains("cluster [") && !alone.contains("passages ["), "{alone}");
        bars.finish();
    }

    /// The passage stage shows how many pairs are aligned out of how many; bytes are decimal
    /// MB of the input as stored, as the summary counts them.
    #[test]
    fn bars_show_counts_with_their_units() {
        let bars = Bars { bars: Mutex::new(Vec::new()), hidden: false, target: recorded };
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
