//! A test-only stop between a check and the act it guards, so a test can reuse a
//! pid in exactly that window. Debug builds only: with
//! `WHYTOP_TEST_PAUSE=POINT:FILE`, the first time whytop reaches `POINT` it
//! creates `FILE` and waits (at most two minutes) until the test removes it.
//! Release builds compile this to nothing.

/// Where whytop may be paused. The names are what `WHYTOP_TEST_PAUSE` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Point {
    /// An action verified its target and is about to call into it.
    AfterCheck,
    /// Inside the platform: the last identity check passed, the kernel call is next.
    BeforeKernelCall,
    /// `whytop ps` between its two samples.
    BetweenSamples,
    /// A stop ladder about to send its first signal.
    BeforeFirstSignal,
}

// Only the debug build's pause reads the names.
#[cfg(debug_assertions)]
impl Point {
    pub fn name(self) -> &'static str {
        match self {
            Point::AfterCheck => "after-check",
            Point::BeforeKernelCall => "before-kernel-call",
            Point::BetweenSamples => "between-samples",
            Point::BeforeFirstSignal => "before-first-signal",
        }
    }
}

#[cfg(debug_assertions)]
pub fn pause(point: Point) {
    use std::sync::atomic::{AtomicBool, Ordering};
    static DONE: AtomicBool = AtomicBool::new(false);
    let Ok(spec) = std::env::var("WHYTOP_TEST_PAUSE") else {
        return;
    };
    let Some((name, file)) = spec.split_once(':') else {
        return;
    };
    if name != point.name() || DONE.swap(true, Ordering::SeqCst) {
        return;
    }
    let file = std::path::Path::new(file);
    if std::fs::write(file, point.name()).is_err() {
        return;
    }
    let until = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while file.exists() && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn pause(_point: Point) {}
