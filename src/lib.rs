//! whytop: a process monitor that says why each process is not running.
//! The layout follows DESIGN.md: platform -> collectors -> model -> app -> ui, actions.

pub mod actions;
pub mod app;
pub mod cli;
pub mod collectors;
pub mod model;
pub mod platform;
pub mod ui;
