//! What became of a one-shot action (a signal, a renice, a scheduling change,
//! a bundle), in words and in kind: the TUI says it, the CLI's exit code and
//! the audit record come from its kind, so "gone" and "permission denied" are
//! told apart everywhere.

use super::bundle::BundleError;
use super::deliver::DeliverError;
use super::priority::PriorityError;
use crate::platform::PlatformError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// It was done.
    Done,
    /// The process had exited (or its pid is another's now).
    Gone,
    /// Not allowed: another user's process, or a change that needs root.
    Denied,
    /// whytop would not: init, itself, a kernel thread, a group holding it.
    Refused,
    /// Tried and failed otherwise, or it may have reached the wrong process.
    Failed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionOutcome {
    pub kind: OutcomeKind,
    /// One line for people, naming the pid or path.
    pub message: String,
}

impl ActionOutcome {
    pub fn done(message: impl Into<String>) -> Self {
        Self::new(OutcomeKind::Done, message)
    }

    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(OutcomeKind::Failed, message)
    }

    pub fn new(kind: OutcomeKind, message: impl Into<String>) -> Self {
        ActionOutcome {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        self.kind == OutcomeKind::Done
    }

    /// The CLI's exit code (README): the kind's.
    pub fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }
}

/// The CLI's exit code for a bad flag, regex or config file: not an outcome
/// of an action, so not a kind.
pub(crate) const EXIT_USAGE: i32 = 2;

impl OutcomeKind {
    /// The CLI's exit code, the same in every command (README): 0 done, 1
    /// failed, 3 gone, 4 denied, 5 refused; 2 is a usage error.
    pub const fn exit_code(self) -> i32 {
        match self {
            Self::Done => 0,
            Self::Failed => 1,
            Self::Gone => 3,
            Self::Denied => 4,
            Self::Refused => 5,
        }
    }

    pub(crate) fn of_platform(e: &PlatformError) -> Self {
        match e {
            PlatformError::NoSuchProcess { .. } => Self::Gone,
            PlatformError::PermissionDenied { .. } | PlatformError::NeedsPrivilege { .. } => {
                Self::Denied
            }
            _ => Self::Failed,
        }
    }

    pub(crate) fn of_priority(e: &PriorityError) -> Self {
        match e {
            PriorityError::Gone(_) => Self::Gone,
            PriorityError::NeedsRoot { .. }
            | PriorityError::Denied(_)
            | PriorityError::NeedsPrivilege(_) => Self::Denied,
            PriorityError::IdentityLost(_)
            | PriorityError::Unsupported(_)
            | PriorityError::Other { .. } => Self::Failed,
        }
    }

    pub(crate) fn of_bundle(e: &BundleError) -> Self {
        match e {
            BundleError::Gone(_) => Self::Gone,
            BundleError::Platform(p) => Self::of_platform(p),
            BundleError::Data(_) => Self::Failed,
        }
    }

    pub(crate) fn of_delivery(e: &DeliverError) -> Self {
        match e {
            DeliverError::Platform(p) => Self::of_platform(p),
            DeliverError::Refused(_) => Self::Refused,
            DeliverError::NoneDelivered { .. } => Self::Failed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gone_and_denied_are_told_apart() {
        assert_eq!(
            OutcomeKind::of_priority(&PriorityError::Gone(7)),
            OutcomeKind::Gone
        );
        assert_eq!(
            OutcomeKind::of_priority(&PriorityError::Denied(7)),
            OutcomeKind::Denied
        );
        assert_eq!(
            OutcomeKind::of_priority(&PriorityError::NeedsRoot { pid: 7, nice: -5 }),
            OutcomeKind::Denied
        );
        assert_eq!(
            OutcomeKind::of_delivery(&DeliverError::Refused(
                super::super::targets::Refusal::Init(1)
            )),
            OutcomeKind::Refused
        );
        assert_eq!(
            OutcomeKind::of_priority(&PriorityError::Unsupported(7)),
            OutcomeKind::Failed
        );
        assert_eq!(ActionOutcome::done("ok").exit_code(), 0);
        assert_eq!(ActionOutcome::new(OutcomeKind::Failed, "x").exit_code(), 1);
        assert_eq!(ActionOutcome::new(OutcomeKind::Gone, "x").exit_code(), 3);
        assert_eq!(OutcomeKind::Denied.exit_code(), 4);
        assert_eq!(OutcomeKind::Refused.exit_code(), 5);
        assert_ne!(EXIT_USAGE, OutcomeKind::Failed.exit_code());
        assert_eq!(
            serde_json::to_value(OutcomeKind::Denied).unwrap(),
            serde_json::json!("denied")
        );
    }

    /// What the kernel said, through the priority layer, to a kind: a policy
    /// that needs root is denied (it was "failed"), gone is gone, not denied.
    #[test]
    fn platform_errors_through_a_priority_change_keep_their_kind() {
        let kind = |e| OutcomeKind::of_priority(&PriorityError::from_platform(7, e));
        assert_eq!(
            kind(PlatformError::NoSuchProcess { pid: 7 }),
            OutcomeKind::Gone
        );
        assert_eq!(
            kind(PlatformError::PermissionDenied { pid: 7 }),
            OutcomeKind::Denied
        );
        assert_eq!(
            kind(PlatformError::NeedsPrivilege { pid: 7 }),
            OutcomeKind::Denied
        );
        assert_eq!(
            kind(PlatformError::IdentityLost {
                pid: 7,
                what: "nice"
            }),
            OutcomeKind::Failed
        );
        assert_eq!(
            kind(PlatformError::Os {
                pid: 7,
                source: std::io::Error::from_raw_os_error(libc::EINVAL)
            }),
            OutcomeKind::Failed
        );
        // The words the user sees are the same as before.
        assert_eq!(
            PriorityError::from_platform(7, PlatformError::NeedsPrivilege { pid: 7 }).to_string(),
            "pid 7: that needs root (or CAP_SYS_NICE)"
        );
    }

    /// A bundle of a process that exited is gone (it was "failed", in words only).
    #[test]
    fn a_bundle_of_a_gone_process_is_gone() {
        assert_eq!(
            OutcomeKind::of_bundle(&BundleError::Gone(7)),
            OutcomeKind::Gone
        );
        assert_eq!(
            OutcomeKind::of_bundle(&BundleError::Data(
                crate::actions::datadir::DataError::NoHome
            )),
            OutcomeKind::Failed
        );
    }

    #[test]
    fn a_signal_to_a_gone_process_is_gone_not_denied() {
        let gone = DeliverError::Platform(PlatformError::NoSuchProcess { pid: 7 });
        assert_eq!(OutcomeKind::of_delivery(&gone), OutcomeKind::Gone);
        let denied = DeliverError::Platform(PlatformError::PermissionDenied { pid: 7 });
        assert_eq!(OutcomeKind::of_delivery(&denied), OutcomeKind::Denied);
    }
}
