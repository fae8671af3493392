//! What a language runtime's own tool says about a process (plain data).

use serde::{Deserialize, Serialize};

/// What a runtime handler found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuntimeHint {
    /// `python`, `jvm`, `ruby`
    pub runtime: String,
    /// The tool that looked (`py-spy`, `jcmd`, `rbspy`).
    pub tool: String,
    /// The innermost frame of the main thread, with its source line when readable:
    /// `<module> (server.py:12): conn, addr = sock.accept()`.
    pub waiting_in: Option<String>,
    /// The runtime's own word for the main thread's state, where it has one
    /// (the JVM's `TIMED_WAITING (sleeping)`).
    #[serde(default)]
    pub thread_state: Option<String>,
    /// Main-thread frames, innermost first.
    pub frames: Vec<String>,
    /// Why there is nothing more (tool missing, permission, timeout).
    pub note: Option<String>,
}
