//! Whole screens through ratatui's TestBackend, driven by the same `update` the
//! terminal drives, compared with insta snapshots.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use std::time::Duration;
use whytop::app::keymap::Keymap;
use whytop::app::msg::Msg;
use whytop::app::state::App;
use whytop::app::update::update;
use whytop::model::view::ViewOptions;
use whytop::model::why::{WaitReason, WhyTag};
use whytop::model::{ProcInfo, ProcSample, ProcState, Snapshot, SystemSample};

fn proc_(pid: i32, ppid: i32, cmd: &str, cpu_s: u64, rss_mib: u64) -> ProcSample {
    ProcSample {
        pid,
        ppid,
        pgid: pid,
        sid: 1,
        tty_nr: 0,
        tpgid: -1,
        state: ProcState::Sleeping,
        priority: 20,
        nice: 0,
        threads: 1,
        start_time: 1000 + pid as u64,
        cpu_ns: cpu_s * 1_000_000_000,
        run_delay_ns: 0,
        rss_bytes: rss_mib << 20,
        vsz_bytes: (rss_mib * 3) << 20,
        tgid: None,
        info: Arc::new(ProcInfo {
            tty: None,
            uid: Some(1000),
            user: Some("dev".into()),
            started_at: 0.0,
            comm: cmd
                .split(' ')
                .next()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .into(),
            cmdline: cmd.into(),
            kernel_thread: false,
        }),
    }
}

fn snapshot(mono_s: u64, extra_cpu: &[(i32, u64)]) -> Arc<Snapshot> {
    let mut procs = vec![
        proc_(1, 0, "/sbin/init", 10, 12),
        proc_(200, 1, "/usr/sbin/sshd -D", 2, 8),
        proc_(310, 200, "-bash", 1, 5),
        proc_(420, 310, "make -j2", 3, 40),
        proc_(421, 420, "cc -c big.c", 50, 300),
        proc_(500, 1, "python3 server.py", 7, 90),
    ];
    procs[4].state = ProcState::Running;
    for (pid, add) in extra_cpu {
        let p = procs.iter_mut().find(|p| p.pid == *pid).unwrap();
        p.cpu_ns += add * 10_000_000;
    }
    let tag = |reason| WhyTag {
        reason,
        ready: false,
        weak: false,
        ..Default::default()
    };
    let why = vec![
        tag(WaitReason::EventLoop),
        tag(WaitReason::Socket),
        tag(WaitReason::Child),
        tag(WaitReason::Child),
        tag(WaitReason::Running),
        WhyTag {
            reason: WaitReason::Lock,
            ready: false,
            weak: true,
            ..Default::default()
        },
    ];
    Arc::new(Snapshot {
        why,
        taken_at: 0.0,
        mono_ns: mono_s * 1_000_000_000,
        system: SystemSample {
            cpu_percent: vec![75.0, 12.5],
            mem_total: 8 << 30,
            mem_used: 3 << 30,
            swap_total: 1 << 30,
            swap_used: 0,
            load: [1.5, 0.75, 0.25],
            uptime_secs: 3 * 86400 + 3661,
            boot_time: 0,
            cpu_pressure: Some(12.5),
        },
        procs: Arc::new(procs),
        with_threads: false,
    })
}

fn app() -> App {
    let mut app = App::new(
        Keymap::default_map(),
        ViewOptions::default(),
        Duration::from_secs(1),
    );
    update(&mut app, Msg::Resize(100, 18));
    update(&mut app, Msg::Snapshot(snapshot(1, &[])));
    // One second later: cc used 90% of a core, python 20%.
    update(
        &mut app,
        Msg::Snapshot(snapshot(2, &[(421, 90), (500, 20)])),
    );
    // The selection followed the first snapshot's top row; start from the top again.
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE)),
    );
    app
}

