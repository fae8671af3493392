//! Process state on macOS: `p_stat` refined by the task's running threads.
//!
//! xnu sets `p_stat` to `SRUN` for every live process that is neither stopped
//! nor a zombie (`SSLEEP` is effectively unused), so "running or sleeping" has
//! to come from the threads, as `ps` does. The list pass has
//! `proc_taskinfo.pti_numrunning`; `wait::summarize_threads` does the finer,
//! per-thread version for one process.

use crate::model::ProcState;

/// `p_stat` / `pbi_status` values (`<sys/proc.h>`).
pub(crate) const SIDL: u32 = 1;
pub(crate) const SRUN: u32 = 2;
pub(crate) const SSLEEP: u32 = 3;
pub(crate) const SSTOP: u32 = 4;
pub(crate) const SZOMB: u32 = 5;

/// The state of a process from its `p_stat`, whether it is traced, and how many
/// of its threads are running (`None`: task info unreadable, for example
/// another user's process without root).
pub(crate) fn proc_state(p_stat: u32, traced: bool, running_threads: Option<u32>) -> ProcState {
    match p_stat {
        SIDL => ProcState::Idle,
        SRUN => match running_threads {
            Some(0) => ProcState::Sleeping,
            Some(_) => ProcState::Running,
            None => ProcState::Unknown,
        },
        SSLEEP => ProcState::Sleeping,
        SSTOP if traced => ProcState::Traced,
        SSTOP => ProcState::Stopped,
        SZOMB => ProcState::Zombie,
        _ => ProcState::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srun_needs_the_threads() {
        assert_eq!(proc_state(SRUN, false, Some(2)), ProcState::Running);
        assert_eq!(proc_state(SRUN, false, Some(0)), ProcState::Sleeping);
        assert_eq!(proc_state(SRUN, false, None), ProcState::Unknown);
        // A traced process that is not stopped is just running or sleeping.
        assert_eq!(proc_state(SRUN, true, Some(0)), ProcState::Sleeping);
    }

    #[test]
    fn other_states() {
        assert_eq!(proc_state(SSTOP, false, Some(0)), ProcState::Stopped);
        assert_eq!(proc_state(SSTOP, true, None), ProcState::Traced);
        assert_eq!(proc_state(SZOMB, false, None), ProcState::Zombie);
        assert_eq!(proc_state(SSLEEP, false, Some(1)), ProcState::Sleeping);
        assert_eq!(proc_state(SIDL, false, None), ProcState::Idle);
        assert_eq!(proc_state(0, false, Some(1)), ProcState::Unknown);
        assert_eq!(proc_state(9, false, Some(1)), ProcState::Unknown);
    }
}
