//! The event loop and the state it drives. `update` is the only place state changes.

pub(crate) mod action;
pub(crate) mod config;
pub(crate) mod config_write;
pub(crate) mod diagnostics;
pub(crate) mod effects;
pub mod keymap;
pub mod msg;
pub(crate) mod options;
pub(crate) mod overlay;
pub(crate) mod pane_views;
pub(crate) mod process_actions;
pub(crate) mod replay;
pub(crate) mod run;
mod search;
pub(crate) mod settings_save;
pub(crate) mod setup;
pub(crate) mod setup_view;
pub mod state;
pub(crate) mod table_keys;
pub(crate) mod tagged;
pub(crate) mod terminal;
pub mod update;
pub(crate) mod user_menu;
pub(crate) mod user_theme;
pub(crate) mod worker_pool;

pub use options::{BadUsage, Options, ReplayFrom};
pub use run::run;
pub use user_theme::from_text as user_theme_from_text;

#[cfg(test)]
mod mac_columns_tests;
#[cfg(test)]
mod overlay_tests;
#[cfg(test)]
mod replay_tests;
#[cfg(test)]
mod tagged_tests;
