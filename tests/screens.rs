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
        extra: Default::default(),
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
        proc_(500, 1, "python3 server.py --token=hunter2", 7, 90),
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
            cpu_ticks: None,
            ..Default::default()
        },
        procs: Arc::new(procs),
        with_threads: false,
        exits: Vec::new(),
        exits_known: false,
        oom_kills: Vec::new(),
        oom_known: false,
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
    key(&mut app, KeyCode::Char('-'));
    insta::assert_snapshot!("tree_folded", screen(&app));
}

#[test]
fn filter_typing_and_regex() {
    let mut app = app();
    key(&mut app, KeyCode::Char('\\'));
    typed(&mut app, "PYTH");
    insta::assert_snapshot!("filter_text", screen(&app));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('\\'));
    typed(&mut app, "re:^(make|cc) ");
    key(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("filter_regex", screen(&app));
    // why:REASON filters on the WHY column, ANDed with words.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('\\'));
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
    key(&mut app, KeyCode::Char('\\'));
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
        app.opts.sort = whytop::ui::columns::parse(col).unwrap();
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

/// A secret on a command line is not for a shared screen: the table and the
/// detail pane show it redacted, as the audit log and bundles do.
#[test]
fn a_secret_on_a_command_line_is_never_on_screen() {
    let mut app = app();
    update(&mut app, Msg::Resize(140, 30));
    let table = screen(&app);
    assert!(table.contains("server.py --token=<redacted>"), "{table}");
    assert!(!table.contains("hunter2"), "{table}");
    typed(&mut app, "/server");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    let detail = screen(&app);
    assert!(detail.contains("--token=<redacted>"), "{detail}");
    assert!(!detail.contains("hunter2"), "{detail}");
}

/// The detail pane's lines, below its title.
fn pane(screen: &str) -> Vec<&str> {
    let lines: Vec<&str> = screen.lines().collect();
    let title = lines.iter().position(|l| l.contains("Details:")).unwrap();
    lines[title + 1..lines.len() - 1].to_vec()
}

/// A verdict with a long tail of threads: more than an 80x24 pane holds.
fn busy_detail(app: &App) -> whytop::model::ProcDetail {
    use whytop::model::why::{Evidence, ProcessWhy, Verdict};
    let verdict = |reason, detail: String| Verdict {
        reason,
        detail,
        ready_for_input: false,
        weak: false,
        child: None,
        decided_by: vec!["every thread on a futex".into()],
        evidence: Evidence::default(),
    };
    whytop::model::ProcDetail {
        key: app.ui.selected,
        why: Some(ProcessWhy {
            main: verdict(
                WaitReason::Lock,
                "every thread waits on a lock: a deadlock or an idle pool".into(),
            ),
            threads: (1..=40)
                .map(|i| verdict(WaitReason::Lock, format!("pool thread {i}")))
                .collect(),
            main_thread: None,
        }),
        ..Default::default()
    }
}

fn keys(app: &mut App, codes: &[KeyCode]) {
    for c in codes {
        key(app, *c);
    }
}

#[test]
fn at_80x24_the_detail_pane_opens_on_the_verdict_and_scrolls_to_its_end_and_no_further() {
    let mut app = app();
    update(&mut app, Msg::Resize(80, 24));
    key(&mut app, KeyCode::Enter);
    let d = busy_detail(&app);
    update(&mut app, Msg::Detail(Some(Arc::new(d))));
    let first = screen(&app);
    let why_line = first
        .lines()
        .position(|l| l.starts_with("Why      lock every thread waits on a lock"));
    let title = first.lines().position(|l| l.contains("Details:"));
    assert_eq!(
        why_line.zip(title).map(|(w, t)| w - t),
        Some(1),
        "the verdict is the pane's first line:\n{first}"
    );
    // The table has the keys until Tab gives them to the pane.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::End);
    let end = screen(&app);
    // The charts close the pane, after the threads.
    assert!(
        end.contains("Memory") && end.contains(" now\n"),
        "the last line shown:\n{end}"
    );
    assert!(!end.contains("Why      lock"), "{end}");
    // Past the end nothing moves: one step up from there is one step up from the end.
    keys(
        &mut app,
        &[KeyCode::Char('j'), KeyCode::PageDown, KeyCode::Char('j')],
    );
    assert_eq!(screen(&app), end);
    key(&mut app, KeyCode::Char('k'));
    let up = screen(&app);
    assert_ne!(up, end);
    key(&mut app, KeyCode::Home);
    let home = screen(&app);
    assert_eq!(pane(&home), pane(&first));
    // Tab again: j moves in the table, and the new process's details start at the top.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::End);
    assert_eq!(app.ui.overlay.pane_scroll(), 0);
}

#[test]
fn the_detail_pane_goes_full_screen_and_back() {
    let mut app = app();
    update(&mut app, Msg::Resize(80, 24));
    key(&mut app, KeyCode::Enter);
    let d = busy_detail(&app);
    update(&mut app, Msg::Detail(Some(Arc::new(d))));
    key(&mut app, KeyCode::Char('f'));
    let full = screen(&app);
    assert!(!full.contains("PID"), "no table:\n{full}");
    assert!(
        full.contains("Threads  41 threads") && full.contains("pool thread 3"),
        "{full}"
    );
    key(&mut app, KeyCode::Char('f'));
    let half = screen(&app);
    assert!(
        half.contains("PID") && half.contains("Why      lock"),
        "{half}"
    );
}

#[test]
fn help_wraps_to_a_narrow_terminal_and_stops_at_its_end() {
    let mut app = app();
    update(&mut app, Msg::Resize(50, 20));
    key(&mut app, KeyCode::F(1));
    let top = screen(&app);
    // The stop's long description wraps inside the box rather than being cut.
    assert!(top.lines().all(|l| l.chars().count() <= 50), "{top}");
    key(&mut app, KeyCode::End);
    let end = screen(&app);
    assert!(
        end.contains("Mouse: click selects"),
        "the last line:\n{end}"
    );
    keys(&mut app, &[KeyCode::Char('j'), KeyCode::Char('j')]);
    assert_eq!(screen(&app), end);
    key(&mut app, KeyCode::Char('k'));
    assert_ne!(screen(&app), end);
}

#[test]
fn the_audit_pane_wraps_and_stops_at_its_end() {
    use whytop::actions::audit::{Record, TargetRef};
    let mut app = app();
    update(&mut app, Msg::Resize(60, 20));
    key(&mut app, KeyCode::Char('A'));
    let records = (0..30)
        .map(|i| Record {
            targets: vec![TargetRef {
                pid: 1000 + i,
                start_time: 1,
                command: "x".into(),
            }],
            ..Record::new(
                "signal",
                serde_json::json!({"signal": "SIGTERM", "why": "a long reason that has to wrap"}),
                vec![],
                serde_json::json!("ok"),
            )
        })
        .collect();
    update(&mut app, Msg::Audit(records));
    let top = screen(&app);
    assert!(top.contains("1029"), "newest first:\n{top}");
    assert!(top.contains("wrap\"}"), "the long line wraps:\n{top}");
    key(&mut app, KeyCode::End);
    let end = screen(&app);
    assert!(end.contains("1000"), "the oldest last:\n{end}");
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(screen(&app), end);
    key(&mut app, KeyCode::Char('k'));
    assert_ne!(screen(&app), end);
}

/// htop's search: `/` jumps to the next match as it is typed and hides
/// nothing; n and N go on, Esc goes back to where it started.
#[test]
fn search_jumps_to_matches_and_hides_nothing() {
    let mut app = app();
    let pid = |app: &App| app.selected_sample().unwrap().pid;
    assert_eq!(pid(&app), 421, "the top row");
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "bash");
    assert_eq!(pid(&app), 310);
    assert_eq!(app.view.len(), 6, "nothing hidden");
    let s = screen(&app);
    assert!(
        s.contains("Search: bash") && s.contains("/usr/sbin/sshd"),
        "{s}"
    );
    key(&mut app, KeyCode::Enter);
    // Words match as the filter's do: here `make` and `cc` by regex.
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "re:^(make|cc) ");
    assert_eq!(
        pid(&app),
        421,
        "from the row it started on, round to the top"
    );
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(pid(&app), 420, "n: the next match down");
    key(&mut app, KeyCode::Char('N'));
    assert_eq!(pid(&app), 421, "N: back up");
    key(&mut app, KeyCode::Char('N'));
    assert_eq!(pid(&app), 420, "N wraps to the bottom");
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "nosuchthing");
    assert!(screen(&app).contains("no match"));
    key(&mut app, KeyCode::Esc);
    assert_eq!(pid(&app), 420, "Esc: back where it started");
    assert_eq!(app.view.len(), 6);
}

