//! What the TUI, the app and the CLI all show, below each of them: formatting
//! of sizes, times and WHY evidence for people, colours, the columns and where
//! a click lands in them, the panes' geometry, and the lines of the capture and
//! log panes the app pages through.

pub mod columns;
pub mod format;
pub mod layout;
pub mod panes;
pub mod theme;
pub mod why_text;
