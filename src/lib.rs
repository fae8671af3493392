//! whytop: a process monitor that says why each process is not running.
//! The layout follows DESIGN.md; floors, top to bottom: main -> cli -> ui -> app ->
//! present -> actions -> collectors -> platform -> model (README, Layout).

// `println!` and `eprintln!` panic when the write fails (a full disk, a closed
// stderr), and the release build aborts on a panic: write through `outln!` and
// `errln!` (cli), which ignore the error.
#![cfg_attr(not(test), deny(clippy::print_stdout, clippy::print_stderr))]
// Unit tests may unwrap (a panic is their failure); the library may not (Cargo.toml).
#![cfg_attr(test, allow(clippy::unwrap_used))]

#[forbid(unsafe_code)]
pub mod actions;
#[forbid(unsafe_code)]
pub mod app;
#[forbid(unsafe_code)]
pub mod cli;
#[forbid(unsafe_code)]
pub mod collectors;
#[forbid(unsafe_code)]
pub mod model;
#[forbid(unsafe_code)]
pub mod present;
// The one tree allowed system calls, FFI and cfg(target_os) (tests/layers.rs).
pub mod platform;
#[forbid(unsafe_code)]
pub(crate) mod store;
#[forbid(unsafe_code)]
pub mod ui;
