//! Thin, safe wrappers over libproc and sysctl. Each copies a struct or bytes
//! out and reports `errno`; interpreting them is `darwin_decode`'s job.

use super::ffi;
use crate::platform::darwin_decode::c_chars;
use crate::platform::darwin_decode::kinfo::KINFO_PROC_SIZE;
use crate::platform::darwin_decode::rusage::RUSAGE_INFO_V4_SIZE;
use crate::platform::darwin_decode::sample::BSDINFO_FIND_ZOMBIES;
use crate::platform::darwin_decode::time::Timebase;
use libc::{c_int, c_void};
use std::io;
use std::mem::{MaybeUninit, size_of};
use std::ptr::null_mut;
use std::sync::{Mutex, OnceLock};

/// Structs `proc_pidinfo` may fill: plain C data for which all-zero bytes are valid.
///
/// # Safety
/// Implement only for `repr(C)` structs of integers and arrays of them.
unsafe trait PidInfo: Sized {}
// SAFETY: libc::proc_bsdinfo is a repr(C) struct of integers and arrays of them.
unsafe impl PidInfo for libc::proc_bsdinfo {}
// SAFETY: libc::proc_taskinfo is a repr(C) struct of integers and arrays of them.
unsafe impl PidInfo for libc::proc_taskinfo {}
// SAFETY: libc::proc_threadinfo is a repr(C) struct of integers and arrays of them.
unsafe impl PidInfo for libc::proc_threadinfo {}
// SAFETY: libc::proc_vnodepathinfo is a repr(C) struct of integers and arrays of them.
unsafe impl PidInfo for libc::proc_vnodepathinfo {}

fn errno() -> io::Error {
    io::Error::last_os_error()
}

pub(crate) fn is_gone(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ESRCH)
}

/// `proc_pidinfo` for a flavor whose answer is one struct.
fn pidinfo<T: PidInfo>(pid: i32, flavor: c_int, arg: u64) -> io::Result<T> {
    let mut v = MaybeUninit::<T>::zeroed();
    let size = size_of::<T>() as c_int;
    // SAFETY: the buffer is `size` writable bytes owned by `v`.
    let n = unsafe { libc::proc_pidinfo(pid, flavor, arg, v.as_mut_ptr().cast(), size) };
    if n <= 0 {
        return Err(errno());
    }
    if n < size {
        return Err(io::Error::other(format!(
            "proc_pidinfo flavor {flavor}: {n} of {size} bytes"
        )));
    }
    // SAFETY: zeroed is a valid `T` (PidInfo), and the kernel wrote the rest.
    Ok(unsafe { v.assume_init() })
}

/// Every pid now (unsorted).
pub(crate) fn list_pids() -> io::Result<Vec<i32>> {
    // SAFETY: a null buffer asks for the count only.
    let n = unsafe { libc::proc_listallpids(null_mut(), 0) };
    if n <= 0 {
        return Err(errno());
    }
    let mut cap = n as usize + 64;
    loop {
        let mut pids = vec![0i32; cap];
        let bytes = (cap * size_of::<i32>()) as c_int;
        // SAFETY: `pids` holds `bytes` writable bytes.
        let got = unsafe { libc::proc_listallpids(pids.as_mut_ptr().cast(), bytes) };
        if got < 0 {
            return Err(errno());
        }
        if (got as usize) < cap {
            pids.truncate(got as usize);
            return Ok(pids);
        }
        // Filled to the brim: processes may have been missed; ask again.
        cap *= 2;
    }
}

/// `PROC_PIDTBSDINFO` with a non-zero `arg`: only then does xnu look among
/// zombies too (`proc_pidinfo_internal`: `if (arg) findzomb = 1`); with 0 an
/// unreaped child answers ESRCH as if it were gone.
pub(crate) fn bsd_info(pid: i32) -> io::Result<libc::proc_bsdinfo> {
    pidinfo(pid, libc::PROC_PIDTBSDINFO, BSDINFO_FIND_ZOMBIES)
}