/// Z freezes the table at this moment (a mark says so) and resumes it with
/// the newest pass.
#[test]
fn z_freezes_the_table_and_resumes_with_the_newest_pass() {
    let mut app = app();
    let cpu_of = |s: &str| {
        s.lines()
            .find(|l| l.contains("server.py"))
            .map(|l| l.split_whitespace().nth(7).unwrap_or("").to_string())
    };
    let before = screen(&app);
    assert_eq!(cpu_of(&before).as_deref(), Some("20.0"), "{before}");
    key(&mut app, KeyCode::Char('Z'));
    // A second later python used 60% of a core; frozen, the table does not say so.
    update(
        &mut app,
        Msg::Snapshot(snapshot(3, &[(421, 180), (500, 80)])),
    );
    let frozen = screen(&app);
    assert!(frozen.contains(" FROZEN "), "{frozen}");
    assert_eq!(cpu_of(&frozen).as_deref(), Some("20.0"), "{frozen}");
    key(&mut app, KeyCode::Char('Z'));
    let live = screen(&app);
    assert!(!live.contains(" FROZEN "), "{live}");
    assert_eq!(cpu_of(&live).as_deref(), Some("60.0"), "{live}");
}

fn cells(app: &App) -> ratatui::buffer::Buffer {
    let (w, h) = app.ui.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| whytop::ui::render(app, f)).unwrap();
    term.backend().buffer().clone()
}

