//! One call-tree type for every stack tool: threads, their frames innermost
//! first, with sample counts where the tool gives them.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    pub function: String,
    /// `file:line`, a module, or an address.
    pub location: Option<String>,
    /// Samples that passed through this frame (sampling tools only).
    pub count: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ThreadStack {
    pub id: Option<i64>,
    pub name: Option<String>,
    /// Innermost (where it waits) first.
    pub frames: Vec<Frame>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CallTree {
    pub threads: Vec<ThreadStack>,
}

impl CallTree {
    /// Adds a frame to the last thread (starting an unnamed one if there is none:
    /// single-threaded output often has no thread header).
    pub(crate) fn push_frame(&mut self, f: Frame) {
        if self.threads.is_empty() {
            self.threads.push(ThreadStack::default());
        }
        self.threads.last_mut().expect("one exists").frames.push(f);
    }

    /// The kernel's side of thread `id` in one line, innermost first, without the
    /// syscall entry boilerplate every stack ends in: `hrtimer_nanosleep ← common_nsleep`.
    pub(crate) fn summary_of(&self, id: Option<i64>) -> Option<String> {
        let t = self.threads.iter().find(|t| t.id == id)?;
        let names: Vec<&str> = t
            .frames
            .iter()
            .map(|f| f.function.as_str())
            .filter(|f| !f.starts_with("entry_SYSCALL") && !f.starts_with("do_syscall"))
            .take(4)
            .collect();
        (!names.is_empty()).then(|| names.join(" ← "))
    }

    /// The `n` most frequent functions across threads: by sample count when the
    /// format has counts, else by how many threads pass through them.
    pub fn hottest(&self, n: usize) -> Vec<(String, u64)> {
        let mut totals: Vec<(String, u64)> = Vec::new();
        for t in &self.threads {
            let mut seen: Vec<&str> = Vec::new();
            for f in &t.frames {
                if f.function == "??" || seen.contains(&f.function.as_str()) {
                    continue;
                }
                seen.push(&f.function);
                let add = f.count.unwrap_or(1);
                match totals.iter_mut().find(|(name, _)| *name == f.function) {
                    Some((_, c)) => *c += add,
                    None => totals.push((f.function.clone(), add)),
                }
            }
        }
        totals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        totals.truncate(n);
        totals
    }

    pub fn has_function(&self, needle: &str) -> bool {
        self.threads
            .iter()
            .flat_map(|t| &t.frames)
            .any(|f| f.function.contains(needle))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str, count: Option<u64>) -> Frame {
        Frame {
            function: name.into(),
            location: None,
            count,
        }
    }

    #[test]
    fn hottest_counts_each_thread_once_per_function() {
        let t = CallTree {
            threads: vec![
                ThreadStack {
                    frames: vec![f("wait", None), f("main", None), f("wait", None)],
                    ..Default::default()
                },
                ThreadStack {
                    frames: vec![f("wait", None), f("run", None)],
                    ..Default::default()
                },
            ],
        };
        assert_eq!(
            t.hottest(2),
            [("wait".to_string(), 2), ("main".to_string(), 1)]
        );
        let counted = CallTree {
            threads: vec![ThreadStack {
                frames: vec![f("a", Some(90)), f("b", Some(100))],
                ..Default::default()
            }],
        };
        assert_eq!(counted.hottest(1), [("b".to_string(), 100)]);
    }

    #[test]
    fn kernel_summary_skips_the_syscall_entry() {
        let mut t = CallTree::default();
        t.threads.push(ThreadStack {
            id: Some(7),
            name: None,
            frames: [
                "hrtimer_nanosleep",
                "common_nsleep",
                "do_syscall_64",
                "entry_SYSCALL_64_after_hwframe",
            ]
            .iter()
            .map(|n| f(n, None))
            .collect(),
        });
        assert_eq!(
            t.summary_of(Some(7)).as_deref(),
            Some("hrtimer_nanosleep ← common_nsleep")
        );
        assert_eq!(t.summary_of(Some(8)), None);
    }
}