pub(crate) fn task_info(pid: i32) -> io::Result<libc::proc_taskinfo> {
    pidinfo(pid, libc::PROC_PIDTASKINFO, 0)
}

/// One thread by its id (`PROC_PIDTHREADID64INFO`, the ids `thread_ids` lists).
pub(crate) fn thread_info(pid: i32, thread_id: u64) -> io::Result<libc::proc_threadinfo> {
    pidinfo(pid, ffi::PROC_PIDTHREADID64INFO, thread_id)
}

/// The bytes of `proc_pid_rusage(pid, RUSAGE_INFO_V4)`, for
/// `darwin_decode::rusage`. EPERM for another user's process without root.
pub(crate) fn rusage_v4(pid: i32) -> io::Result<[u8; RUSAGE_INFO_V4_SIZE]> {
    let mut buf = [0u8; RUSAGE_INFO_V4_SIZE];
    // SAFETY: `buf` holds the RUSAGE_INFO_V4_SIZE bytes the kernel copies out
    // for this flavor (asserted against `libc::rusage_info_v4` in `ffi`).
    let rc = unsafe { libc::proc_pid_rusage(pid, libc::RUSAGE_INFO_V4, buf.as_mut_ptr().cast()) };
    if rc != 0 {
        return Err(errno());
    }
    Ok(buf)
}

/// The oldest thread's info: the main thread's, unless it exited. A buffer
/// of one id gets the first of the task's thread list (`fill_taskthreadlist`
/// stops when the buffer is full), which xnu keeps in creation order.
pub(crate) fn oldest_thread(pid: i32) -> io::Result<libc::proc_threadinfo> {
    let mut id = 0u64;
    // SAFETY: `id` is 8 writable bytes, the size passed.
    let got = unsafe {
        libc::proc_pidinfo(
            pid,
            ffi::PROC_PIDLISTTHREADIDS,
            0,
            (&mut id as *mut u64).cast(),
            size_of::<u64>() as c_int,
        )
    };
    if got < size_of::<u64>() as c_int {
        return Err(errno());
    }
    thread_info(pid, id)
}

/// The bytes of `kinfo_proc` for one pid; `None` when there is no such process.
pub fn kinfo(pid: i32) -> io::Result<Option<Vec<u8>>> {
    let mut mib = [libc::CTL_KERN, libc::KERN_PROC, libc::KERN_PROC_PID, pid];
    let mut buf = vec![0u8; KINFO_PROC_SIZE];
    let mut len = buf.len();
    // SAFETY: `mib` has 4 entries; `buf` holds `len` writable bytes.
    let rc = unsafe {
        libc::sysctl(
            mib.as_mut_ptr(),
            mib.len() as u32,
            buf.as_mut_ptr().cast(),
            &mut len,
            null_mut(),
            0,
        )
    };
    if rc != 0 {
        return Err(errno());
    }
    if len == 0 {
        return Ok(None);
    }
    buf.truncate(len);
    Ok(Some(buf))
}

/// The bytes of every process's `kinfo_proc` (`KERN_PROC_ALL`), zombies included.
pub(crate) fn kinfo_all() -> io::Result<Vec<u8>> {
    let mut mib = [libc::CTL_KERN, libc::KERN_PROC, libc::KERN_PROC_ALL, 0];
    for _ in 0..8 {
        let mut len = 0usize;
        // SAFETY: a null buffer asks for the size needed in `len`.
        let rc = unsafe { libc::sysctl(mib.as_mut_ptr(), 3, null_mut(), &mut len, null_mut(), 0) };
        if rc != 0 {
            return Err(errno());
        }
        // Room for processes started between the two calls.
        len += len / 8 + KINFO_PROC_SIZE * 16;
        let mut buf = vec![0u8; len];
        // SAFETY: `mib` has 3 entries used; `buf` holds `len` writable bytes.
        let rc = unsafe {
            libc::sysctl(
                mib.as_mut_ptr(),
                3,
                buf.as_mut_ptr().cast(),
                &mut len,
                null_mut(),
                0,
            )
        };
        if rc == 0 {
            buf.truncate(len);
            return Ok(buf);
        }
        let e = errno();
        if e.raw_os_error() != Some(libc::ENOMEM) {
            return Err(e);
        }
        // The table grew past the room: ask again.
    }
    Err(io::Error::from_raw_os_error(libc::ENOMEM))
}

