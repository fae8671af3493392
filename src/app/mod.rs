//! The event loop and the state it drives. `update` is the only place state changes.

pub mod action;
pub mod config;
pub mod diagnostics;
pub mod effects;
pub mod keymap;
pub mod msg;
pub mod options;
pub mod process_actions;
pub mod run;
pub mod state;
pub mod terminal;
pub mod update;

pub use options::Options;
pub use run::run;
