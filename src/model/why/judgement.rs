//! A verdict in the making, shared by the classifier and the judges of
//! children, fds and threads it asks.

use super::WaitReason;
use crate::model::Pid;

/// A verdict in the making.
#[derive(Clone, Debug)]
pub(super) struct Judgement {
    pub reason: WaitReason,
    pub detail: String,
    pub ready: bool,
    pub weak: bool,
    pub child: Option<Pid>,
    pub by: Vec<String>,
}

impl Judgement {
    pub fn new(reason: WaitReason, detail: impl Into<String>) -> Self {
        Judgement {
            reason,
            detail: detail.into(),
            ready: false,
            weak: false,
            child: None,
            by: Vec::new(),
        }
    }

    pub fn weak(reason: WaitReason, detail: impl Into<String>) -> Self {
        Judgement {
            weak: true,
            ..Self::new(reason, detail)
        }
    }

    pub fn by(mut self, phrase: impl Into<String>) -> Self {
        self.by.push(phrase.into());
        self
    }
}
