//! The panes of the app as drawn: `present::layout` at the app's size.

use crate::app::state::App;
pub use crate::present::layout::Areas;

/// The panes at the size the app last heard of (for mouse clicks and paging).
pub fn areas(app: &App) -> Areas {
    app.areas()
}

/// The panes at size `(w, h)`. Drawing passes the frame's own size: the terminal
/// may have changed size since the last resize event (say, while suspended), and
/// a pane outside the buffer would panic.
pub(crate) fn areas_in(app: &App, size: (u16, u16)) -> Areas {
    crate::present::layout::areas_in(app.panes(), size)
}
