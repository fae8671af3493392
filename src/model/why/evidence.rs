//! What a platform backend observed about one process (or thread): the raw
//! material the classifier judges. Every field is optional, so a backend fills
//! what it can (macOS has no wait channel and no current-syscall file) and the
//! classifier says `unknown`, with the reason, where evidence is missing.

use crate::model::sample::{Pid, ProcState};
use crate::model::syscalls::Arch;
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
    /// The tracer's name, when it could be read.
    #[serde(default)]
    pub tracer_comm: Option<String>,
    /// For a process in `restart_syscall`: what tells which call it resumed.
    #[serde(default)]
    pub resumed: Option<super::resumed::Resumed>,
    /// For a thread waiting on a futex: the 32-bit word at the futex address,
    /// read from its memory. A `pthread_join` waits on the joined thread's tid
    /// word, so a value equal to a thread's tid names the thread it waits for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub futex_word: Option<u32>,
    /// Run states of its threads, from a platform that has them but no
    /// syscall or wait channel (macOS).
    #[serde(default)]
    pub thread_states: Option<ThreadStates>,
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

    /// The first three live children, for a detail line: `12 (make), 13 (cc)`.
    pub(crate) fn some_children(kids: &[&ChildRef]) -> String {
        kids.iter()
            .take(3)
            .map(|c| c.describe())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Children that have not exited.
    pub(crate) fn live_children(&self) -> Option<Vec<&ChildRef>> {
        let c = self.children.as_ref()?;
        Some(
            c.iter()
                .filter(|c| !matches!(c.state, Some(ProcState::Zombie | ProcState::Dead)))
                .collect(),
        )
    }

    /// Whether the device path names its controlling terminal (`/dev/tty` always does).
    pub(crate) fn is_own_tty(&self, path: &str) -> bool {
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

/// How many of a process's threads are in each run state, and the shortest
/// time a waiting one has slept (macOS `proc_threadinfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadStates {
    pub running: u32,
    /// Interruptible waits: a syscall, a Mach message, a condition.
    pub waiting: u32,
    /// Uninterruptible waits: usually disk or VM I/O.
    pub uninterruptible: u32,
    pub stopped: u32,
    pub halted: u32,
    pub other: u32,
    pub shortest_wait_secs: Option<u32>,
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
    /// A syscall as the tests build one (the backends fill in sp and pc).
    #[cfg(test)]
    pub(crate) fn decoded(arch: Arch, nr: i64, args: [u64; 6]) -> Self {
        let name = crate::model::syscalls::name(arch, nr).map(str::to_string);
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
    pub(crate) fn int_arg(&self, i: usize) -> i32 {
        self.args[i] as u32 as i32
    }

    /// How many arguments it takes, when whytop knows the call.
    pub fn arity(&self) -> Option<usize> {
        crate::model::syscalls::arg_count(self.name.as_deref()?).map(|n| n.min(6))
    }

    /// Argument `i` for people: small negatives signed (`-1`, whether passed
    /// as a 64-bit value or a 32-bit int), small numbers in decimal, the rest
    /// (addresses) in hex.
    pub(crate) fn arg_text(&self, i: usize) -> String {
        let v = self.args[i];
        let wide = v as i64;
        let int = v as u32 as i32;
        if (-4096..0).contains(&wide) {
            wide.to_string()
        } else if v <= u64::from(u32::MAX) && (-4096..0).contains(&int) {
            int.to_string()
        } else if v < 1 << 16 {
            v.to_string()
        } else {
            format!("{v:#x}")
        }
    }

    /// `wait4(-1, 0x7ffd…, 0, 0)`, `pause()`: the arguments it takes, or
    /// the first three and `…` for a call whytop does not know.
    pub fn text(&self) -> String {
        let (n, more) = match self.arity() {
            Some(n) => (n, ""),
            None => (3, ", …"),
        };
        let args: Vec<String> = (0..n).map(|i| self.arg_text(i)).collect();
        format!("{}({}{more})", self.name(), args.join(", "))
    }

    /// `wait4(-1)`, `pause()`: the name and its first argument, if it takes one.
    pub(crate) fn short_text(&self) -> String {
        match self.arity() {
            Some(0) => format!("{}()", self.name()),
            _ => format!("{}({})", self.name(), self.arg_text(0)),
        }
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
    pub(crate) fn watched(self) -> bool {
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
    pub(crate) fn describe(&self) -> String {
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
    pub(crate) fn describe(&self) -> String {
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
    pub(crate) fn describe(&self) -> String {
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
    /// Another user's process, and whytop is not root (a backend says
    /// `DeniedToRoot` when it is).
    PermissionDenied,
    /// Refused although whytop runs as its owner (ptrace restrictions such as
    /// Yama's `ptrace_scope`, or a process that changed credentials).
    DeniedToOwner,
    /// Refused even to root: a process with privileges root's ptrace check
    /// lacks, another user namespace, or a security module.
    DeniedToRoot,
    /// Refused even to root on macOS: System Integrity Protection.
    ProtectedFromRoot,
    /// The process or thread exited while being read.
    Gone,
    /// This platform or kernel does not offer it.
    NotAvailable,
    Other(String),
}

/// What to do about a denied read, for an effective user that is or is not
/// root: telling root to run as root is no help. Who whytop runs as is decided
/// when the evidence is read (`DeniedToRoot`, `PermissionDenied`), not here.
pub fn denied_hint_for(root: bool) -> &'static str {
    denied_hint_on(root, false)
}

/// `denied_hint_for` on macOS (`macos`) or Linux: what stops root differs.
pub fn denied_hint_on(root: bool, macos: bool) -> &'static str {
    match (root, macos) {
        (true, false) => {
            "denied even to root: the process is in another user namespace or a security module (Yama, AppArmor, SELinux) forbids it"
        }
        (true, true) => {
            "denied even to root: System Integrity Protection guards this process (a platform binary, or one with the hardened runtime)"
        }
        (false, _) => "run as root or as the owner",
    }
}

impl std::fmt::Display for UnreadableWhy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnreadableWhy::PermissionDenied => {
                write!(f, "permission denied ({})", denied_hint_for(false))
            }
            UnreadableWhy::DeniedToOwner => f.write_str(
                "permission denied although whytop runs as its owner (ptrace is restricted, e.g. kernel.yama.ptrace_scope): run as root",
            ),
            UnreadableWhy::DeniedToRoot => write!(f, "permission {}", denied_hint_for(true)),
            UnreadableWhy::ProtectedFromRoot => {
                write!(f, "permission {}", denied_hint_on(true, true))
            }
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
    pub(crate) fn from_sample(s: &crate::model::ProcSample, children: Vec<ChildRef>) -> Evidence {
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