#[test]
fn no_color_draws_the_same_screen_with_bold_and_reverse_only() {
    use ratatui::style::{Color, Modifier};
    let mut app = app();
    let coloured = cells(&app);
    assert!(
        coloured
            .content
            .iter()
            .any(|c| c.fg != Color::Reset || c.bg != Color::Reset),
        "the default theme has colour"
    );
    app.no_color = true;
    let plain = cells(&app);
    // The same screen, but that each part of a bar has its own character
    // (htop's monochrome: `|` nice, `#` user, `*` system...).
    let bars_as_pipes = |s: String| -> String {
        s.chars()
            .map(|c| if "#*@$%&.".contains(c) { '|' } else { c })
            .collect()
    };
    let mono = screen(&app);
    assert!(mono.lines().next().unwrap().contains("[####"), "{mono}");
    assert_eq!(bars_as_pipes(mono), {
        app.no_color = false;
        bars_as_pipes(screen(&app))
    });
    for (i, (p, c)) in plain.content.iter().zip(&coloured.content).enumerate() {
        assert_eq!((p.fg, p.bg), (Color::Reset, Color::Reset), "cell {i}");
        // What stood on a coloured background (selection, title) is reversed.
        if c.bg != Color::Reset {
            assert!(p.modifier.contains(Modifier::REVERSED), "cell {i}");
        }
        assert!(p.modifier.contains(c.modifier), "cell {i} lost bold");
    }
    // The selected row (the first under the column titles) still stands out.
    let row = (0..plain.area.height)
        .find(|&y| {
            (0..plain.area.width)
                .map(|x| plain[(x, y)].symbol())
                .collect::<String>()
                .contains("  PID")
        })
        .unwrap();
    assert!(
        plain[(0, row + 1)].modifier.contains(Modifier::REVERSED),
        "the selection bar is reversed"
    );
}

