//! htop's header and long commands: TestBackend screens from fixture data
//! (insta snapshots), and the header's task counts against `/proc` itself.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use std::sync::Arc;
use std::time::Duration;
use whytop::app::keymap::Keymap;
use whytop::app::msg::Msg;
use whytop::app::state::App;
use whytop::app::update::update;
use whytop::model::view::ViewOptions;
use whytop::model::{
    CpuShares, MemSplit, Pressure, ProcInfo, ProcSample, ProcState, Snapshot, SystemSample,
};
use whytop::present::meters::MeterKind;

const LONG: &str = "/opt/toolchain/bin/compile-server --listen 127.0.0.1:9000 \
    --cache-dir /var/cache/compile-server/objects --max-jobs 16 \
    --log-file /var/log/compile-server/server.log --end-of-the-line-marker";

fn proc_(pid: i32, ppid: i32, cmd: &str, threads: u32) -> ProcSample {
    let kernel = cmd.starts_with('[');
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
        threads,
        start_time: 1000 + pid as u64,
        cpu_ns: 1_000_000_000,
        run_delay_ns: 0,
        rss_bytes: 10 << 20,
        vsz_bytes: 30 << 20,
        tgid: None,
        extra: Default::default(),
        info: Arc::new(ProcInfo {
            tty: None,
            uid: Some(1000),
            user: Some("dev".into()),
            started_at: 0.0,
            comm: cmd
                .trim_matches(['[', ']'])
                .split(' ')
                .next()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .into(),
            cmdline: if kernel { "".into() } else { cmd.into() },
            kernel_thread: kernel,
        }),
    }
}

/// CPU `i` of a fixture: every kind present, different on each CPU.
fn cpu(i: usize) -> CpuShares {
    let f = |base: usize, step: usize, m: usize| (base + (i * step) % m) as f32;
    CpuShares {
        nice: f(2, 3, 8),
        user: f(10, 13, 40),
        system: f(5, 7, 20),
        irq: 3.0,
        softirq: 3.0,
        steal: f(0, 1, 3),
        guest: 0.0,
        iowait: f(3, 5, 10),
    }
}

fn system(cpus: usize) -> SystemSample {
    let kinds: Vec<CpuShares> = (0..cpus).map(cpu).collect();
    SystemSample {
        cpu_percent: kinds.iter().map(|k| k.busy()).collect(),
        cpu_kinds: kinds,
        mem_total: 16 << 30,
        mem_used: 5 << 30,
        mem_split: Some(MemSplit {
            used: 5 << 30,
            buffers: 1 << 30,
            shared: 1 << 30,
            cache: 4 << 30,
        }),
        swap_total: 4 << 30,
        swap_used: 1 << 30,
        swap_cache: 1 << 29,
        load: [1.5, 0.75, 0.25],
        uptime_secs: 3 * 86400 + 3661,
        procs_running: Some(3),
        pressure: Pressure {
            cpu: Some([12.5, 4.0, 1.25]),
            io: Some([0.5, 0.25, 0.0]),
            memory: Some([0.0, 0.0, 0.0]),
        },
        ..Default::default()
    }
}

fn snapshot(mono_s: u64, cpus: usize) -> Arc<Snapshot> {
    let mut procs = vec![
        proc_(1, 0, "/sbin/init", 1),
        proc_(2, 0, "[kthreadd]", 1),
        proc_(300, 1, "/usr/lib/firefox/firefox --new-window", 40),
        proc_(310, 1, "-bash", 1),
        proc_(420, 310, LONG, 8),
    ];
    procs[4].state = ProcState::Running;
    Arc::new(Snapshot {
        mono_ns: mono_s * 1_000_000_000,
        system: system(cpus),
        procs: Arc::new(procs),
        ..Default::default()
    })
}

