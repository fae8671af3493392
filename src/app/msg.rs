//! Messages into `update` and the effects it asks the event loop to carry out.

use crate::actions::ladder::{Control, Outcome, Policy, Progress};
use crate::actions::targets::Target;
use crate::collectors::CollectorCmd;
use crate::model::ProcKey;
use crate::model::{ProcDetail, Snapshot};
use crossterm::event::{KeyEvent, MouseEvent};
use std::sync::Arc;

#[derive(Clone, Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    Snapshot(Arc<Snapshot>),
    Detail(Option<Arc<ProcDetail>>),
    CollectorError(Option<String>),
    /// About once a second: ages the status message.
    Tick,
    LadderProgress(Progress),
    LadderDone(Outcome),
    /// A one-shot action finished: what to tell the user.
    ActionDone(crate::actions::outcome::ActionOutcome),
    Audit(Vec<crate::actions::audit::Record>),
    /// From the log tail numbered so (`LogView::id`).
    Log(u64, crate::actions::logtail::Event),
    /// From the capture numbered so (`CaptureView::id`): a late message of an
    /// earlier, cancelled capture must not fill the pane of the current one.
    CaptureProgress(u64, crate::actions::capture::Progress),
    CaptureDone(u64, Box<crate::actions::capture::Capture>),
    /// Where a replay moved to, with the recorded snapshots that lead there.
    Replay(Box<crate::collectors::replay::ReplayFrame>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Collector(CollectorCmd),
    /// Move the replay (the event loop hands it to the replay source).
    Replay(crate::collectors::replay::ReplayCmd),
    Suspend,
    StartLadder {
        targets: Vec<Target>,
        policy: Policy,
        /// Descendants included (the audit log records it).
        tree: bool,
        /// Dropped when the confirmation was shown (the audit log records them too).
        dropped: Vec<(Target, crate::model::Pid)>,
    },
    LadderControl(Control),
    Signal {
        key: ProcKey,
        command: String,
        signal: i32,
        group: bool,
        pgid: i32,
    },
    Renice {
        key: ProcKey,
        command: String,
        nice: i32,
    },
    LoadAudit,
    StartLogs {
        id: u64,
        key: ProcKey,
    },
    StopLogs,
    /// Save a diagnostic bundle of `key`, its family taken from the listing
    /// the table shows (no second pass over every process).
    SaveBundle {
        key: ProcKey,
        procs: Arc<Vec<crate::model::ProcSample>>,
    },
    StartCapture {
        id: u64,
        sample: Box<crate::model::ProcSample>,
        /// The listing it was chosen from: its children, for the verdict the
        /// stacks give.
        procs: Arc<Vec<crate::model::ProcSample>>,
    },
    CancelCapture,
    Sched {
        key: ProcKey,
        command: String,
        change: crate::actions::sched::SchedChange,
    },
}
