//! How many arguments a system call takes, so evidence prints those and not
//! the leftover register contents after them (`pause()`, not `pause(0x7f8d…)`).

/// The argument count of the call named `name`; None for calls whytop does not list.
pub fn arg_count(name: &str) -> Option<usize> {
    Some(match name {
        "pause" | "restart_syscall" | "sched_yield" | "sync" | "fork" | "vfork" | "getpid"
        | "gettid" | "getppid" | "setsid" | "vhangup" | "munlockall" | "inotify_init"
        | "rt_sigreturn" => 0,
        "close" | "dup" | "exit" | "exit_group" | "alarm" | "fsync" | "fdatasync" | "syncfs"
        | "brk" | "chdir" | "fchdir" | "epoll_create" | "epoll_create1" | "umask" | "uname"
        | "unlink" | "rmdir" | "time" | "pipe" | "set_tid_address" => 1,
        "nanosleep" | "flock" | "creat" | "munmap" | "rt_sigsuspend" | "kill" | "pipe2"
        | "pidfd_open" | "sigaltstack" | "dup2" | "listen" | "shutdown" | "mkdir"
        | "gettimeofday" | "clock_gettime" | "access" | "rename" => 2,
        "read" | "write" | "readv" | "writev" | "recvmsg" | "sendmsg" | "accept" | "connect"
        | "poll" | "fcntl" | "semop" | "open" | "msync" | "ioctl" | "getrandom" | "execve"
        | "tgkill" | "getdents64" | "lseek" | "bind" | "socket" | "inotify_add_watch"
        | "mprotect" | "madvise" | "dup3" | "readlink" | "chmod" | "chown" | "mkdirat"
        | "unlinkat" | "faccessat" | "fchmodat" => 3,
        "pread64" | "pwrite64" | "sendmmsg" | "accept4" | "epoll_wait" | "clock_nanosleep"
        | "wait4" | "semtimedop" | "msgsnd" | "rt_sigtimedwait" | "rt_sigprocmask"
        | "rt_sigaction" | "openat" | "openat2" | "sync_file_range" | "tee" | "vmsplice"
        | "sendfile" | "newfstatat" | "ptrace" | "socketpair" | "epoll_ctl" | "renameat"
        | "prlimit64" | "readlinkat" | "fchownat" => 4,
        "preadv" | "pwritev" | "recvmmsg" | "select" | "ppoll" | "waitid" | "futex_waitv"
        | "msgrcv" | "mq_timedreceive" | "mq_timedsend" | "io_getevents" | "clone" | "statx"
        | "mremap" | "setsockopt" | "getsockopt" | "prctl" | "renameat2" => 5,
        "preadv2" | "pwritev2" | "recvfrom" | "sendto" | "pselect6" | "epoll_pwait"
        | "epoll_pwait2" | "futex" | "io_pgetevents" | "io_uring_enter" | "splice"
        | "copy_file_range" | "mmap" => 6,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_counts() {
        assert_eq!(arg_count("pause"), Some(0));
        assert_eq!(arg_count("restart_syscall"), Some(0));
        assert_eq!(arg_count("read"), Some(3));
        assert_eq!(arg_count("wait4"), Some(4));
        assert_eq!(arg_count("futex"), Some(6));
        assert_eq!(arg_count("no_such_call"), None);
    }

    #[test]
    fn every_listed_name_is_a_real_call() {
        use crate::model::syscalls::{Arch, number};
        for name in [
            "pause",
            "restart_syscall",
            "read",
            "wait4",
            "futex",
            "ppoll",
            "epoll_pwait",
            "clock_nanosleep",
            "pselect6",
            "recvfrom",
        ] {
            assert!(
                number(Arch::X86_64, name).is_some() || number(Arch::Aarch64, name).is_some(),
                "{name}"
            );
        }
    }
}