fn app(cpus: usize, (w, h): (u16, u16)) -> App {
    let mut app = App::new(
        Keymap::default_map(),
        ViewOptions::default(),
        Duration::from_secs(1),
    );
    update(&mut app, Msg::Resize(w, h));
    update(&mut app, Msg::Snapshot(snapshot(1, cpus)));
    update(&mut app, Msg::Snapshot(snapshot(2, cpus)));
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE)),
    );
    app
}

fn key(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn buffer(app: &App) -> ratatui::buffer::Buffer {
    let (w, h) = app.ui.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| whytop::ui::render(app, f)).unwrap();
    term.backend().buffer().clone()
}

fn screen(app: &App) -> String {
    let buf = buffer(app);
    let mut out = String::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The header: the lines above the table's column titles.
fn header(app: &App) -> String {
    let s = screen(app);
    s.lines()
        .take_while(|l| !(l.contains("PID") && l.contains("COMMAND")))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn header_with_1_2_8_and_32_cpus_at_80_and_200_columns() {
    for cpus in [1, 2, 8, 32] {
        for w in [80, 200] {
            let app = app(cpus, (w, 40));
            let h = header(&app);
            // htop's layout: one column of bars up to 4 CPUs, two up to 8, four beyond.
            let bars_on_first_line = h.lines().next().unwrap().matches('[').count();
            let want = match cpus {
                1 | 2 => 1,
                8 => 2,
                _ => 4,
            };
            assert_eq!(bars_on_first_line, want, "{cpus} CPUs at {w}:\n{h}");
            assert!(h.matches('%').count() >= cpus, "{h}");
            insta::assert_snapshot!(format!("header_{cpus}cpus_{w}cols"), h);
        }
    }
}

#[test]
fn tasks_are_counted_as_htop_counts_them() {
    let app = app(2, (100, 30));
    let h = header(&app);
    // Processes but the kernel thread (4), their threads past the main one
    // (39 + 7), the kernel thread; running from procs_running (3), at most
    // one a CPU (2).
    assert!(h.contains("Tasks: 4, 46 thr, 1 kthr; 2 running"), "{h}");
}

#[test]
fn cpu_and_memory_bars_take_htops_colours_by_kind() {
    let app = app(1, (200, 30));
    let buf = buffer(&app);
    // CPU 0 in order: nice 2%, user 10%, system 5%, irq 3%, softirq 2%,
    // steal 0%, guest 0%, iowait 3%: the bar's cells in htop's colours.
    let y = 0;
    let start = (0..buf.area.width)
        .find(|x| buf[(*x, y)].symbol() == "[")
        .unwrap()
        + 1;
    let fgs: Vec<Color> = (start..start + 30).map(|x| buf[(x, y)].fg).collect();
    let first = |c: Color| fgs.iter().position(|f| *f == c);
    let (nice, user, system) = (
        first(Color::Blue).unwrap(),
        first(Color::Green).unwrap(),
        first(Color::Red).unwrap(),
    );
    assert!(nice < user && user < system, "{fgs:?}");
    assert!(
        first(Color::Magenta).unwrap() > system,
        "softirq after system: {fgs:?}"
    );
    assert!(first(Color::DarkGray).is_some(), "iowait shown: {fgs:?}");
    // Memory: used green, buffers blue, shared magenta, cache yellow.
    let mem_y = (0..buf.area.height)
        .find(|y| buf[(0, *y)].symbol() == "M")
        .unwrap();
    let fgs: Vec<Color> = (4..90).map(|x| buf[(x, mem_y)].fg).collect();
    let order: Vec<Color> = fgs.iter().fold(Vec::new(), |mut v, c| {
        if v.last() != Some(c) {
            v.push(*c);
        }
        v
    });
    assert_eq!(
        order[..4],
        [Color::Green, Color::Blue, Color::Magenta, Color::Yellow],
        "{order:?}"
    );
}

#[test]
fn no_color_bars_use_htops_monochrome_characters() {
    let mut app = app(2, (80, 24));
    app.no_color = true;
    let h = header(&app);
    // nice |, user #, system *, irq @, softirq $, iowait . (steal % when there is some).
    let first = h.lines().next().unwrap();
    for c in ["|", "#", "*", "@", "$", "."] {
        assert!(first.contains(c), "{c} in {first}");
    }
    insta::assert_snapshot!("header_no_color", h);
}

#[test]
fn meters_are_a_list_the_header_follows() {
    let mut app = app(2, (100, 30));
    app.meters = vec![
        MeterKind::Memory,
        MeterKind::Tasks,
        MeterKind::IoPressure,
        MeterKind::MemoryPressure,
        MeterKind::Clock,
    ];
    let h = header(&app);
    assert!(!h.contains("  0["), "no CPU bars: {h}");
    assert!(!h.contains("Swp") && !h.contains("Load average"), "{h}");
    assert!(h.contains("Mem[") && h.contains("Tasks: "), "{h}");
    assert!(h.contains("PSI some IO:     0.50% 0.25% 0.00%"), "{h}");
    assert!(
        h.contains("PSI some memory:") && h.contains("Time: "),
        "{h}"
    );
    // The header is as tall as its longest half; the table starts below it.
    assert_eq!(h.lines().count(), 4, "{h}");
}

/// An app that has seen 200 refreshes of a machine whose CPU rises and falls
/// (a triangle, 0 to 100 % every 40 s) and whose memory climbs from 2 to 14
/// GiB, with `meters` in its header.
fn app_with_history(meters: Vec<MeterKind>, (w, h): (u16, u16)) -> App {
    let mut app = App::new(
        Keymap::default_map(),
        ViewOptions::default(),
        Duration::from_secs(1),
    );
    app.meters = meters;
    update(&mut app, Msg::Resize(w, h));
    for i in 0..200u64 {
        let mut s = (*snapshot(1 + i, 2)).clone();
        let t = (i % 40) as f32;
        let cpu = if t < 20.0 { t * 5.0 } else { (40.0 - t) * 5.0 };
        s.system.cpu_percent = vec![cpu, cpu / 2.0];
        s.system.cpu_kinds = Vec::new();
        s.system.mem_used = (2 << 30) + ((i * 12) << 30) / 200;
        s.system.mem_split = None;
        s.system.load = [i as f64 / 100.0, 0.5, 0.25];
        update(&mut app, Msg::Snapshot(Arc::new(s)));
    }
    app
}

/// The header's lines with each cell's colour under them (a digit per style,
/// the styles listed after).
fn styled_header(app: &App) -> String {
    let buf = buffer(app);
    let lines = app.areas().header.height;
    let mut legend: Vec<String> = Vec::new();
    let (mut text, mut styles) = (String::new(), String::new());
    for y in 0..lines {
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

/// `cpu-graph` and `memory-graph`: btop-style history under the meters, the
/// whole width, the newest refresh at the right edge, with the newest value
/// and the time the graph spans; braille in colour, plain characters without.
#[test]
fn history_graphs_in_the_header_at_80_and_200_columns_with_and_without_colour() {
    for m in [MeterKind::CpuGraph, MeterKind::MemoryGraph] {
        for w in [80u16, 200] {
            let meters = vec![
                MeterKind::Cpus,
                MeterKind::Memory,
                MeterKind::Tasks,
                MeterKind::Load,
                m,
            ];
            let mut app = app_with_history(meters, (w, 30));
            let h = header(&app);
            // Three lines for the halves, three for the graph.
            assert_eq!(h.lines().count(), 6, "{h}");
            let graph: Vec<&str> = h.lines().skip(3).collect();
            for l in &graph {
                assert!(l.chars().count() <= w as usize, "{l}");
            }
            match m {
                // The last refresh, 39 s into the triangle: 5 % and 2.5 %, 3.75 % in
                // all (to the half percent the history keeps).
                MeterKind::CpuGraph => {
                    assert!(graph[0].starts_with("CPU"), "{h}");
                    assert!(graph[0].contains(" 4.0% "), "{h}");
                    assert!(
                        graph[1].contains("load") && graph[1].contains("1.99"),
                        "{h}"
                    );
                }
                _ => {
                    assert!(
                        graph[0].starts_with("Mem") && graph[0].contains("87.0%"),
                        "{h}"
                    );
                    assert!(graph[1].contains("13.9"), "{h}");
                }
            }
            // 130 refreshes fit at 80 columns (two a cell), all 200 at 200.
            let span = if w == 80 { "-2 m" } else { "-3 m" };
            assert!(graph[2].starts_with(span), "{h}");
            assert!(graph.iter().any(|l| l.contains('⣿')), "{h}");
            insta::assert_snapshot!(format!("header_{}_{w}cols", m.name()), styled_header(&app));
            app.no_color = true;
            let h = header(&app);
            assert!(!h.contains('⣿'), "plain characters: {h}");
            assert!(h.contains('|') && h.contains(':'), "{h}");
            insta::assert_snapshot!(format!("header_{}_{w}cols_no_color", m.name()), h);
        }
    }
}

#[test]
fn at_80x24_command_keeps_24_cells_and_scrolls_sideways_to_its_tail() {
    let mut app = app(2, (80, 24));
    let s = screen(&app);
    let titles = s.lines().find(|l| l.contains("COMMAND")).unwrap();
    let at = titles[..titles.find("COMMAND").unwrap()].chars().count();
    assert!(80 - at >= 24, "COMMAND has {} cells: {titles}", 80 - at);
    assert!(!s.contains("end-of-the-line-marker"), "{s}");
    insta::assert_snapshot!("long_command_80x24", s);

    // Right scrolls the whole table (titles too) five cells at a time, as htop.
    key(&mut app, KeyCode::Right);
    let s = screen(&app);
    let moved = s.lines().find(|l| l.contains("COMMAND")).unwrap();
    let moved_at = moved[..moved.find("COMMAND").unwrap()].chars().count();
    assert_eq!(moved_at, at - 5, "{moved}");
    // On to the tail of the longest command, and no further.
    for _ in 0..100 {
        key(&mut app, KeyCode::Right);
    }
    let s = screen(&app);
    let row = s.lines().find(|l| l.contains("marker")).unwrap();
    assert!(row.ends_with("--end-of-the-line-marker"), "{row}");
    assert_eq!(row.chars().count(), 80, "the tail at the right edge: {row}");
    insta::assert_snapshot!("long_command_80x24_scrolled_to_its_end", s);
    // Left comes back to the start.
    for _ in 0..100 {
        key(&mut app, KeyCode::Left);
    }
    assert_eq!(app.ui.hscroll, 0);
    assert_eq!(screen(&app), screen(&self::app(2, (80, 24))));
}

#[test]
fn p_shows_programs_by_name_and_again_with_their_path() {
    let mut app = app(2, (80, 24));
    key(&mut app, KeyCode::Char('p'));
    let s = screen(&app);
    assert!(
        s.contains(" compile-server --listen") && !s.contains("/opt/toolchain"),
        "{s}"
    );
    assert!(s.contains(" init") && !s.contains("/sbin/init"), "{s}");
    assert!(s.contains("[kthreadd]") && s.contains("-bash"), "{s}");
    insta::assert_snapshot!("program_names_80x24", s);
    key(&mut app, KeyCode::Char('p'));
    assert!(screen(&app).contains("/sbin/init"));
}

#[test]
fn in_tree_view_minus_and_plus_still_fold() {
    let mut app = app(2, (80, 24));
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Home);
    assert_eq!(app.selected_sample().unwrap().pid, 1);
    key(&mut app, KeyCode::Char('-'));
    let s = screen(&app);
    assert!(!s.contains("-bash"), "folded: {s}");
    key(&mut app, KeyCode::Char('+'));
    assert!(screen(&app).contains("-bash"));
    // Right scrolls in tree view too, it does not unfold.
    key(&mut app, KeyCode::Right);
    assert_eq!(app.ui.hscroll, 5);
}

/// htop's counts made here from `/proc`: processes that are not kernel
/// threads, their threads beyond the main one, kernel threads.
#[cfg(target_os = "linux")]
fn count_from_proc() -> (usize, usize, usize) {
    const PF_KTHREAD: u64 = 0x0020_0000;
    let (mut n, mut m, mut k) = (0, 0, 0);
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = e.file_name();
        if !name.to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue; // exited while we looked
        };
        // Fields after the `(comm)`, which may hold spaces: state is field 3.
        let rest: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
        let flags: u64 = rest[9 - 3].parse().unwrap();
        let threads: usize = rest[20 - 3].parse().unwrap();
        if flags & PF_KTHREAD != 0 {
            k += 1;
        } else {
            n += 1;
            m += threads.saturating_sub(1);
        }
    }
    (n, m, k)
}

#[cfg(target_os = "linux")]
fn parse_tasks(h: &str) -> Option<(usize, usize, usize)> {
    let line = h.lines().find(|l| l.contains("Tasks: "))?;
    let t = &line[line.find("Tasks: ")? + 7..];
    let nums: Vec<usize> = t
        .split([',', ';', ' '])
        .filter_map(|w| w.parse().ok())
        .collect();
    Some((nums[0], nums[1], nums[2]))
}

#[cfg(target_os = "linux")]
#[test]
fn live_tasks_equal_a_count_made_from_proc() {
    // A child with 6 threads (the main one and 5 sleeping).
    let child = common::Proc::spawn(std::process::Command::new(common::python()).args([
        "-c",
        "import threading, time\n\
         for _ in range(5): threading.Thread(target=time.sleep, args=(300,), daemon=True).start()\n\
         time.sleep(300)",
    ]));
    let pid = child.pid();
    common::wait_for("the child's 6 threads", || {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        if status.contains("Threads:\t6\n") {
            Ok(())
        } else {
            Err(status)
        }
    });
    // Processes come and go on a shared machine: a count before and after
    // the header's pass that agree, and the header agreeing with them.
    let seen = common::wait_for("the header's counts equal /proc's", || {
        let before = count_from_proc();
        let platform = whytop::platform::native().map_err(|e| e.to_string())?;
        let (a, b, _) = whytop::collectors::collect_pair(platform, Duration::from_millis(100))
            .map_err(|e| e.to_string())?;
        let after = count_from_proc();
        // The bars' figures come from /proc too: a split per CPU, memory as htop splits it.
        let online = std::fs::read_to_string("/proc/stat")
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("cpu") && !l.starts_with("cpu "))
            .count();
        assert_eq!(b.system.cpu_kinds.len(), online);
        let split = b.system.mem_split.unwrap();
        assert_eq!(split.used, b.system.mem_used);
        assert!(split.used + split.buffers + split.shared + split.cache <= b.system.mem_total);
        let mut app = App::new(
            Keymap::default_map(),
            ViewOptions::default(),
            Duration::from_secs(1),
        );
        update(&mut app, Msg::Resize(200, 60));
        update(&mut app, Msg::Snapshot(Arc::new(a)));
        update(&mut app, Msg::Snapshot(Arc::new(b)));
        let h = header(&app);
        let shown = parse_tasks(&h).ok_or(h.clone())?;
        if before == after && shown == before {
            Ok(shown)
        } else {
            Err(format!(
                "before {before:?}, header {shown:?}, after {after:?}\n{h}"
            ))
        }
    });
    assert!(seen.0 >= 2 && seen.1 >= 5, "{seen:?}");
}
