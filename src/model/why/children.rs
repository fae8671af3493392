//! wait4 and waitid: which child it waits for.

use super::WaitReason::Child;
use super::evidence::{Evidence, Syscall};
use super::judgement::Judgement;

const P_ALL: i32 = 0;
const P_PID: i32 = 1;
const P_PGID: i32 = 2;
const P_PIDFD: i32 = 3;

/// Which children a wait call accepts.
enum Target {
    Any,
    Pid(i32),
    Group(Option<i32>),
    Pidfd(i32),
}

pub(super) fn wait(e: &Evidence, sc: &Syscall) -> Judgement {
    let target = if sc.name() == "wait4" {
        match sc.int_arg(0) {
            -1 => Target::Any,
            0 => Target::Group(e.pgrp),
            p if p > 0 => Target::Pid(p),
            g => Target::Group(Some(-g)),
        }
    } else {
        match sc.int_arg(0) {
            P_ALL => Target::Any,
            P_PID => Target::Pid(sc.int_arg(1)),
            P_PGID if sc.int_arg(1) == 0 => Target::Group(e.pgrp),
            P_PGID => Target::Group(Some(sc.int_arg(1))),
            P_PIDFD => Target::Pidfd(sc.int_arg(1)),
            _ => Target::Any,
        }
    };
    let live = e.live_children();
    match target {
        Target::Pid(p) => {
            let name = live
                .as_ref()
                .and_then(|k| k.iter().find(|c| c.pid == p))
                .map(|c| c.describe());
            let mut j = Judgement::new(
                Child,
                format!(
                    "waiting for child {} to exit",
                    name.unwrap_or(p.to_string())
                ),
            );
            j.child = Some(p);
            j
        }
        Target::Pidfd(fd) => Judgement::new(
            Child,
            format!("waiting for the child behind pidfd {fd} to exit"),
        ),
        Target::Group(g) => {
            let g = g.map(|g| g.to_string()).unwrap_or_else(|| "?".into());
            Judgement::new(
                Child,
                format!("waiting for a child in process group {g} to exit"),
            )
        }
        Target::Any => match live {
            None => Judgement::weak(
                Child,
                "waiting for any child to exit (its children are unknown)",
            ),
            Some(k) if k.is_empty() => Judgement::weak(
                Child,
                "waiting for a child, but none is alive (about to return)",
            ),
            Some(k) if k.len() == 1 => {
                let mut j = Judgement::new(
                    Child,
                    format!("waiting for child {} to exit", k[0].describe()),
                );
                j.child = Some(k[0].pid);
                j.by(format!("1 live child: {}", k[0].describe()))
            }
            Some(k) => {
                let names: Vec<String> = k.iter().take(4).map(|c| c.describe()).collect();
                let more = if k.len() > 4 {
                    format!(" and {} more", k.len() - 4)
                } else {
                    String::new()
                };
                Judgement::new(
                    Child,
                    format!(
                        "waiting for any of {} children to exit: {}{more}",
                        k.len(),
                        names.join(", ")
                    ),
                )
                .by(format!("{} live children", k.len()))
            }
        },
    }
}
