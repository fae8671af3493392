//! The detail pane for the selected process.

use super::history_chart::{self, ChartFrame};
use super::{format, provenance_text, theme, why_text};
use crate::app::state::{App, Overlay};
use crate::model::{ProcSample, ProcessTable};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

fn field(label: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<9}"), theme::label()),
        Span::raw(value),
    ])
}

/// `1 systemd › 640 sshd › 702 bash`, outermost first.
pub(crate) fn parent_chain(t: &ProcessTable, p: &ProcSample) -> String {
    let mut chain = Vec::new();
    let mut ppid = p.ppid;
    while ppid > 0 && chain.len() < 64 {
        let Some(i) = t.find_pid(ppid) else { break };
        let q = &t.snapshot.procs[i];
        chain.push(format!("{} {}", q.pid, format::printable(&q.comm)));
        ppid = q.ppid;
    }
    chain.reverse();
    if chain.is_empty() {
        "none".into()
    } else {
        chain.join(" › ")
    }
}

pub fn children(t: &ProcessTable, p: &ProcSample) -> Vec<String> {
    t.snapshot
        .procs
        .iter()
        .filter(|c| c.ppid == p.pid && c.tgid.is_none() && c.pid != p.pid)
        .map(|c| format!("{} {}", c.pid, format::printable(&c.comm)))
        .collect()
}

pub fn lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let Some(p) = app.selected_sample() else {
        return vec![Line::raw("no process selected")];
    };
    let detail = app.detail.as_ref().filter(|d| d.key == Some(p.key()));
    let replay = app.replay.is_some();
    let pending = || {
        if replay {
            "not recorded".to_string()
        } else if detail.is_none() {
            "reading…".to_string()
        } else {
            "unreadable".to_string()
        }
    };
    // The verdict first (what the pane is for, on screen at 80x24 the moment
    // it opens), then who the process is, then its threads and the rest.
    let mut out = Vec::new();
    let tag = app.selected_why();
    let why = detail.and_then(|d| d.why.as_ref());
    match why {
        Some(w) => {
            out.push(Line::from(vec![
                Span::styled(format!("{:<9}", "Why"), theme::label()),
                Span::styled(
                    w.main.reason.label().to_string(),
                    theme::why((&w.main).into()),
                ),
                Span::raw(format!(
                    " {}{}",
                    w.main.detail,
                    if w.main.weak { " (weak evidence)" } else { "" }
                )),
            ]));
            if !w.main.decided_by.is_empty() {
                out.push(field("Because", why_text::because_line(&w.main)));
            }
            if let Some(h) = detail.and_then(|d| d.history.as_ref()) {
                out.push(field("Time", why_text::history_line(h, tag)));
            }
            out.push(field(
                "Evidence",
                why_text::evidence_lines(&w.main.evidence).join("  ·  "),
            ));
        }
        None => out.push(field(
            "Why",
            tag.map(|t| {
                if replay {
                    format!(
                        "{} (as recorded: the reason is kept, not its evidence)",
                        t.text()
                    )
                } else {
                    format!("{} (reading the evidence…)", t.text())
                }
            })
            .unwrap_or_else(pending),
        )),
    }
    let history = app.history.process(p.key());
    let frame = ChartFrame {
        width,
        delay: app.delay,
        no_color: app.colourless(),
    };
    if let Some(h) = history {
        out.extend(history_chart::why_timeline(h, &frame));
    }
    if let Some(h) = detail.and_then(|d| d.runtime.as_ref()) {
        out.push(field(
            &why_text::runtime_label(h),
            why_text::runtime_text(h),
        ));
    }
    out.extend(identity(app, p, detail, &pending));
    if let Some(prov) = detail.and_then(|d| d.provenance.as_ref()) {
        for (label, text) in provenance_text::lines(prov) {
            out.push(field(label, text));
        }
    }
    if let Some(w) = why.filter(|w| !w.threads.is_empty()) {
        out.push(field("Threads", why_text::thread_summary(w)));
        for t in w.threads.iter().take(32) {
            let tid = t.evidence.tid.map(|t| t.to_string()).unwrap_or_default();
            let comm = t.evidence.comm.as_deref().unwrap_or("");
            out.push(Line::from(vec![
                Span::raw(format!("{:>9}{tid:>7} {:<16}", "", format::printable(comm))),
                Span::styled(format!("{:<11}", t.reason.label()), theme::why(t.into())),
                Span::raw(t.detail.clone()),
            ]));
        }
    }
    if let Some(h) = history {
        out.extend(history_chart::charts(h, &frame));
    }
    if let Some(d) = detail
        && !d.unreadable.is_empty()
    {
        out.push(Line::from(Span::styled(
            format!("Unreadable: {}", d.unreadable.join("; ")),
            theme::dim(),
        )));
    }
    out
}

/// Command, ids, start, files and family: who the process is.
fn identity(
    app: &App,
    p: &ProcSample,
    detail: Option<&std::sync::Arc<crate::model::ProcDetail>>,
    pending: &dyn Fn() -> String,
) -> Vec<Line<'static>> {
    let t = &app.table;
    let kids = children(t, p);
    vec![
        field("Command", format::shown_command(&p.command())),
        field(
            "Process",
            format!(
                "pid {}  user {} (uid {})  state {}  nice {}  threads {}",
                p.pid,
                p.user.as_deref().unwrap_or("?"),
                p.uid.map(|u| u.to_string()).unwrap_or_else(|| "?".into()),
                p.state.letter(),
                p.nice,
                p.threads
            ),
        ),
        field(
            "Started",
            format!(
                "{}  tty {}  pgid {}  sid {}  tpgid {}",
                format::local_time(p.started_at),
                p.tty.as_deref().unwrap_or("none"),
                p.pgid,
                p.sid,
                p.tpgid
            ),
        ),
        field(
            "Exe",
            detail.and_then(|d| d.exe.clone()).unwrap_or_else(pending),
        ),
        field(
            "Cwd",
            detail.and_then(|d| d.cwd.clone()).unwrap_or_else(pending),
        ),
        field(
            "Open fds",
            detail
                .and_then(|d| d.fd_count)
                .map(|n| n.to_string())
                .unwrap_or_else(pending),
        ),
        field(
            "Sched",
            format!(
                "nice {}  {}",
                p.nice,
                detail.and_then(|d| d.sched.clone()).unwrap_or_default()
            ),
        ),
        field("Parents", parent_chain(t, p)),
        field(
            "Children",
            if kids.is_empty() {
                "none".into()
            } else {
                format!("{}: {}", kids.len(), kids.join(", "))
            },
        ),
    ]
}

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let focus = matches!(app.ui.overlay, Overlay::Detail { focus: true, .. });
    let title = match (focus, app.ui.detail_full) {
        (true, _) => " Details: j/k PgUp/PgDn Home/End scroll · Tab table · f size · Esc closes ",
        (false, true) => " Details: Tab scrolls · f half screen · Esc closes ",
        (false, false) => " Details: Tab scrolls · f full screen · Esc closes ",
    };
    let block = Block::default()
        .borders(Borders::TOP)
        .title(Span::styled(title, theme::label()));
    let para = Paragraph::new(lines(app, area.width))
        .block(block)
        .wrap(Wrap { trim: false });
    let inner = area.height.saturating_sub(1) as usize;
    let lines = para.line_count(area.width).saturating_sub(1);
    let top = app
        .ui
        .overlay_extent
        .measure(lines, inner, app.ui.overlay.pane_scroll());
    f.render_widget(para.scroll((top as u16, 0)), area);
}
