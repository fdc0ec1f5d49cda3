//! Progress bars (binary only): the library reports progress through
//! [`reprint::pipeline::Progress`]; this draws it with indicatif on stderr.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reprint::pipeline::Progress;
use std::io::IsTerminal;
use std::sync::Mutex;

/// Progress bars on stderr; hidden when stderr is not a terminal or with --quiet.
pub struct Bars {
    bar: Mutex<Option<ProgressBar>>,
    hidden: bool,
}

impl Bars {
    pub fn new(quiet: bool) -> Self {
        Bars { bar: Mutex::new(None), hidden: quiet || !std::io::stderr().is_terminal() }
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
        bar.set_draw_target(ProgressDrawTarget::stderr());
        let template = match (total, unit) {
            (Some(_), "bytes") => "{prefix:>12} [{bar:30}] {bytes}/{total_bytes} ({eta})",
            (Some(_), _) => "{prefix:>12} [{bar:30}] {pos}/{len} ({eta})",
            (None, _) => "{prefix:>12} {spinner} {elapsed}",
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(stage);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        if let Ok(mut slot) = self.bar.lock() {
            *slot = Some(bar);
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