/// `kern.argmax`: the most bytes `KERN_PROCARGS2` can return.
pub(crate) fn argmax() -> usize {
    let mut mib = [libc::CTL_KERN, libc::KERN_ARGMAX];
    let mut v: c_int = 0;
    let mut len = size_of::<c_int>();
    // SAFETY: `v` is `len` writable bytes.
    let rc = unsafe {
        libc::sysctl(
            mib.as_mut_ptr(),
            2,
            (&mut v as *mut c_int).cast(),
            &mut len,
            null_mut(),
            0,
        )
    };
    if rc == 0 && v > 0 {
        v as usize
    } else {
        1 << 20
    }
}

/// The raw `KERN_PROCARGS2` answer into `buf` (sized to `argmax`); returns the bytes written.
pub fn procargs(pid: i32, buf: &mut [u8]) -> io::Result<usize> {
    let mut mib = [libc::CTL_KERN, libc::KERN_PROCARGS2, pid];
    let mut len = buf.len();
    // SAFETY: `mib` has 3 entries; `buf` holds `len` writable bytes.
    let rc = unsafe {
        libc::sysctl(
            mib.as_mut_ptr(),
            3,
            buf.as_mut_ptr().cast(),
            &mut len,
            null_mut(),
            0,
        )
    };
    if rc != 0 {
        return Err(errno());
    }
    Ok(len.min(buf.len()))
}

/// The executable's path.
pub(crate) fn pid_path(pid: i32) -> io::Result<String> {
    let mut buf = vec![0u8; libc::PROC_PIDPATHINFO_MAXSIZE as usize];
    // SAFETY: `buf` holds `buf.len()` writable bytes.
    let n = unsafe { libc::proc_pidpath(pid, buf.as_mut_ptr().cast(), buf.len() as u32) };
    if n <= 0 {
        return Err(errno());
    }
    Ok(c_chars(&buf[..(n as usize).min(buf.len())]))
}

/// The current directory (`pvi_cdir`).
pub fn cwd(pid: i32) -> io::Result<String> {
    let v: libc::proc_vnodepathinfo = pidinfo(pid, libc::PROC_PIDVNODEPATHINFO, 0)?;
    let bytes: Vec<u8> = v
        .pvi_cdir
        .vip_path
        .iter()
        .flatten()
        .map(|&c| c as u8)
        .collect();
    Ok(c_chars(&bytes))
}

/// How many file descriptors the process has open.
pub(crate) fn fd_count(pid: i32) -> io::Result<usize> {
    fds(pid).map(|f| f.len())
}

/// The thread ids of a task (`PROC_PIDLISTTHREADIDS`: `thread_tid`, what
/// `sample` and spindump print), for `thread_info`. `PROC_PIDLISTTHREADS`
/// would give the threads' pthread pointers instead: 0 for a thread not yet
/// set up, matching nothing in a stack capture.
pub(crate) fn thread_ids(pid: i32) -> io::Result<Vec<u64>> {
    let t = task_info(pid)?;
    let cap = t.pti_threadnum.max(0) as usize + 16;
    let mut ids = vec![0u64; cap];
    // SAFETY: `ids` holds `cap * 8` writable bytes.
    let got = unsafe {
        libc::proc_pidinfo(
            pid,
            ffi::PROC_PIDLISTTHREADIDS,
            0,
            ids.as_mut_ptr().cast(),
            (cap * size_of::<u64>()) as c_int,
        )
    };
    if got <= 0 {
        return Err(errno());
    }
    ids.truncate(got as usize / size_of::<u64>());
    Ok(ids)
}

