//! The ordered list of rows the table shows: filtered, sorted, flat or as a tree.

use super::filter::Filter;
use super::sample::ProcKey;
use super::sort::SortColumn;
use super::table::ProcessTable;
use std::collections::HashSet;

/// How the user asked to see the table. Lives in the UI state, applied here.
#[derive(Clone, Debug)]
pub struct ViewOptions {
    pub sort: SortColumn,
    pub descending: bool,
    pub filter: Option<Filter>,
    pub tree: bool,
    /// Kernel threads left out (htop's `K`).
    pub hide_kernel: bool,
    /// Tree nodes whose children are hidden.
    pub collapsed: HashSet<ProcKey>,
    /// Only one user's processes, or only some pids (htop's -u and -p).
    pub only: Only,
}

/// htop's `-u USER` and `-p PID,...`: processes left out of the view entirely.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Only {
    /// A user name or a numeric uid.
    pub user: Option<String>,
    /// Empty: every pid.
    pub pids: Vec<crate::model::Pid>,
}

impl Only {
    pub(crate) fn admits(&self, p: &crate::model::ProcSample) -> bool {
        let user_ok = self.user.as_deref().is_none_or(|u| {
            p.user.as_deref() == Some(u) || p.uid.is_some_and(|id| id.to_string() == u)
        });
        user_ok && (self.pids.is_empty() || self.pids.contains(&p.pid))
    }
}

impl Default for ViewOptions {
    fn default() -> Self {
        Self {
            sort: SortColumn::Cpu,
            descending: true,
            filter: None,
            tree: false,
            hide_kernel: false,
            collapsed: HashSet::new(),
            only: Only::default(),
        }
    }
}

/// One visible row: which sample, and where it sits in the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViewRow {
    pub idx: usize,
    pub depth: u16,
    /// Bit `d` set: the ancestor at depth `d + 1` (or this row, at `depth`) is the
    /// last of its siblings, so no guide line continues below it.
    pub last_mask: u64,
    pub has_children: bool,
    pub collapsed: bool,
}

impl ViewRow {
    /// The tree guide drawn before the command, like htop's `├─ └─ │`.
    pub(crate) fn tree_prefix(&self) -> String {
        if self.depth == 0 {
            return String::new();
        }
        let mut s = String::new();
        for d in 1..self.depth {
            s.push_str(if self.last_mask >> d & 1 == 1 {
                "   "
            } else {
                "│  "
            });
        }
        s.push_str(if self.last_mask >> self.depth & 1 == 1 {
            "└─"
        } else {
            "├─"
        });
        s.push(if self.collapsed { '+' } else { ' ' });
        s
    }
}

pub fn build(table: &ProcessTable, opts: &ViewOptions) -> Vec<ViewRow> {
    let mut out = Vec::new();
    build_into(table, opts, &mut out);
    out
}