fn key(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn screen(app: &App) -> String {
    let (w, h) = app.ui.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| whytop::ui::render(app, f)).unwrap();
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn main_screen_sorted_by_cpu() {
    let app = app();
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn tree_view_and_folding() {
    let mut app = app();
    key(&mut app, KeyCode::Char('t'));
    insta::assert_snapshot!("tree", screen(&app));
    // Cursor on `-bash` (pid 310), collapse it: make and cc disappear.
    key(&mut app, KeyCode::Home);
    typed(&mut app, "jj");
    assert_eq!(app.selected_sample().unwrap().pid, 310);
    key(&mut app, KeyCode::Left);
    insta::assert_snapshot!("tree_folded", screen(&app));
}

#[test]
fn filter_typing_and_regex() {
    let mut app = app();
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "PYTH");
    insta::assert_snapshot!("filter_text", screen(&app));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "re:^(make|cc) ");
    key(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("filter_regex", screen(&app));
    // why:REASON filters on the WHY column, ANDed with words.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "why:child");
    key(&mut app, KeyCode::Enter);
    let pids: Vec<i32> = app
        .view
        .iter()
        .map(|r| app.table.snapshot.procs[r.idx].pid)
        .collect();
    assert_eq!(pids.len(), 2);
    assert!(pids.contains(&310) && pids.contains(&420), "{pids:?}");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "make why:child");
    let pids: Vec<i32> = app
        .view
        .iter()
        .map(|r| app.table.snapshot.procs[r.idx].pid)
        .collect();
    assert_eq!(pids, [420]);
}

#[test]
fn selection_follows_the_process_across_resorts_and_refreshes() {
    let mut app = app();
    typed(&mut app, "j"); // second row: python3 (20%)
    assert_eq!(app.selected_sample().unwrap().pid, 500);
    key(&mut app, KeyCode::Char('M')); // sort by MEM%: python moves
    assert_eq!(app.selected_sample().unwrap().pid, 500);
    key(&mut app, KeyCode::Char('I'));
    assert_eq!(app.selected_sample().unwrap().pid, 500);
    update(
        &mut app,
        Msg::Snapshot(snapshot(3, &[(421, 180), (500, 20)])),
    );
    assert_eq!(app.selected_sample().unwrap().pid, 500);
}

#[test]
fn sort_keys_and_header_click() {
    let mut app = app();
    key(&mut app, KeyCode::F(6));
    insta::assert_snapshot!("sort_menu", screen(&app));
    key(&mut app, KeyCode::Up); // from CPU% to S
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.opts.sort, whytop::model::sort::SortColumn::State);
    // A click on the PID title sorts by pid ascending.
    let header_y = whytop::ui::layout::areas(&app).table.y;
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 2,
        row: header_y,
        modifiers: KeyModifiers::NONE,
    };
    update(&mut app, Msg::Mouse(click));
    assert_eq!(app.opts.sort, whytop::model::sort::SortColumn::Pid);
    assert_eq!(
        app.selected_sample().map(|p| p.pid),
        Some(421),
        "the selection stayed on cc"
    );
    // A click on a row selects it.
    update(
        &mut app,
        Msg::Mouse(MouseEvent {
            row: header_y + 1,
            ..click
        }),
    );
    assert_eq!(app.selected_sample().unwrap().pid, 1);
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut app = app();
    update(&mut app, Msg::Resize(100, 40));
    key(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!("help", screen(&app));
}

#[test]
fn detail_pane() {
    let mut app = app();
    update(&mut app, Msg::Resize(100, 30));
    key(&mut app, KeyCode::Enter);
    let text = screen(&app);
    // Start times are local time: mask them.
    let masked = regex::Regex::new(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
        .unwrap()
        .replace_all(&text, "<time>");
    insta::assert_snapshot!("detail", masked);
}

#[test]
fn narrow_columns_show_their_sort_arrow_and_80_columns_leave_room_for_the_command() {
    let mut app = app();
    for (col, title) in [("s", "S▽"), ("pri", "PRI▽")] {
        app.opts.sort = whytop::ui::columns::COLUMNS
            .iter()
            .map(|c| c.sort)
            .find(|c| c.title().eq_ignore_ascii_case(col))
            .unwrap();
        app.opts.descending = true;
        app.rebuild_view();
        let s = screen(&app);
        let header = s.lines().find(|l| l.contains("COMMAND")).unwrap();
        assert!(header.contains(title), "{header}");
    }
    update(&mut app, Msg::Resize(80, 24));
    let s = screen(&app);
    let header = s.lines().find(|l| l.contains("COMMAND")).unwrap();
    assert!(
        header.contains("WHY") && !header.contains("VIRT"),
        "{header}"
    );
    let row = s.lines().find(|l| l.contains("server.py")).unwrap();
    assert!(
        row.contains("python3 server.py"),
        "the command is readable: {row}"
    );
}