/// The Mach timebase, asked once.
pub(crate) fn timebase() -> Timebase {
    static TB: OnceLock<Timebase> = OnceLock::new();
    *TB.get_or_init(|| {
        let mut info = ffi::mach_timebase_info_data_t::default();
        // SAFETY: writes the one struct we pass.
        if unsafe { ffi::mach_timebase_info(&mut info) } == 0 {
            Timebase {
                numer: info.numer,
                denom: info.denom,
            }
        } else {
            Timebase::IDENTITY
        }
    })
}

/// `devname(3)` for a character device; `None` when it cannot name it.
pub(crate) fn dev_name(dev: u32) -> Option<String> {
    // devname returns a static buffer: serialize our callers.
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    // SAFETY: devname takes plain values and returns null or a NUL-terminated string.
    let p = unsafe { libc::devname(dev as libc::dev_t, libc::S_IFCHR) };
    if p.is_null() {
        return None;
    }
    // SAFETY: non-null, NUL-terminated, valid until the next devname call (we hold the lock).
    let name = unsafe { std::ffi::CStr::from_ptr(p) }
        .to_string_lossy()
        .into_owned();
    (!name.is_empty() && name != "??").then_some(name)
}

/// `getsid(2)`; 0 when refused or gone.
pub fn session(pid: i32) -> i32 {
    // SAFETY: no memory is passed.
    let sid = unsafe { libc::getsid(pid) };
    sid.max(0)
}

/// Every open fd with its `PROX_FDTYPE_*`.
pub fn fds(pid: i32) -> io::Result<Vec<(i32, u32)>> {
    let item = size_of::<libc::proc_fdinfo>();
    // SAFETY: a null buffer asks for the size needed.
    let need = unsafe { libc::proc_pidinfo(pid, libc::PROC_PIDLISTFDS, 0, null_mut(), 0) };
    if need <= 0 {
        // No error set: it simply has no open fds.
        let e = errno();
        return if e.raw_os_error() == Some(0) {
            Ok(Vec::new())
        } else {
            Err(e)
        };
    }
    let cap = need as usize / item + 32;
    let mut buf: Vec<libc::proc_fdinfo> = Vec::with_capacity(cap);
    // SAFETY: `buf` has capacity for `cap` entries, `cap * item` bytes.
    let got = unsafe {
        libc::proc_pidinfo(
            pid,
            libc::PROC_PIDLISTFDS,
            0,
            buf.as_mut_ptr().cast::<c_void>(),
            (cap * item) as c_int,
        )
    };
    if got < 0 {
        return Err(errno());
    }
    // SAFETY: the kernel filled `got` bytes of whole entries.
    unsafe { buf.set_len(got as usize / item) };
    Ok(buf.iter().map(|f| (f.proc_fd, f.proc_fdtype)).collect())
}

/// The path of a file fd (`PROC_PIDFDVNODEPATHINFO`).
pub(crate) fn fd_path(pid: i32, fd: i32) -> Option<String> {
    use crate::platform::darwin_decode::fdinfo::{
        PROC_PIDFDVNODEPATHINFO, VNODE_FDINFOWITHPATH_SIZE, vnode_path,
    };
    let mut buf = vec![0u8; VNODE_FDINFOWITHPATH_SIZE];
    // SAFETY: `buf` holds VNODE_FDINFOWITHPATH_SIZE writable bytes.
    let got = unsafe {
        libc::proc_pidfdinfo(
            pid,
            fd,
            PROC_PIDFDVNODEPATHINFO,
            buf.as_mut_ptr().cast::<c_void>(),
            buf.len() as c_int,
        )
    };
    if got as usize != VNODE_FDINFOWITHPATH_SIZE {
        return None;
    }
    vnode_path(&buf)
}
