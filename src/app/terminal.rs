//! Terminal setup and its restoration on every exit path: quit, panic, signal, suspend.

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use std::io::stdout;

/// `mouse`: capture clicks and the wheel (off with -M: the terminal keeps its
/// own selection).
pub fn enter(mouse: bool) -> std::io::Result<()> {
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, cursor::Hide)?;
    if mouse {
        execute!(stdout(), EnableMouseCapture)?;
    }
    Ok(())
}

/// Safe to call twice: every step is idempotent.
pub fn leave() {
    let _ = execute!(
        stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Restores the terminal before the previous hook prints the panic message.
pub(crate) fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        previous(info);
    }));
}

/// Ctrl-Z: give the terminal back, stop like any job, and take it again on `fg`.
pub(crate) fn suspend(mouse: bool) -> std::io::Result<()> {
    leave();
    crate::platform::job_control::stop_self();
    enter(mouse)
}
