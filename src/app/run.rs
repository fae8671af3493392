//! Startup and the event loop: select over terminal events, snapshots, signals
//! and a tick; `update` changes state; redraws are coalesced.

use super::config::{Config, read_user_file};
use super::effects::Executor;
use super::keymap::Keymap;
use super::msg::{Effect, Msg};
use super::options::{BadUsage, Options};
use super::state::{App, ReplayView};
use super::{terminal, update::update};
use crate::collectors::replay::{ReplayCmd, ReplayFrame, ReplayHandle};
use crate::collectors::{self, CollectorCmd};
use crate::model::Filter;
use crate::model::view::ViewOptions;
use crate::model::{ProcDetail, Snapshot};
use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::watch;
use tokio::time::{Instant, sleep_until};

/// Frames are drawn at most this often; events in between are coalesced.
const FRAME: Duration = Duration::from_millis(16);

/// Builds the app from config files and flags; errors here leave the terminal untouched.
pub(crate) fn prepare(cli: &Options) -> anyhow::Result<App> {
    let config = Config::load()?;
    let user_keys = read_user_file("keymap.toml")?;
    let keymap = Keymap::with_user(user_keys.as_ref().map(|(_, t)| t.as_str()))
        .map_err(|e| anyhow::anyhow!("{}: {e}", path_of(&user_keys)))?;
    let tree = cli.tree || config.tree;
    let sort = cli.sort.unwrap_or(if tree {
        crate::model::sort::SortColumn::Pid
    } else {
        config.sort_column()?
    });
    let filter_text = cli.filter.clone().unwrap_or_default();
    let filter = Filter::parse(&filter_text)
        .map_err(|e| anyhow::Error::new(BadUsage(format!("--filter: {e}"))))?;
    let opts = ViewOptions {
        sort,
        descending: !tree && sort.descending_by_default(),
        filter,
        tree,
        only: cli.only.clone(),
        ..Default::default()
    };
    let delay = Duration::from_millis(100 * cli.delay.unwrap_or(config.delay));
    let mut app = App::new(keymap, opts, delay);
    app.policy = config.policy()?;
    app.meters = config.meter_kinds()?;
    app.columns = config.column_ids()?;
    app.ui.program_name_only = !config.program_path;
    app.save_on_quit = config.save_on_quit;
    app.no_color = cli.no_color;
    let dir = super::user_theme::dir();
    let truecolor = super::user_theme::truecolor();
    app.theme = match &cli.theme {
        Some(t) => t.clone(),
        None => super::user_theme::of_config(&config)?,
    };
    app.theme_choices = super::user_theme::choices(dir.as_deref(), truecolor);
    app.ui.filter_text = filter_text;
    Ok(app)
}

fn path_of(f: &Option<(std::path::PathBuf, String)>) -> String {
    f.as_ref()
        .map(|(p, _)| p.display().to_string())
        .unwrap_or_else(|| "default".into())
}

/// Runs the TUI until the user quits; `draw` renders a frame of the app (the
/// binary passes `ui::render`: the app does not know how it is drawn).
pub fn run(opts: &Options, draw: fn(&App, &mut ratatui::Frame)) -> anyhow::Result<i32> {
    let mut app = prepare(opts)?;
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        anyhow::bail!(
            "the TUI needs a terminal on stdin and stdout (for one table printed, `whytop ps`)"
        );
    }
    let feeds = match &opts.replay {
        None => {
            let collector = collectors::spawn(crate::platform::native()?, app.delay);
            let (io, oom) = crate::present::columns::extra_reads(&app.columns);
            if io || oom {
                let _ = collector.commands.send(CollectorCmd::ExtraReads(io, oom));
            }
            Feeds::live(collector)
        }
        Some(from) => {
            let rec = crate::store::replay::Recording::open(&from.db)?;
            app.replay = Some(ReplayView {
                db: from.db.display().to_string(),
                position: None,
            });
            Feeds::replay(collectors::replay::spawn(rec, from.at)?)
        }
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    terminal::install_panic_hook();
    let mouse = !opts.no_mouse;
    terminal::enter(mouse)?;
    let result = rt.block_on(event_loop(app, feeds, opts.proc_root.clone(), draw, mouse));
    terminal::leave();
    let app = result?;
    if let Err(e) = super::settings_save::on_quit(&app) {
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "whytop: settings not saved: {e}");
    }
    Ok(0)
}

/// What the loop takes data from: the live collector's watches, or a
/// replay's frames; the ends the other source would use are idle channels
/// (their senders kept, so they never wake the loop).
struct Feeds {
    snaps: watch::Receiver<Arc<Snapshot>>,
    details: watch::Receiver<Option<Arc<ProcDetail>>>,
    errors: watch::Receiver<Option<String>>,
    commands: std::sync::mpsc::Sender<CollectorCmd>,
    frames: UnboundedReceiver<ReplayFrame>,
    replay: Option<std::sync::mpsc::Sender<ReplayCmd>>,
    /// The collector's thread (joined when dropped) or the idle senders.
    _keep: Box<dyn std::any::Any>,
}

