//! The clues to which call a `restart_syscall` resumed, as evidence carries
//! them (`restart.rs` reads them).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Resumed {
    /// Kernel functions on its stack, innermost first (empty: unreadable).
    pub stack: Vec<String>,
    /// The syscall number the instructions just before its PC load.
    pub code_nr: Option<i64>,
    /// The call whytop saw it in at an earlier refresh.
    pub earlier: Option<EarlierCall>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierCall {
    pub nr: i64,
    /// At the same instruction (low 16 bits of the PC) as the restart.
    pub same_pc: bool,
}