/// Space tags and moves down, `c` tags a process with its descendants, `U`
/// untags all; a tagged row is marked `*` and bold, without colour too.
#[test]
fn tagged_rows_are_marked_with_and_without_colour() {
    use ratatui::style::Modifier;
    let mut app = app();
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Home);
    // init (1), then down past sshd to -bash (310) and its family.
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.selected_sample().unwrap().pid, 200, "Space moves down");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('c'));
    key(&mut app, KeyCode::End);
    insta::assert_snapshot!("tagged", screen(&app));
    let tagged: Vec<i32> = app.ui.tagged.iter().map(|k| k.pid).collect();
    assert_eq!(tagged, [1, 310, 420, 421]);
    for no_color in [false, true] {
        app.no_color = no_color;
        let buf = cells(&app);
        let row_of = |pid: &str| {
            (0..buf.area.height)
                .find(|&y| {
                    let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
                    line[1..].trim_start().starts_with(&format!("{pid} "))
                })
                .unwrap()
        };
        for (pid, tagged) in [("1", true), ("200", false), ("420", true), ("500", false)] {
            let y = row_of(pid);
            assert_eq!(buf[(0, y)].symbol() == "*", tagged, "pid {pid}'s mark");
            assert_eq!(
                buf[(3, y)].modifier.contains(Modifier::BOLD),
                tagged,
                "pid {pid} bold (NO_COLOR {no_color})"
            );
        }
    }
    key(&mut app, KeyCode::Char('U'));
    assert!(app.ui.tagged.is_empty());
    assert!(!screen(&app).lines().any(|l| l.starts_with('*')));
}

/// Forty refreshes of history for python (pid 500): on a socket, then busy and
/// growing, then on a lock. Its detail pane, full screen, ends with the WHY
/// timeline's story and the CPU and memory charts.
#[test]
fn detail_charts_and_why_timeline() {
    let mut app = app();
    update(&mut app, Msg::Resize(100, 40));
    let mut cpu = 20;
    for i in 0..40u64 {
        let phase = match i {
            0..15 => WaitReason::Socket,
            15..30 => WaitReason::Running,
            _ => WaitReason::Lock,
        };
        if phase == WaitReason::Running {
            cpu += 60;
        }
        let mut s = (*snapshot(3 + i, &[(421, 90 * (i + 2)), (500, cpu)])).clone();
        s.why[5] = WhyTag::of(phase);
        let procs = Arc::make_mut(&mut s.procs);
        procs[5].rss_bytes = (90 + 4 * i.min(30)) << 20;
        update(&mut app, Msg::Snapshot(Arc::new(s)));
    }
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "server");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('f'));
    let full = screen(&app);
    assert!(full.contains("pid 500"), "python is the one shown:\n{full}");
    assert!(full.contains("lock for 9 s"), "{full}");
    insta::assert_snapshot!(full);
}

