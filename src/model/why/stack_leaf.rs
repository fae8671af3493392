//! What one thread's captured stack says it waits in: decided where the
//! stack was parsed (the leaf rules of `platform::stackfmt::leaf`) and
//! carried as data in the evidence (`Evidence::stack`); judged in `stack_wait`.

use serde::{Deserialize, Serialize};

/// What one thread's captured stack says it waits in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackLeaf {
    /// A WHY word (`lock`, `timer`, `input`, ...) or `ipc` (a Mach message).
    pub word: String,
    /// The frame that decided it, as the tool named it (`__psynch_cvwait`).
    pub frame: String,
    /// A plain `read`: which fd it reads, the stack does not say.
    pub weak: bool,
    /// The tool that captured the stack (`sample`, `spindump`, `gdb`, `eu-stack`).
    pub tool: String,
}
