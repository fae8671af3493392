//! What the TUI, the app and the CLI all show, below each of them: formatting
//! of sizes, times and WHY evidence for people, colours, the columns and where
//! a click lands in them, the panes' geometry, and the lines of the capture and
//! log panes the app pages through.

pub mod at_time;
pub(crate) mod cells;
pub(crate) mod colour256;
pub mod columns;
pub(crate) mod format;
pub(crate) mod graph;
pub(crate) mod layout;
pub mod meters;
pub(crate) mod palette;
pub(crate) mod panes;
pub(crate) mod provenance_text;
pub(crate) mod theme;
pub(crate) mod why_text;

pub use theme::{Theme, ThemeName, UserTheme};
