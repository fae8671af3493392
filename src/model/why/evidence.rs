//! What a platform backend observed about one process (or thread): the raw
//! material the classifier judges. Every field is optional, so a backend fills
//! what it can (macOS has no wait channel and no current-syscall file) and the
//! classifier says `unknown`, with the reason, where evidence is missing.

use crate::model::sample::{Pid, ProcState};
use crate::platform::syscalls::Arch;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub pid: Pid,
    /// The thread this evidence is about, when it is not the main thread.
    pub tid: Option<Pid>,
    pub comm: Option<String>,
    pub ppid: Option<Pid>,
    pub state: Option<ProcState>,
    pub kernel_thread: Option<bool>,
    /// Threads in the process.
    pub threads: Option<u32>,
    /// Kernel function it sleeps in (Linux `wchan`); never on macOS.
    pub wchan: Option<String>,
    pub syscall: Option<SyscallState>,
    /// The fds the current syscall names (or watches, for poll/select/epoll), resolved.
    pub fds: Vec<FdEvidence>,
    /// A path argument of the current syscall (open, stat...), read from its memory.
    pub path_arg: Option<String>,
    /// Controlling terminal, such as `pts/3`.
    pub tty: Option<String>,
    pub pgrp: Option<Pid>,
    /// Foreground process group of the controlling terminal.
    pub tpgid: Option<Pid>,
    /// Pid of the process tracing it (debugger, strace), if any.
    pub tracer: Option<Pid>,
    /// Direct children (of the whole process, zombies included); `None`: unknown.
    pub children: Option<Vec<ChildRef>>,
    /// Evidence that was looked for and could not be had, with why.
    pub unreadable: Vec<Unreadable>,
}

impl Evidence {
    /// Whether its process group is the foreground of its controlling terminal.
    pub fn foreground(&self) -> Option<bool> {
        self.tty.as_ref()?;
        match (self.pgrp, self.tpgid) {
            (Some(p), Some(t)) if t > 0 => Some(p == t),
            (Some(_), Some(_)) => Some(false),
            _ => None,
        }
    }

    /// Children that have not exited.
    pub fn live_children(&self) -> Option<Vec<&ChildRef>> {
        let c = self.children.as_ref()?;
        Some(
            c.iter()
                .filter(|c| !matches!(c.state, Some(ProcState::Zombie | ProcState::Dead)))
                .collect(),
        )
    }

    /// Whether the device path names its controlling terminal (`/dev/tty` always does).
    pub fn is_own_tty(&self, path: &str) -> bool {
        path == "/dev/tty"
            || self
                .tty
                .as_deref()
                .is_some_and(|t| path.strip_prefix("/dev/") == Some(t))
    }

    /// Why something was unreadable, when it was.
    pub fn why_unreadable(&self, what: &str) -> Option<&Unreadable> {
        self.unreadable.iter().find(|u| u.what == what)
    }
}

/// Where the thread is, as far as system calls go.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SyscallState {
    /// On a CPU, or runnable (Linux prints `running`).
    Running,
    /// Blocked in the kernel but not in a system call (a fault, a signal stop).
    NotInSyscall {
        sp: u64,
        pc: u64,
    },
    In(Syscall),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Syscall {
    pub nr: i64,
    /// Name decoded for `arch`; `None` when the number is unknown to whytop.
    pub name: Option<String>,
    pub arch: Option<Arch>,
    pub args: [u64; 6],
    pub sp: u64,
    pub pc: u64,
}

impl Syscall {
    pub fn decoded(arch: Arch, nr: i64, args: [u64; 6]) -> Self {
        let name = crate::platform::syscalls::name(arch, nr).map(str::to_string);
        Syscall {
            nr,
            name,
            arch: Some(arch),
            args,
            sp: 0,
            pc: 0,
        }
    }

    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("?")
    }

    /// Argument `i` as a C `int` (fds, pids and flags are passed sign-extended or truncated).
    pub fn int_arg(&self, i: usize) -> i32 {
        self.args[i] as u32 as i32
    }
}

/// How the syscall uses an fd.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FdRole {
    /// Reads from it (read, recv, accept).
    Read,
    /// Writes to it.
    Write,
    /// Other use (a lock, fsync, connect).
    Other,
    /// Watched for readability by poll/select/epoll.
    WatchRead,
    /// Watched for writability only.
    WatchWrite,
    /// The epoll instance itself.
    Epoll,
}