/// The Ended view: make (pid 420) exited 3 as the kernel reported, cc (421)
/// was killed by SIGSEGV with a core, python (500) went with no report, and
/// two children of make lived less than a refresh.
#[test]
fn ended_view_says_when_how_and_what_each_was_doing() {
    use whytop::model::ending::ExitReport;
    let mut app = app();
    update(&mut app, Msg::Resize(120, 16));
    let exit = |pid, parent, code, signal: Option<i32>, at_ticks| ExitReport {
        pid,
        parent,
        code,
        signal,
        signal_name: signal.map(|_| "SIGSEGV".to_string()),
        core_dumped: signal.is_some(),
        at: 2.5,
        at_ticks,
        crash: None,
    };
    let mut s = (*snapshot(3, &[(421, 180), (500, 40)])).clone();
    let procs = Arc::make_mut(&mut s.procs);
    procs.retain(|p| p.pid < 420);
    s.why.truncate(procs.len());
    s.taken_at = 3.0;
    s.exits_known = true;
    s.exits = vec![
        exit(420, 310, Some(3), None, 5000),
        exit(421, 420, None, Some(11), 5000),
        exit(9001, 420, Some(0), None, 5000),
        exit(9002, 420, Some(0), None, 5000),
        // Not 420's: it exited before 420 started (a process before it with its pid).
        exit(420, 310, Some(7), None, 10),
    ];
    // The OOM killer's kill of 500 (from the kernel log), and one logged
    // before 421 started: not 421's.
    s.oom_known = true;
    let oom = |pid, at_ticks| whytop::model::ending::OomKill {
        pid,
        comm: "x".into(),
        cgroup: Some("/batch".into()),
        memcg: true,
        at: 2.5,
        at_ticks,
    };
    s.oom_kills = vec![oom(500, 5000), oom(421, 10)];
    let after = s.clone();
    update(&mut app, Msg::Snapshot(Arc::new(s)));
    key(&mut app, KeyCode::Char('E'));
    let text = screen(&app);
    assert!(text.contains("exit 3"), "{text}");
    assert!(text.contains("killed by SIGSEGV (core dumped)"), "{text}");
    assert!(
        !text.contains("exit 7"),
        "an earlier process's exit is not make's:\n{text}"
    );
    assert!(
        text.contains("Ended before a refresh saw them: 3"),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "redacted: {text}");
    assert!(
        text.contains("killed by the OOM killer (memory cgroup /batch)"),
        "{text}"
    );
    assert!(!text.contains("known as root"), "{text}");
    insta::assert_snapshot!(text);
    // A crash report for 421 (macOS: ReportCrash's), read a refresh after its
    // exit, is added to that exit.
    let mut s = after;
    s.oom_kills.clear();
    let mut crash = exit(421, 420, None, Some(11), 5000);
    crash.crash = Some(whytop::model::ending::Crash {
        exception: "EXC_BAD_ACCESS (SIGSEGV)".into(),
        report: "cc-2026-12-08-012000.ips".into(),
    });
    s.exits = vec![crash];
    update(&mut app, Msg::Snapshot(Arc::new(s)));
    let text = screen(&app);
    assert!(
        text.contains("crashed: EXC_BAD_ACCESS (SIGSEGV), report cc-2026-12-08-012000.ips"),
        "{text}"
    );
    assert_eq!(text.matches("crashed:").count(), 1, "{text}");
    // whytop's ladder stopped 421, by its audit record; a record of another
    // process with 421's pid (another start time) is not 421's.
    let stop = |start_time: u64| {
        let outcome = serde_json::json!({"targets": [{"pid": 421, "start_time": start_time,
            "command": "cc", "ended": "step", "step": 2, "signal": "SIGKILL"}],
            "cancelled": false, "elapsed_secs": 1.0, "sent": []});
        whytop::actions::audit::Record::new("stop", serde_json::json!({}), vec![], outcome)
    };
    update(&mut app, Msg::Audit(vec![stop(77)]));
    assert!(
        !screen(&app).contains("whytop's ladder"),
        "{}",
        screen(&app)
    );
    update(&mut app, Msg::Audit(vec![stop(1421)]));
    let text = screen(&app);
    assert!(
        text.contains("stopped by whytop's ladder at SIGKILL step"),
        "{text}"
    );
    key(&mut app, KeyCode::Esc);
    assert!(!screen(&app).contains("Ended (newest first"));
}

/// A screen with its colours: the text, then each cell's style as a letter,
/// then what each letter stands for.
fn styled(app: &App) -> String {
    let buf = cells(app);
    let mut legend: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut styles = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            text.push_str(c.symbol());
            let desc = format!("fg {:?} bg {:?} {:?}", c.fg, c.bg, c.modifier);
            let i = legend.iter().position(|d| *d == desc).unwrap_or_else(|| {
                legend.push(desc);
                legend.len() - 1
            });
            styles.push(char::from_digit(i as u32 % 36, 36).unwrap());
        }
        text.push('\n');
        styles.push('\n');
    }
    let legend: Vec<String> = legend
        .iter()
        .enumerate()
        .map(|(i, d)| format!("{}: {d}", char::from_digit(i as u32 % 36, 36).unwrap()))
        .collect();
    format!("{text}\n{styles}\n{}\n", legend.join("\n"))
}

/// dark (today's), light, mono and NO_COLOR: the same screen, its colours as
/// each theme draws them. Mono and NO_COLOR have none; light has no yellow or
/// white text on the terminal's background.
#[test]
fn themes_dark_light_mono_and_no_color() {
    use ratatui::style::Color;
    use whytop::present::ThemeName;
    let mut app = app();
    update(&mut app, Msg::Resize(80, 14));
    for (name, theme, no_color) in [
        ("theme_dark", ThemeName::Dark, false),
        ("theme_light", ThemeName::Light, false),
        ("theme_mono", ThemeName::Mono, false),
        ("theme_no_color", ThemeName::Light, true),
    ] {
        app.theme = theme.into();
        app.no_color = no_color;
        let buf = cells(&app);
        let coloured = buf
            .content
            .iter()
            .any(|c| c.fg != Color::Reset || c.bg != Color::Reset);
        assert_eq!(coloured, !no_color && theme != ThemeName::Mono, "{name}");
        if theme == ThemeName::Light && !no_color {
            assert!(
                !buf.content.iter().any(|c| c.bg == Color::Reset
                    && matches!(c.fg, Color::Yellow | Color::White | Color::LightYellow)),
                "light: no washed-out text"
            );
        }
        insta::assert_snapshot!(name, styled(&app));
    }
    assert_eq!(
        {
            app.no_color = false;
            app.theme = ThemeName::Mono.into();
            styled(&app)
        },
        {
            app.theme = ThemeName::Dark.into();
            app.no_color = true;
            styled(&app)
        },
        "mono is what NO_COLOR gives"
    );
}

