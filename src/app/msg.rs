//! Messages into `update` and the effects it asks the event loop to carry out.

use crate::collectors::CollectorCmd;
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
}

#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Collector(CollectorCmd),
    Suspend,
}