impl FdRole {
    pub fn watched(self) -> bool {
        matches!(self, FdRole::WatchRead | FdRole::WatchWrite)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FdEvidence {
    pub fd: i32,
    pub role: FdRole,
    pub target: FdTarget,
}

/// What an fd refers to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum FdTarget {
    /// A terminal device (`/dev/pts/3`, `/dev/tty1`, `/dev/tty`, `/dev/console`).
    Terminal {
        path: String,
    },
    /// The master side of a pseudo-terminal: a terminal emulator's end.
    PtyMaster,
    Pipe {
        inode: u64,
    },
    Socket {
        inode: u64,
        info: Option<SocketInfo>,
    },
    /// A regular file or directory.
    File {
        path: String,
    },
    /// A device node other than a terminal.
    Device {
        path: String,
    },
    /// An anonymous inode: `eventfd`, `timerfd`, `signalfd`, `inotify`, `eventpoll`...
    Anon {
        kind: String,
    },
    Other {
        link: String,
    },
    /// The fd could not be resolved (permission, closed since).
    Unreadable {
        why: String,
    },
}

impl FdTarget {
    /// A short description for details: `/dev/pts/3`, `pipe`, `socket tcp 0.0.0.0:80 (listening)`.
    pub fn describe(&self) -> String {
        match self {
            FdTarget::Terminal { path } => path.clone(),
            FdTarget::PtyMaster => "pty master".into(),
            FdTarget::Pipe { inode } => format!("pipe:[{inode}]"),
            FdTarget::Socket { inode, info: None } => format!("socket:[{inode}]"),
            FdTarget::Socket { info: Some(i), .. } => format!("socket {}", i.describe()),
            FdTarget::File { path } | FdTarget::Device { path } => path.clone(),
            FdTarget::Anon { kind } => kind.clone(),
            FdTarget::Other { link } => link.clone(),
            FdTarget::Unreadable { why } => format!("unresolved ({why})"),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SocketInfo {
    /// `tcp`, `tcp6`, `udp`, `udp6`, `unix`...
    pub proto: String,
    pub listening: bool,
    pub local: Option<String>,
    pub peer: Option<String>,
    /// Connection state as the kernel names it (`ESTABLISHED`, `LISTEN`...).
    pub state: Option<String>,
}

impl SocketInfo {
    pub fn describe(&self) -> String {
        let mut s = self.proto.clone();
        if let Some(l) = self.local.as_deref().filter(|l| !l.is_empty()) {
            s.push(' ');
            s.push_str(l);
        }
        if self.listening {
            s.push_str(" (listening)");
        } else if let Some(p) = self.peer.as_deref().filter(|p| !p.is_empty()) {
            s.push_str(" <-> ");
            s.push_str(p);
        }
        s
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChildRef {
    pub pid: Pid,
    pub comm: Option<String>,
    pub state: Option<ProcState>,
}

impl ChildRef {
    pub fn describe(&self) -> String {
        match &self.comm {
            Some(c) => format!("{} ({c})", self.pid),
            None => self.pid.to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unreadable {
    /// Which evidence: `syscall`, `wchan`, `fd`, `fd set`, `children`...
    pub what: String,
    pub why: UnreadableWhy,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnreadableWhy {
    PermissionDenied,
    /// The process or thread exited while being read.
    Gone,
    /// This platform or kernel does not offer it.
    NotAvailable,
    Other(String),
}

impl std::fmt::Display for UnreadableWhy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnreadableWhy::PermissionDenied => write!(
                f,
                "permission denied ({})",
                crate::platform::privilege::denied_hint()
            ),
            UnreadableWhy::Gone => f.write_str("it exited while being read"),
            UnreadableWhy::NotAvailable => f.write_str("not available on this system"),
            UnreadableWhy::Other(s) => f.write_str(s),
        }
    }
}

impl Evidence {
    /// What any platform knows from the process list alone: state, terminal,
    /// foreground group, children. A backend without wait channels or syscall
    /// files (macOS) starts here and marks the rest as not available, so the
    /// classifier says `unknown` with that reason rather than guessing.
    pub fn from_sample(s: &crate::model::ProcSample, children: Vec<ChildRef>) -> Evidence {
        Evidence {
            pid: s.tgid.unwrap_or(s.pid),
            tid: s.tgid.map(|_| s.pid),
            comm: Some(s.comm.to_string()),
            ppid: Some(s.ppid),
            state: Some(s.state),
            kernel_thread: Some(s.kernel_thread),
            threads: Some(s.threads),
            tty: s.tty.as_deref().map(str::to_string),
            pgrp: Some(s.pgid),
            tpgid: Some(s.tpgid),
            children: Some(children),
            ..Default::default()
        }
    }
}
