//! The few macOS declarations the `libc` crate lacks, and compile-time checks
//! that the layouts whytop relies on are the ones the target really has.

#![allow(non_camel_case_types, dead_code)]

use crate::platform::darwin_decode::fdinfo::{self, VNODE_FDINFOWITHPATH_SIZE};
use crate::platform::darwin_decode::kinfo::{KINFO_PROC_SIZE, off};
use libc::{
    c_char, c_int, c_short, c_uchar, c_ushort, c_void, dev_t, gid_t, itimerval, pid_t, sigset_t,
    timeval, uid_t,
};
use std::mem::{offset_of, size_of};

/// `<sys/proc_info.h>`: list the thread handles of a task (`uint64_t` each).
pub(crate) const PROC_PIDLISTTHREADS: c_int = 6;
/// `<sys/proc_info.h>`: one thread's `proc_threadinfo` by thread id.
pub(crate) const PROC_PIDTHREADID64INFO: c_int = 15;
/// `<sys/proc_info_private.h>`: list the thread ids of a task (`uint64_t` each).
pub const PROC_PIDLISTTHREADIDS: c_int = 28;

/// `<mach/mach_time.h>`. Declared here because `libc`'s is deprecated in favour of `mach2`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct mach_timebase_info_data_t {
    pub numer: u32,
    pub denom: u32,
}

unsafe extern "C" {
    pub(crate) fn mach_timebase_info(info: *mut mach_timebase_info_data_t) -> c_int;
}

// `struct kinfo_proc`, transcribed from <sys/sysctl.h> and <sys/proc.h>. Never
// constructed: the backend copies the bytes out and
// `darwin_decode::kinfo` reads them. These exist so the compiler lays the
// struct out for the real target and the asserts below compare.

#[repr(C)]
struct extern_proc {
    p_starttime: timeval, // union with two pointers: the same 16 bytes
    p_vmspace: *mut c_void,
    p_sigacts: *mut c_void,
    p_flag: c_int,
    p_stat: c_char,
    p_pid: pid_t,
    p_oppid: pid_t,
    p_dupfd: c_int,
    user_stack: *mut c_char,
    exit_thread: *mut c_void,
    p_debugger: c_int,
    sigwait: libc::boolean_t,
    p_estcpu: u32,
    p_cpticks: c_int,
    p_pctcpu: u32,
    p_wchan: *mut c_void,
    p_wmesg: *mut c_char,
    p_swtime: u32,
    p_slptime: u32,
    p_realtimer: itimerval,
    p_rtime: timeval,
    p_uticks: u64,
    p_sticks: u64,
    p_iticks: u64,
    p_traceflag: c_int,
    p_tracep: *mut c_void,
    p_siglist: c_int,
    p_textvp: *mut c_void,
    p_holdcnt: c_int,
    p_sigmask: sigset_t,
    p_sigignore: sigset_t,
    p_sigcatch: sigset_t,
    p_priority: c_uchar,
    p_usrpri: c_uchar,
    p_nice: c_char,
    p_comm: [c_char; libc::MAXCOMLEN + 1],
    p_pgrp: *mut c_void,
    p_addr: *mut c_void,
    p_xstat: c_ushort,
    p_acflag: c_ushort,
    p_ru: *mut c_void,
}

#[repr(C)]
struct _pcred {
    pc_lock: [c_char; 72],
    pc_ucred: *mut c_void,
    p_ruid: uid_t,
    p_svuid: uid_t,
    p_rgid: gid_t,
    p_svgid: gid_t,
    p_refcnt: c_int,
}

#[repr(C)]
struct _ucred {
    cr_ref: i32,
    cr_uid: uid_t,
    cr_ngroups: c_short,
    cr_groups: [gid_t; 16],
}

#[repr(C)]
struct vmspace {
    dummy: i32,
    dummy2: *mut c_char,
    dummy3: [i32; 5],
    dummy4: [*mut c_char; 3],
}

#[repr(C)]
struct eproc {
    e_paddr: *mut c_void,
    e_sess: *mut c_void,
    e_pcred: _pcred,
    e_ucred: _ucred,
    e_vm: vmspace,
    e_ppid: pid_t,
    e_pgid: pid_t,
    e_jobc: c_short,
    e_tdev: dev_t,
    e_tpgid: pid_t,
    e_tsess: *mut c_void,
    e_wmesg: [c_char; 8],
    e_xsize: i32,
    e_xrssize: c_short,
    e_xccount: c_short,
    e_xswrss: c_short,
    e_flag: i32,
    e_login: [c_char; 12],
    e_spare: [i32; 4],
}

