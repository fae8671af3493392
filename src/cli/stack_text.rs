//! A capture as `whytop sample` prints it, live or `--from` a file.

use std::fmt::Write;

/// Each thread's top frames (and its kernel stack's summary, when `kernel` is
/// given), then the hottest frames: the text of `whytop sample`.
pub(super) fn write_tree(
    out: &mut String,
    tree: &crate::model::callstack::CallTree,
    kernel: Option<&crate::model::callstack::CallTree>,
) -> std::fmt::Result {
    for t in &tree.threads {
        writeln!(
            out,
            "\nthread {} {}",
            t.id.map(|i| i.to_string()).unwrap_or_default(),
            t.name.as_deref().unwrap_or("")
        )?;
        for f in t.frames.iter().take(12) {
            writeln!(
                out,
                "  {}{}",
                f.function,
                f.location
                    .as_deref()
                    .map(|l| format!("  ({l})"))
                    .unwrap_or_default()
            )?;
        }
        if t.frames.len() > 12 {
            writeln!(out, "  … {} more", t.frames.len() - 12)?;
        }
        if let Some(w) = crate::platform::stackfmt::leaf::leaf_wait(&t.frames) {
            let weak = if w.weak { "?" } else { "" };
            writeln!(out, "  waits: {}{weak} (in {})", w.word, w.frame)?;
        }
        if let Some(k) = kernel.and_then(|k| k.summary_of(t.id)) {
            writeln!(out, "  kernel: {k}")?;
        }
    }
    writeln!(out, "\nhottest:")?;
    for (f, n) in tree.hottest(10) {
        writeln!(out, "  {n:>4}  {f}")?;
    }
    Ok(())
}