/// As `build`, reusing `out`'s allocation (the TUI rebuilds its view every refresh).
pub(crate) fn build_into(table: &ProcessTable, opts: &ViewOptions, out: &mut Vec<ViewRow>) {
    out.clear();
    let procs = &table.snapshot.procs;
    let matches: Vec<bool> = procs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            !(opts.hide_kernel && p.kernel_thread)
                && opts.only.admits(p)
                && opts
                    .filter
                    .as_ref()
                    .is_none_or(|f| f.matches(p, table.snapshot.why.get(i)))
        })
        .collect();
    let order = |a: &usize, b: &usize| {
        let o = opts.sort.compare(table, *a, *b);
        if opts.descending { o.reverse() } else { o }
    };
    if !opts.tree {
        out.extend((0..procs.len()).filter(|&i| matches[i]).map(|idx| ViewRow {
            idx,
            depth: 0,
            last_mask: 0,
            has_children: false,
            collapsed: false,
        }));
        // Ties in index order, as a stable sort leaves them, without the
        // scratch buffer of half the rows a stable sort allocates each refresh.
        out.sort_unstable_by(|a, b| order(&a.idx, &b.idx).then(a.idx.cmp(&b.idx)));
        return;
    }

    // Parent of each row: a thread hangs under its process, a process under its ppid.
    let parent: Vec<Option<usize>> = procs
        .iter()
        .map(|p| {
            let ppid = p.tgid.unwrap_or(p.ppid);
            if ppid == p.pid {
                None
            } else {
                table.find_pid(ppid)
            }
        })
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); procs.len()];
    let mut roots = Vec::new();
    for (i, par) in parent.iter().enumerate() {
        match par {
            Some(p) => children[*p].push(i),
            None => roots.push(i),
        }
    }
    // With a filter, a row shows when it or any descendant matches.
    let mut visible = matches.clone();
    if opts.filter.is_some() {
        for i in 0..procs.len() {
            if matches[i] {
                let mut up = parent[i];
                let mut guard = 0;
                while let Some(p) = up {
                    if visible[p] || guard > procs.len() {
                        break;
                    }
                    visible[p] = true;
                    up = parent[p];
                    guard += 1;
                }
            }
        }
    }
    roots.sort_by(order);
    for c in &mut children {
        c.sort_by(order);
    }
    // Depth-first walk with an explicit stack: (row, depth, mask of last-ness).
    let roots: Vec<usize> = roots.into_iter().filter(|&r| visible[r]).collect();
    let mut stack: Vec<(usize, u16, u64)> = Vec::new();
    for (n, &r) in roots.iter().enumerate().rev() {
        let last = n + 1 == roots.len();
        stack.push((r, 0, u64::from(last)));
    }
    while let Some((i, depth, mask)) = stack.pop() {
        let kids: Vec<usize> = children[i]
            .iter()
            .copied()
            .filter(|&c| visible[c])
            .collect();
        let collapsed = opts.collapsed.contains(&procs[i].key());
        out.push(ViewRow {
            idx: i,
            depth,
            last_mask: mask,
            has_children: !kids.is_empty(),
            collapsed,
        });
        if collapsed || depth >= 63 {
            continue;
        }
        for (n, &c) in kids.iter().enumerate().rev() {
            let last = n + 1 == kids.len();
            stack.push((c, depth + 1, mask | (u64::from(last) << (depth + 1))));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Snapshot;
    use crate::model::table::derive;
    use crate::model::testutil::sample;
    use std::sync::Arc;

    fn table() -> ProcessTable {
        let mut procs = vec![
            sample(1, 0, "init"),
            sample(10, 1, "bash"),
            sample(11, 10, "make"),
            sample(12, 11, "cc"),
            sample(20, 1, "sshd"),
        ];
        procs[3].rss_bytes = 50;
        procs[4].rss_bytes = 10;
        derive(
            None,
            Arc::new(Snapshot {
                procs: Arc::new(procs),
                ..Default::default()
            }),
        )
    }

    fn pids(t: &ProcessTable, v: &[ViewRow]) -> Vec<i32> {
        v.iter().map(|r| t.snapshot.procs[r.idx].pid).collect()
    }

    #[test]
    fn flat_sort_and_reverse() {
        let t = table();
        let mut o = ViewOptions {
            sort: SortColumn::Res,
            descending: true,
            ..Default::default()
        };
        assert_eq!(pids(&t, &build(&t, &o))[..2], [12, 20]);
        o.descending = false;
        assert_eq!(pids(&t, &build(&t, &o)), [1, 10, 11, 20, 12]);
    }

    #[test]
    fn tree_nests_children_and_collapses() {
        let t = table();
        let mut o = ViewOptions {
            tree: true,
            sort: SortColumn::Pid,
            descending: false,
            ..Default::default()
        };
        let v = build(&t, &o);
        assert_eq!(pids(&t, &v), [1, 10, 11, 12, 20]);
        assert_eq!(
            v.iter().map(|r| r.depth).collect::<Vec<_>>(),
            [0, 1, 2, 3, 1]
        );
        assert_eq!(v[1].tree_prefix(), "├─ ");
        assert_eq!(v[4].tree_prefix(), "└─ ");
        assert_eq!(v[3].tree_prefix(), "│     └─ ");
        o.collapsed.insert(t.snapshot.procs[1].key());
        assert_eq!(pids(&t, &build(&t, &o)), [1, 10, 20]);
    }

    #[test]
    fn tree_filter_keeps_ancestors() {
        let t = table();
        let o = ViewOptions {
            tree: true,
            sort: SortColumn::Pid,
            descending: false,
            filter: Filter::parse("cc").unwrap(),
            ..Default::default()
        };
        assert_eq!(pids(&t, &build(&t, &o)), [1, 10, 11, 12]);
    }

    #[test]
    fn kernel_threads_can_be_hidden() {
        let mut procs = vec![sample(1, 0, "init"), sample(2, 0, "kthreadd")];
        std::sync::Arc::make_mut(&mut procs[1].info).kernel_thread = true;
        let t = derive(
            None,
            Arc::new(Snapshot {
                procs: Arc::new(procs),
                ..Default::default()
            }),
        );
        let mut o = ViewOptions::default();
        assert_eq!(build(&t, &o).len(), 2);
        o.hide_kernel = true;
        assert_eq!(pids(&t, &build(&t, &o)), [1]);
        o.tree = true;
        assert_eq!(pids(&t, &build(&t, &o)), [1]);
    }
}
