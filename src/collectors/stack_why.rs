//! A stack capture as WHY evidence: each thread's leaf verdict (the rules of
//! `platform::stackfmt::leaf`) laid on that thread's evidence, so the
//! classifier can name the reason where the platform gives no syscall or
//! wait channel (macOS always; Linux when the syscall file is unreadable).

use crate::model::callstack::CallTree;
use crate::model::why::{Evidence, StackLeaf};
use crate::platform::stackfmt::leaf::stack_leaf;

/// The leaf verdicts of one capture, by the tool's thread ids.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StackLeaves {
    /// (thread id as the tool gave it, its verdict), in the tool's order.
    threads: Vec<(Option<i64>, Option<StackLeaf>)>,
}

impl StackLeaves {
    /// From the stacks `tool` captured.
    pub fn from_tree(tree: &CallTree, tool: &str) -> Self {
        StackLeaves {
            threads: tree
                .threads
                .iter()
                .map(|t| (t.id, stack_leaf(&t.frames, tool)))
                .collect(),
        }
    }

    /// Whether any thread's stack named a wait.
    pub fn any(&self) -> bool {
        self.threads.iter().any(|(_, l)| l.is_some())
    }

    /// The verdict of thread `id`, if the capture had it.
    fn of(&self, id: i64) -> Option<&StackLeaf> {
        self.threads
            .iter()
            .find(|(t, _)| *t == Some(id))
            .and_then(|(_, l)| l.as_ref())
    }

    /// Gives `main` (the process's main thread) and `threads` their stack's
    /// verdict. Linux tools name threads by tid (the main one's is the pid);
    /// macOS `sample` and spindump use ids of their own, but list the main
    /// thread first.
    pub fn lay_on(&self, main: &mut Evidence, threads: &mut [Evidence]) {
        let id = i64::from(main.tid.unwrap_or(main.pid));
        let own = self.threads.iter().find(|(t, _)| *t == Some(id));
        main.stack = own.or(self.threads.first()).and_then(|(_, l)| l.clone());
        for t in threads.iter_mut() {
            if let Some(tid) = t.tid {
                t.stack = self.of(i64::from(tid)).cloned();
            }
        }
    }
}