/// A user theme (the shipped example) drawn as written where the terminal
/// announces truecolor, and in the 256-colour palette's nearest elsewhere.
#[test]
fn user_theme_truecolor_and_downgraded() {
    use ratatui::style::Color;
    let mut app = app();
    update(&mut app, Msg::Resize(80, 14));
    let text = include_str!("../config/themes/dusk.toml");
    for (name, truecolor) in [("theme_user_truecolor", true), ("theme_user_256", false)] {
        app.theme =
            whytop::app::user_theme_from_text("dusk", "dusk.toml", text, truecolor).unwrap();
        let buf = cells(&app);
        let rgb = |c: Color| matches!(c, Color::Rgb(..));
        let any_rgb = buf.content.iter().any(|c| rgb(c.fg) || rgb(c.bg));
        assert_eq!(any_rgb, truecolor, "{name}");
        if !truecolor {
            // The selection bar's #af87d7 is the cube's 140.
            assert!(
                buf.content.iter().any(|c| c.bg == Color::Indexed(140)),
                "{name}"
            );
        }
        insta::assert_snapshot!(name, styled(&app));
    }
}

/// A recorded output of one of the Mac's tools (tests/fixtures/darwin).
fn darwin_fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/darwin/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn detail_pane_with_macos_launchd_power_and_signature() {
    use whytop::platform::darwin_decode::{provenance as decode, quarantine};
    let mut app = app();
    update(&mut app, Msg::Resize(140, 30));
    key(&mut app, KeyCode::Enter);
    // Filled from the recorded outputs as the macOS backend fills it; the
    // daemon holds caffeinate's assertions (pmset names pid 57888).
    let provenance = whytop::model::provenance::Provenance {
        launchd: decode::launchd_label(&darwin_fixture("launchctl-list-root.txt"), 54109).map(
            |l| decode::launchd_job(&l, "system", &darwin_fixture("launchctl-print-otelcol.txt")),
        ),
        power: decode::power(&darwin_fixture("pmset-assertions-caffeinate.txt"), 57888),
        signature: Some(decode::signature(&darwin_fixture("codesign-vscode.txt"))),
        quarantine: quarantine::parse("0083;697af740;Safari;"),
        unreadable: Vec::new(),
    };
    let d = whytop::model::ProcDetail {
        key: app.ui.selected,
        exe: Some("/usr/local/bin/otelcol-sumo".into()),
        provenance: Some(provenance),
        ..Default::default()
    };
    update(&mut app, Msg::Detail(Some(Arc::new(d))));
    key(&mut app, KeyCode::Char('f'));
    let text = screen(&app);
    assert!(
        text.contains("KeepAlive: killing it makes launchd start it again"),
        "{text}"
    );
    let masked = regex::Regex::new(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
        .unwrap()
        .replace_all(&text, "<time>");
    insta::assert_snapshot!("detail_macos_provenance", masked);
}

/// The config's columns beyond htop's default: the parent, group, session,
/// terminal, threads, last CPU, shared memory, rates from two samples (I/O
/// empty where unreadable), the OOM score; `>` steps through the shown ones.
#[test]
fn extra_columns_with_rates_from_two_samples() {
    use whytop::model::{IoBytes, ProcExtra};
    let mut app = app();
    app.columns = whytop::ui::columns::parse_list(&[
        "pid", "ppid", "pgrp", "sid", "tty", "uid", "nlwp", "psr", "shr", "io-read", "io-write",
        "minflt", "majflt", "ctxsw", "oom", "why", "command",
    ])
    .unwrap();
    update(&mut app, Msg::Resize(150, 12));
    // Counters `k` seconds on: each process faults, switches and does I/O at
    // its own pace; sshd's I/O is not readable.
    let at = |k: u64| {
        let mut s = (*snapshot(10 + k, &[])).clone();
        for (i, p) in Arc::make_mut(&mut s.procs).iter_mut().enumerate() {
            let i = i as u64 + 1;
            p.threads = i as u32;
            if p.pid == 310 || p.pid == 420 {
                p.tty = Some("pts/3".into());
            }
            p.extra = ProcExtra {
                minflt: (k * 150 * i) as u32,
                majflt: (k * i / 2) as u32,
                ctxsw: (k * 1000 * i) as u32,
                processor: (i % 2) as u16,
                shared_kib: (i as u32) << 10,
                io: (p.pid != 200).then(|| {
                    Box::new(IoBytes {
                        read: (k * i * 3) << 20,
                        write: k * i * 700,
                    })
                }),
                oom_score: Some(i as u16 * 100),
                mac: None,
            };
        }
        Arc::new(s)
    };
    update(&mut app, Msg::Snapshot(at(1)));
    update(&mut app, Msg::Snapshot(at(3)));
    key(&mut app, KeyCode::Home);
    insta::assert_snapshot!(screen(&app));
    // Sorted by CPU% (not shown) until `>`: then the first shown column.
    key(&mut app, KeyCode::Char('>'));
    assert_eq!(app.opts.sort, whytop::model::sort::SortColumn::Pid);
    key(&mut app, KeyCode::Char('>'));
    assert_eq!(app.opts.sort, whytop::model::sort::SortColumn::Ppid);
}

/// F2's theme option steps through the user's themes after the built-in
/// ones, and the screen draws in the one chosen at once.
#[test]
fn setup_offers_user_themes() {
    let mut app = app();
    update(&mut app, Msg::Resize(80, 24));
    let text = include_str!("../config/themes/dusk.toml");
    let dusk = whytop::app::user_theme_from_text("dusk", "dusk.toml", text, false).unwrap();
    app.theme_choices.push(dusk.clone());
    key(&mut app, KeyCode::F(2));
    keys(&mut app, &[KeyCode::Tab, KeyCode::Tab, KeyCode::Down]);
    key(&mut app, KeyCode::Left);
    assert_eq!(app.theme, dusk, "round the start to the last, the user's");
    assert!(app.settings_changed.contains("theme"));
    let s = screen(&app);
    assert!(s.lines().any(|l| l.contains("dusk")), "{s}");
    let buf = cells(&app);
    assert!(
        buf.content
            .iter()
            .any(|c| c.bg == ratatui::style::Color::Indexed(140)),
        "setup's cursor in dusk's selection colour, #af87d7"
    );
    key(&mut app, KeyCode::Right);
    assert_eq!(
        app.theme,
        whytop::present::ThemeName::Dark,
        "and round again"
    );
}

/// F2: the columns (shown ones first, in order), meters and options side by
/// side; Space shows a column, `]` moves it, and the table has it at once.
#[test]
fn setup_shows_and_orders_columns_and_the_table_follows() {
    let mut app = app();
    update(&mut app, Msg::Resize(80, 24));
    key(&mut app, KeyCode::F(2));
    // Down past the twelve shown columns to PPID, the first not shown.
    for _ in 0..12 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Char(' '));
    insta::assert_snapshot!(screen(&app));
    // PPID went in before COMMAND, the cursor with it; `[` moves it up past WHY.
    key(&mut app, KeyCode::Char('['));
    let names: Vec<&str> = app
        .columns
        .iter()
        .map(|c| whytop::ui::columns::name(*c))
        .collect();
    assert_eq!(
        names[names.len() - 3..],
        ["ppid", "why", "command"],
        "{names:?}"
    );
    // The options: the delay steps and is applied without a restart.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Right);
    assert_eq!(app.delay, Duration::from_millis(1500));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Right);
    assert_eq!(app.theme, whytop::present::ThemeName::Light);
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left);
    assert_eq!(app.theme, whytop::present::ThemeName::Mono, "round the end");
    key(&mut app, KeyCode::Esc);
    let s = screen(&app);
    let header = s.lines().find(|l| l.contains("COMMAND")).unwrap();
    assert!(header.contains("PPID WHY"), "{header}");
    assert!(
        app.settings_changed.contains("columns") && app.settings_changed.contains("delay"),
        "{:?}",
        app.settings_changed
    );
}

