//! Drawing: `render(&App, &mut Frame)`, one file per pane. Nothing here changes state.

pub(crate) mod audit;
pub(crate) mod capture;
pub(crate) mod confirm;
pub(crate) mod detail;
pub(crate) mod ended;
pub(crate) mod header;
pub(crate) mod help;
pub(crate) mod history_chart;
pub(crate) mod ladder;
pub mod layout;
pub(crate) mod light;
pub(crate) mod logs;
pub(crate) mod monochrome;
pub(crate) mod setup;
pub(crate) mod signal_menu;
pub(crate) mod sort_menu;
pub(crate) mod status;
pub(crate) mod table;
pub(crate) mod user_menu;

// What the TUI shares with the app and the CLI, under the names the panes use.
pub use crate::present::columns;
pub(crate) use crate::present::{format, provenance_text, theme, why_text};

use crate::app::state::{App, Overlay};
use ratatui::Frame;

pub fn render(app: &App, f: &mut Frame) {
    let _palette = theme::Drawing::with(app.theme.palette());
    let size = f.area();
    let a = layout::areas_in(app, (size.width, size.height));
    header::render(app, f, a.header);
    table::render(app, f, a.table);
    if let Some(d) = a.detail {
        detail::render(app, f, d);
    }
    if let Some(l) = a.ladder {
        ladder::render(app, f, l);
    }
    status::render(app, f, a.status);
    match &app.ui.overlay {
        Overlay::Help { .. } => help::render(app, f, f.area()),
        Overlay::SortMenu { cursor } => sort_menu::render(app, *cursor, f, a.table),
        Overlay::UserMenu { users, cursor } => user_menu::render(app, users, *cursor, f, a.table),
        Overlay::ConfirmStop(p) => confirm::render(app, p, f, f.area()),
        Overlay::ConfirmTagged(p) => confirm::render_tagged(p, f, f.area()),
        Overlay::SignalMenu { cursor, group } => {
            signal_menu::render(app, *cursor, *group, f, a.table)
        }
        Overlay::Audit { .. } => audit::render(app, f, a.table),
        Overlay::Ended { .. } => ended::render(app, f, a.table),
        Overlay::Logs { .. } => logs::render(app, f, a.table),
        Overlay::Capture(_) => capture::render(app, f, a.table),
        Overlay::Setup(v) => setup::render(app, *v, f, a.table),
        _ => {}
    }
    use crate::present::theme::ThemeName;
    match app.theme {
        _ if app.colourless() => monochrome::strip(f.buffer_mut()),
        _ if app.theme.is(ThemeName::Light) => light::recolour(f.buffer_mut()),
        _ => {}
    }
}
