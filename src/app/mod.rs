//! The event loop and the state it drives. `update` is the only place state changes.

pub mod action;
pub mod config;
pub mod diagnostics;
pub mod effects;
pub mod keymap;
pub mod msg;
pub mod process_actions;
pub mod run;
mod search;
pub mod state;
pub mod terminal;
pub mod update;

pub use run::run;