/// htop's footer, generated from the keymap: every entry fits at 80 columns
/// (the labels touch where a space after each would not), and an action the
/// user's keymap unbinds is not offered.
#[test]
fn footer_holds_htops_keys_and_stop_at_80_columns() {
    let mut app = app();
    update(&mut app, Msg::Resize(80, 24));
    let s = screen(&app);
    let footer = s.lines().last().unwrap();
    assert_eq!(
        footer,
        "F1HelpF2SetupF3SearchF4FilterF5TreeF6SortByF7Nice-F8Nice+F9KillF10QuitxStop"
    );
    // Where the spaces would leave no room for the count, the labels touch.
    update(&mut app, Msg::Resize(90, 24));
    let s = screen(&app);
    let footer = s.lines().last().unwrap();
    assert!(
        footer.starts_with("F1HelpF2Setup") && footer.ends_with("xStop 6 shown"),
        "{footer}"
    );
    update(&mut app, Msg::Resize(120, 24));
    let s = screen(&app);
    let footer = s.lines().last().unwrap();
    assert!(
        footer.starts_with(
            "F1Help F2Setup F3Search F4Filter F5Tree F6SortBy F7Nice- F8Nice+ F9Kill F10Quit xStop "
        ),
        "{footer}"
    );
    let keys = Keymap::with_user(Some("[normal]\n\"F2\" = \"none\"\n")).unwrap();
    let mut unbound = App::new(keys, ViewOptions::default(), Duration::from_secs(1));
    update(&mut unbound, Msg::Resize(120, 24));
    let s = screen(&unbound);
    let footer = s.lines().last().unwrap();
    assert!(!footer.contains("Setup"), "{footer}");
    assert!(footer.contains("F3Search"), "{footer}");
}