#[repr(C)]
struct kinfo_proc {
    kp_proc: extern_proc,
    kp_eproc: eproc,
}

/// `<sys/proc_info.h>` `struct proc_fileinfo`; with `vnode_fdinfowithpath`
/// declared only for the layout checks below (`darwin_decode::fdinfo` reads
/// the bytes).
#[repr(C)]
struct proc_fileinfo {
    fi_openflags: u32,
    fi_status: u32,
    fi_offset: libc::off_t,
    fi_type: i32,
    fi_guardflags: u32,
}

#[repr(C)]
struct vnode_fdinfowithpath {
    pfi: proc_fileinfo,
    pvip: libc::vnode_info_path,
}

const _: () = {
    assert!(size_of::<kinfo_proc>() == KINFO_PROC_SIZE);
    assert!(offset_of!(kinfo_proc, kp_proc.p_starttime.tv_sec) == off::P_STARTTIME_SEC);
    assert!(offset_of!(kinfo_proc, kp_proc.p_starttime.tv_usec) == off::P_STARTTIME_USEC);
    assert!(offset_of!(kinfo_proc, kp_proc.p_flag) == off::P_FLAG);
    assert!(offset_of!(kinfo_proc, kp_proc.p_stat) == off::P_STAT);
    assert!(offset_of!(kinfo_proc, kp_proc.p_pid) == off::P_PID);
    assert!(offset_of!(kinfo_proc, kp_proc.p_priority) == off::P_PRIORITY);
    assert!(offset_of!(kinfo_proc, kp_proc.p_nice) == off::P_NICE);
    assert!(offset_of!(kinfo_proc, kp_proc.p_comm) == off::P_COMM);
    assert!(size_of::<[c_char; libc::MAXCOMLEN + 1]>() == off::P_COMM_LEN);
    assert!(offset_of!(kinfo_proc, kp_eproc) == off::EPROC);
    assert!(offset_of!(kinfo_proc, kp_eproc.e_pcred.p_ruid) == off::E_PCRED_RUID);
    assert!(offset_of!(kinfo_proc, kp_eproc.e_ucred.cr_uid) == off::E_UCRED_UID);
    assert!(offset_of!(kinfo_proc, kp_eproc.e_ppid) == off::E_PPID);
    assert!(offset_of!(kinfo_proc, kp_eproc.e_pgid) == off::E_PGID);
    assert!(offset_of!(kinfo_proc, kp_eproc.e_tdev) == off::E_TDEV);
    assert!(offset_of!(kinfo_proc, kp_eproc.e_tpgid) == off::E_TPGID);
    assert!(offset_of!(kinfo_proc, kp_eproc.e_flag) == off::E_FLAG);

    // Every struct handed to the kernel, as <sys/proc_info.h>, <sys/event.h>
    // and <mach/mach_time.h> lay it out on LP64 (arm64 and x86_64 alike):
    // sizes (proc_pidinfo refuses any other size) and the offset of every
    // field whytop reads, so a wrong declaration in `libc` or here cannot
    // build for a Mac.
    use libc::{proc_bsdinfo as B, proc_taskinfo as T, proc_threadinfo as Th};
    assert!(size_of::<B>() == 136);
    assert!(offset_of!(B, pbi_flags) == 0);
    assert!(offset_of!(B, pbi_status) == 4);
    assert!(offset_of!(B, pbi_pid) == 12);
    assert!(offset_of!(B, pbi_ppid) == 16);
    assert!(offset_of!(B, pbi_uid) == 20);
    assert!(offset_of!(B, pbi_comm) == 48);
    assert!(size_of::<[c_char; libc::MAXCOMLEN]>() == 16);
    assert!(offset_of!(B, pbi_name) == 64);
    assert!(offset_of!(B, pbi_pgid) == 100);
    assert!(offset_of!(B, e_tdev) == 108);
    assert!(offset_of!(B, e_tpgid) == 112);
    assert!(offset_of!(B, pbi_nice) == 116);
    assert!(offset_of!(B, pbi_start_tvsec) == 120);
    assert!(offset_of!(B, pbi_start_tvusec) == 128);

    assert!(size_of::<T>() == 96);
    assert!(offset_of!(T, pti_virtual_size) == 0);
    assert!(offset_of!(T, pti_resident_size) == 8);
    assert!(offset_of!(T, pti_total_user) == 16);
    assert!(offset_of!(T, pti_total_system) == 24);
    assert!(offset_of!(T, pti_csw) == 80);
    assert!(offset_of!(T, pti_threadnum) == 84);
    assert!(offset_of!(T, pti_numrunning) == 88);
    assert!(offset_of!(T, pti_priority) == 92);

    assert!(size_of::<Th>() == 112);
    assert!(offset_of!(Th, pth_user_time) == 0);
    assert!(offset_of!(Th, pth_system_time) == 8);
    assert!(offset_of!(Th, pth_cpu_usage) == 16);
    assert!(offset_of!(Th, pth_run_state) == 24);
    assert!(offset_of!(Th, pth_flags) == 28);
    assert!(offset_of!(Th, pth_sleep_time) == 32);
    assert!(offset_of!(Th, pth_curpri) == 36);
    assert!(offset_of!(Th, pth_priority) == 40);
    assert!(offset_of!(Th, pth_name) == 48);

    assert!(size_of::<libc::vinfo_stat>() == 136);
    assert!(size_of::<libc::vnode_info>() == 152);
    assert!(size_of::<libc::vnode_info_path>() == 1176);
    assert!(offset_of!(libc::vnode_info_path, vip_path) == 152);
    assert!(size_of::<libc::proc_vnodepathinfo>() == 2352);
    assert!(offset_of!(libc::proc_vnodepathinfo, pvi_cdir) == 0);

    assert!(size_of::<libc::proc_fdinfo>() == 8);
    assert!(offset_of!(libc::proc_fdinfo, proc_fd) == 0);
    assert!(offset_of!(libc::proc_fdinfo, proc_fdtype) == 4);
    assert!(size_of::<proc_fileinfo>() == 24);
    assert!(size_of::<vnode_fdinfowithpath>() == VNODE_FDINFOWITHPATH_SIZE);
    assert!(offset_of!(vnode_fdinfowithpath, pvip.vip_path) == fdinfo::PATH_OFFSET);

    assert!(size_of::<libc::kevent>() == 32);
    assert!(offset_of!(libc::kevent, ident) == 0);
    assert!(offset_of!(libc::kevent, filter) == 8);
    assert!(offset_of!(libc::kevent, flags) == 10);
    assert!(offset_of!(libc::kevent, fflags) == 12);
    assert!(offset_of!(libc::kevent, data) == 16);
    assert!(offset_of!(libc::kevent, udata) == 24);

    // <sys/resource.h> struct rusage_info_v4, as `darwin_decode::rusage` reads it.
    use crate::platform::darwin_decode::rusage::{RUSAGE_INFO_V4_SIZE, off as ru};
    use libc::rusage_info_v4 as R;
    assert!(size_of::<R>() == RUSAGE_INFO_V4_SIZE);
    assert!(offset_of!(R, ri_phys_footprint) == ru::PHYS_FOOTPRINT);
    assert!(offset_of!(R, ri_diskio_bytesread) == ru::DISKIO_BYTESREAD);
    assert!(offset_of!(R, ri_diskio_byteswritten) == ru::DISKIO_BYTESWRITTEN);
    assert!(offset_of!(R, ri_cpu_time_qos_default) == ru::CPU_TIME_QOS_DEFAULT);
    assert!(offset_of!(R, ri_cpu_time_qos_maintenance) == ru::CPU_TIME_QOS_DEFAULT + 8);
    assert!(offset_of!(R, ri_cpu_time_qos_background) == ru::CPU_TIME_QOS_DEFAULT + 16);
    assert!(offset_of!(R, ri_cpu_time_qos_utility) == ru::CPU_TIME_QOS_DEFAULT + 24);
    assert!(offset_of!(R, ri_cpu_time_qos_legacy) == ru::CPU_TIME_QOS_DEFAULT + 32);
    assert!(offset_of!(R, ri_cpu_time_qos_user_initiated) == ru::CPU_TIME_QOS_DEFAULT + 40);
    assert!(offset_of!(R, ri_cpu_time_qos_user_interactive) == ru::CPU_TIME_QOS_USER_INTERACTIVE);
    assert!(offset_of!(R, ri_billed_energy) == ru::BILLED_ENERGY);
    assert!(offset_of!(R, ri_runnable_time) == 288);

    assert!(size_of::<mach_timebase_info_data_t>() == 8);
    assert!(offset_of!(mach_timebase_info_data_t, denom) == 4);

    assert!(size_of::<extern_proc>() == off::EPROC);
};
