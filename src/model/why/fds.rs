//! What waiting on one fd means, by what the fd is.

use super::WaitReason::{self, *};
use super::evidence::{Evidence, FdEvidence, FdTarget, SocketInfo};
use super::judgement::Judgement;

/// How the syscall waits on the fd.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Use {
    Read,
    Write,
    Accept,
    Connect,
    /// poll/select/epoll for readability (`true`) or writability only.
    Poll(bool),
}

/// The judgement for a wait on one fd.
pub(super) fn judge(e: &Evidence, f: &FdEvidence, how: Use) -> Judgement {
    let d = f.target.describe();
    let fd = f.fd;
    let polling = matches!(how, Use::Poll(_));
    let reading = matches!(how, Use::Read | Use::Accept | Use::Poll(true));
    let verb = match (how, polling) {
        (_, true) => "polling",
        (Use::Write, _) => "writing",
        _ => "reading",
    };
    let by = format!("fd {fd} -> {d}");
    let j = match &f.target {
        FdTarget::Terminal { path } => return terminal(e, fd, path, how),
        FdTarget::PtyMaster if reading => Judgement::new(
            Pipe,
            format!(
                "{verb} the master side of a pseudo-terminal (fd {fd}): a terminal emulator waiting for output of the programs in it"
            ),
        ),
        FdTarget::PtyMaster => Judgement::new(
            Pipe,
            format!("{verb} a pseudo-terminal master (fd {fd}): its input buffer is full"),
        ),
        FdTarget::Pipe { .. } if reading => Judgement::new(
            Pipe,
            format!("{verb} {d} (fd {fd}): waiting for the writer to write or close it"),
        ),
        FdTarget::Pipe { .. } => Judgement::new(
            Pipe,
            format!("{verb} {d} (fd {fd}): the pipe is full; the reader is not reading"),
        ),
        FdTarget::Socket { info, .. } => socket(fd, info.as_ref(), how, &d),
        FdTarget::File { path } if path.starts_with("/proc/") || path.starts_with("/sys/") => {
            Judgement::new(
                Pipe,
                format!(
                    "{verb} kernel file {path} (fd {fd}): waiting for the kernel to produce data"
                ),
            )
        }
        FdTarget::File { path } => {
            let mut j = Judgement::new(Disk, format!("{verb} regular file {path} (fd {fd})"));
            if e.state != Some(crate::model::ProcState::DiskSleep) {
                j.detail
                    .push_str(" while interruptible: a slow filesystem (network, FUSE)?");
                j.weak = true;
            }
            j
        }
        FdTarget::Device { path } => Judgement::new(
            Pipe,
            format!("{verb} device {path} (fd {fd}): waiting for the device"),
        ),
        FdTarget::Anon { kind } => anon(fd, kind, verb),
        FdTarget::Other { link } => Judgement::weak(
            Unknown,
            format!("{verb} fd {fd} ({link}): whytop does not know this kind of file"),
        ),
        FdTarget::Unreadable { why } => Judgement::weak(
            Unknown,
            format!("{verb} fd {fd}, which could not be resolved: {why}"),
        ),
    };
    j.by(by)
}

fn terminal(e: &Evidence, fd: i32, path: &str, how: Use) -> Judgement {
    let by = format!("fd {fd} -> {path}");
    let j = match how {
        Use::Write | Use::Poll(false) => Judgement::new(
            Pipe,
            format!("writing terminal {path} (fd {fd}): output is paused (Ctrl-S; Ctrl-Q resumes) or the terminal is not reading"),
        ),
        _ if !e.is_own_tty(path) => {
            let mut j = Judgement::new(Input, format!("reading terminal {path} (fd {fd}), which is not its controlling terminal"));
            j.ready = false;
            j
        }
        _ => match e.foreground() {
            Some(true) => {
                let mut j = Judgement::new(Input, format!("waiting for you to type on {path} (fd {fd}); it is the foreground job"));
                j.ready = true;
                j.by.push(fg_phrase(e));
                j
            }
            Some(false) if matches!(how, Use::Poll(_)) => Judgement::new(
                EventLoop,
                format!("polling its terminal {path} (fd {fd}) from the background: input goes to the foreground job (fg brings it forward)"),
            )
            .by(fg_phrase(e)),
            Some(false) => Judgement::weak(
                Unknown,
                format!("reading its terminal {path} (fd {fd}) from the background, which normally stops it (SIGTTIN)"),
            )
            .by(fg_phrase(e)),
            None => Judgement::weak(Input, format!("reading terminal {path} (fd {fd}); whether it is the foreground job is unknown")),
        },
    };
    j.by(by)
}

pub(super) fn fg_phrase(e: &Evidence) -> String {
    match (e.pgrp, e.tpgid) {
        (Some(p), Some(t)) if p == t => format!("pgrp {p} = tpgid {t} (foreground)"),
        (Some(p), Some(t)) => format!("pgrp {p} != tpgid {t} (background)"),
        _ => "foreground unknown".into(),
    }
}

fn socket(fd: i32, info: Option<&SocketInfo>, how: Use, d: &str) -> Judgement {
    let listening = how == Use::Accept || info.is_some_and(|i| i.listening);
    let peer = info
        .and_then(|i| i.peer.as_deref())
        .filter(|p| !p.is_empty());
    let detail = match how {
        _ if listening => format!("waiting for a connection on {d} (fd {fd})"),
        Use::Connect => match peer {
            Some(p) => format!("connecting to {p} (fd {fd})"),
            None => format!("connecting ({d}, fd {fd})"),
        },
        Use::Write | Use::Poll(false) => match peer {
            Some(p) => format!("send buffer full: peer {p} is not reading (fd {fd})"),
            None => format!("send buffer full on {d} (fd {fd}): the peer is not reading"),
        },
        _ => match peer {
            Some(p) => format!("waiting for data from peer {p} (fd {fd}, {d})"),
            None => format!("waiting for data on {d} (fd {fd})"),
        },
    };
    Judgement::new(Socket, detail)
}

fn anon(fd: i32, kind: &str, verb: &str) -> Judgement {
    let k = kind
        .trim_start_matches("anon_inode:")
        .trim_matches(['[', ']']);
    let (reason, what): (WaitReason, &str) = match k {
        "eventfd" => (
            EventLoop,
            "an eventfd: another thread or process will signal it",
        ),
        "timerfd" => (Timer, "a timerfd: a timer set to fire"),
        "signalfd" => (Signal, "a signalfd: waiting for a signal"),
        "inotify" | "fanotify" => (EventLoop, "file change notifications"),
        "eventpoll" => (EventLoop, "a nested epoll set"),
        "pidfd" | "[pidfd]" => (Child, "a pidfd: waiting for a process to exit"),
        "io_uring" => (EventLoop, "io_uring completions"),
        _ => return Judgement::weak(Unknown, format!("{verb} fd {fd} ({kind})")),
    };
    Judgement::new(reason, format!("{verb} {what} (fd {fd})"))
}