/// htop's `u`: a menu of the users listed, everyone's first; picking one
/// shows only theirs and the footer says so.
#[test]
fn user_menu_lists_users_and_the_pick_filters_the_table() {
    let mut app = app();
    key(&mut app, KeyCode::Char('u'));
    let s = screen(&app);
    assert!(s.contains("Show user"), "{s}");
    assert!(s.contains("*All users"), "{s}");
    assert!(s.contains(" dev "), "{s}");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(!s.contains("Show user"), "{s}");
    assert!(s.lines().last().unwrap().contains("user: dev"), "{s}");
    assert!(s.contains("sshd"), "{s}");
}

/// The `cpu-history` column: a sparkline of each process's CPU % over the
/// last refreshes, one cell each, the newest at the right, a core's worth
/// full; plain characters without colour.
#[test]
fn cpu_history_sparkline_column() {
    let mut app = app();
    app.columns =
        whytop::ui::columns::parse_list(&["pid", "cpu-history", "%cpu", "why", "command"]).unwrap();
    update(&mut app, Msg::Resize(80, 10));
    // cc ramps up by a tenth of a core a second; python is busy every other one.
    let (mut cc, mut py) = (90, 20);
    for k in 1..=10u64 {
        cc += 10 * k;
        py += if k % 2 == 0 { 100 } else { 0 };
        update(
            &mut app,
            Msg::Snapshot(snapshot(2 + k, &[(421, cc), (500, py)])),
        );
    }
    key(&mut app, KeyCode::Home);
    let s = screen(&app);
    let row = |pid: &str| {
        s.lines()
            .find(|l| l.trim_start().starts_with(pid))
            .unwrap()
            .to_string()
    };
    assert!(row("421").contains(" ▂▃▄▅▆▆▇█ 100.0"), "{s}");
    assert!(row("500").contains("█ █ █ █"), "{s}");
    insta::assert_snapshot!(s);
    app.no_color = true;
    let s = screen(&app);
    assert!(s.contains(" ..::::|| 100.0"), "{s}");
    insta::assert_snapshot!("cpu_history_sparkline_column_no_color", s);
}
