//! The kernel wait channel as a fallback: weaker than the current syscall (one
//! function name, no arguments), but readable in some cases where it is not.

use super::WaitReason;

/// What a wait channel suggests, with a phrase for the detail.
pub(super) fn suggest(wchan: &str) -> Option<(WaitReason, &'static str)> {
    // `poll_schedule_timeout.constprop.0`: the compiler's suffix is not part of the name.
    let mut w = super::restart::base_name(wchan.trim());
    for prefix in [
        "__x64_sys_",
        "__arm64_sys_",
        "__do_sys_",
        "__se_sys_",
        "ksys_",
        "sys_",
    ] {
        w = w.strip_prefix(prefix).unwrap_or(w);
    }
    use WaitReason::*;
    Some(match w {
        "" | "0" => return None,
        "do_wait" | "kernel_wait4" | "kernel_waitid" | "do_wait_pid" => {
            (Child, "waiting for a child to exit")
        }
        "hrtimer_nanosleep" | "do_nanosleep" | "clock_nanosleep" | "common_nsleep"
        | "nanosleep" => (Timer, "sleeping for a set time"),
        "futex_wait_queue"
        | "futex_do_wait"
        | "futex_wait_queue_me"
        | "futex_wait"
        | "__futex_wait"
        | "futex_wait_multiple"
        | "futex_lock_pi"
        | "rt_mutex_slowlock" => (Lock, "waiting on a futex (a mutex, condition or join)"),
        "locks_lock_inode_wait"
        | "flock_lock_inode_wait"
        | "fcntl_setlk"
        | "do_lock_file_wait"
        | "flock" => (Lock, "waiting for a file lock"),
        "pipe_read" | "pipe_write" | "pipe_wait" | "pipe_wait_readable" | "pipe_wait_writable"
        | "wait_for_partner" | "fifo_open" => (Pipe, "waiting on a pipe or FIFO"),
        "inet_csk_accept"
        | "inet_csk_wait_for_connect"
        | "sk_wait_data"
        | "unix_stream_read_generic"
        | "unix_stream_data_wait"
        | "__skb_wait_for_more_packets"
        | "__skb_recv_datagram"
        | "inet_wait_for_connect"
        | "sk_stream_wait_memory"
        | "unix_wait_for_peer"
        | "tcp_recvmsg"
        | "unix_accept" => (Socket, "waiting on a socket"),
        "do_sys_poll"
        | "do_select"
        | "core_sys_select"
        | "ep_poll"
        | "do_epoll_wait"
        | "poll_schedule_timeout" => (EventLoop, "waiting in poll, select or epoll"),
        "n_tty_read" | "tty_read" => (Input, "reading a terminal"),
        "do_signal_stop" => (Stopped, "stopped by a signal"),
        "ptrace_stop" => (Traced, "stopped by its tracer"),
        "sigsuspend" | "rt_sigsuspend" | "do_sigtimedwait" | "pause" | "rt_sigtimedwait" => {
            (Signal, "waiting for a signal")
        }
        "io_schedule"
        | "folio_wait_bit_common"
        | "wait_on_page_bit_common"
        | "blk_mq_get_tag"
        | "jbd2_log_wait_commit"
        | "io_wait_event"
        | "bit_wait_io" => (Disk, "waiting for block I/O"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_channels() {
        assert_eq!(suggest("do_wait").unwrap().0, WaitReason::Child);
        assert_eq!(suggest("hrtimer_nanosleep").unwrap().0, WaitReason::Timer);
        assert_eq!(suggest("futex_wait_queue").unwrap().0, WaitReason::Lock);
        // Names as kernel 6.x prints them.
        assert_eq!(suggest("futex_do_wait").unwrap().0, WaitReason::Lock);
        assert_eq!(
            suggest("poll_schedule_timeout.constprop.0").unwrap().0,
            WaitReason::EventLoop
        );
        assert_eq!(suggest("do_syscall_64"), None);
        assert_eq!(suggest("pipe_read").unwrap().0, WaitReason::Pipe);
        assert_eq!(suggest("inet_csk_accept").unwrap().0, WaitReason::Socket);
        assert_eq!(suggest("__do_sys_pause").unwrap().0, WaitReason::Signal);
        assert_eq!(suggest("0"), None);
        assert_eq!(suggest("some_driver_fn"), None);
    }
}