impl Feeds {
    fn live(c: collectors::CollectorHandle) -> Feeds {
        let (idle, frames) = tokio::sync::mpsc::unbounded_channel();
        Feeds {
            snaps: c.snapshots,
            details: c.details,
            errors: c.errors,
            commands: c.commands,
            frames,
            replay: None,
            _keep: Box::new((c.thread, idle)),
        }
    }

    fn replay(r: ReplayHandle) -> Feeds {
        let (s, snaps) = watch::channel(Arc::new(Snapshot::default()));
        let (d, details) = watch::channel(None);
        let (e, errors) = watch::channel(None);
        // Focus and refresh requests have no collector to go to: dropped.
        let (commands, _) = std::sync::mpsc::channel();
        Feeds {
            snaps,
            details,
            errors,
            commands,
            frames: r.frames,
            replay: Some(r.commands),
            _keep: Box::new((s, d, e)),
        }
    }
}

async fn event_loop(
    mut app: App,
    c: Feeds,
    proc_root: std::path::PathBuf,
    draw: fn(&App, &mut ratatui::Frame),
    mouse: bool,
) -> anyhow::Result<App> {
    let mut term = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let size = term.size()?;
    update(&mut app, Msg::Resize(size.width, size.height));
    let (mut snaps, mut details, mut errors, mut frames) = (c.snaps, c.details, c.errors, c.frames);
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    // TERM, HUP, and every other signal that would end the process (in raw
    // mode Ctrl-C is a key, but `kill -INT`, `kill -USR1` still arrive): leave
    // cleanly, the terminal restored.
    let mut ending: Vec<Signal> = crate::platform::term_signals::terminating()
        .into_iter()
        .filter_map(|n| signal(SignalKind::from_raw(n)).ok())
        .collect();
    let (bg_tx, mut bg_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut exec = Executor::new(bg_tx, c.commands.clone(), proc_root);
    let mut dirty = true;
    let mut next_frame = Instant::now();
    loop {
        let msg = tokio::select! {
            biased;
            _ = sleep_until(next_frame), if dirty => {
                // A size change not yet announced by an event (while suspended, or
                // between events) is taken first, so paging and scroll agree.
                let size = term.size()?;
                if (size.width, size.height) != app.ui.size {
                    update(&mut app, Msg::Resize(size.width, size.height));
                }
                term.draw(|f| draw(&app, f))?;
                dirty = false;
                next_frame = Instant::now() + FRAME;
                continue;
            }
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => Msg::Key(k),
                Some(Ok(Event::Mouse(m))) => Msg::Mouse(m),
                Some(Ok(Event::Resize(w, h))) => Msg::Resize(w, h),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(app),
            },
            r = snaps.changed() => {
                if r.is_err() { anyhow::bail!("the collector stopped"); }
                Msg::Snapshot(snaps.borrow_and_update().clone())
            }
            r = details.changed(), if r_ok(&details) => {
                let _ = r;
                Msg::Detail(details.borrow_and_update().clone())
            }
            r = errors.changed(), if r_ok(&errors) => {
                let _ = r;
                Msg::CollectorError(errors.borrow_and_update().clone())
            }
            _ = tick.tick() => {
                let had = app.ui.status.is_some();
                update(&mut app, Msg::Tick);
                dirty |= (had && app.ui.status.is_none()) || app.ladder.is_some();
                continue;
            }
            Some(f) = frames.recv() => Msg::Replay(Box::new(f)),
            Some(m) = bg_rx.recv() => m,
            () = any_signal(&mut ending) => return Ok(app),
        };
        for effect in update(&mut app, msg) {
            if effect == Effect::Suspend {
                terminal::suspend(mouse)?;
                term.clear()?;
                let _ = c.commands.send(CollectorCmd::RefreshNow);
            } else if let Effect::Replay(cmd) = effect {
                if let Some(r) = &c.replay {
                    let _ = r.send(cmd);
                }
            } else {
                exec.run(effect);
            }
        }
        if app.quit {
            return Ok(app);
        }
        dirty = true;
    }
}

/// A watch receiver whose sender still lives (a closed one would wake select! forever).
fn r_ok<T>(rx: &tokio::sync::watch::Receiver<T>) -> bool {
    rx.has_changed().is_ok()
}

/// Resolves when any of `sigs` arrives.
async fn any_signal(sigs: &mut [Signal]) {
    std::future::poll_fn(|cx| {
        for s in sigs.iter_mut() {
            if s.poll_recv(cx).is_ready() {
                return std::task::Poll::Ready(());
            }
        }
        std::task::Poll::Pending
    })
    .await
}
