//! `whytop replay` on a real recording, in a real terminal: a process that
//! existed then shows at that moment and is gone at the end; the action keys
//! say they are not available and signal nothing.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

mod common;

use common::{Proc, Tmux, bin, marker, wait_for};
use std::path::Path;
use std::process::Command;

/// A recorder writing `db` every 0.5 s, killed (SIGKILL) by pid at the end.
fn recorder(db: &Path, data: &Path) -> Proc {
    let mut cmd = Command::new(bin());
    cmd.env("WHYTOP_DATA_DIR", data)
        .args(["record", "--interval", "0.5", "--db"])
        .arg(db);
    Proc::spawn(&mut cmd)
}

fn query<T: rusqlite::types::FromSql>(db: &Path, sql: &str, pid: i32) -> Result<T, String> {
    let c = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| e.to_string())?;
    c.query_row(sql, [pid], |r| r.get::<_, Option<T>>(0))
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("nothing yet for pid {pid}"))
}

/// When the recording first saw `pid`.
fn first_seen(db: &Path, pid: i32) -> Result<f64, String> {
    query(
        db,
        "SELECT s.taken_at FROM processes p JOIN samples s ON s.id = p.first_sample
         WHERE p.pid = ?1",
        pid,
    )
}

/// The newest sample's time.
fn last_sample(db: &Path) -> Result<f64, String> {
    query(db, "SELECT max(taken_at) FROM samples WHERE ?1 = ?1", 0)
}

/// `t` as local `YYYY-MM-DD HH:MM:SS`, by date(1).
fn local(t: f64) -> String {
    let o = Command::new("date")
        .arg("-d")
        .arg(format!("@{}", t as i64))
        .arg("+%Y-%m-%d %H:%M:%S")
        .output()
        .unwrap();
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

/// `sample N of M` in the replay's header line.
fn sample_of(screen: &str) -> Option<(u64, u64)> {
    let line = screen.lines().find(|l| l.contains("REPLAY"))?;
    let rest = &line[line.find(" sample ")? + 8..];
    let mut words = rest.split_whitespace();
    let n = words.next()?.parse().ok()?;
    let _of = words.next()?;
    let m = words.next()?.parse().ok()?;
    Some((n, m))
}

/// The table's rows that name `text` (the status line says the filter, not a row).
fn rows_with<'a>(screen: &'a str, text: &str) -> Vec<&'a str> {
    screen
        .lines()
        .filter(|l| l.contains(text) && !l.contains("filter:"))
        .collect()
}

fn state_of(pid: i32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    stat[stat.rfind(')').unwrap() + 2..].chars().next().unwrap()
}

#[test]
fn replay_shows_a_process_then_and_not_at_the_end_and_refuses_actions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rec.sqlite");
    let tag = marker("replay");
    let gone_tag = format!("{tag}gone");
    let stays_tag = format!("{tag}stays");
    let stays = common::tagged_sleep(&stays_tag);
    let gone = common::tagged_sleep(&gone_tag);
    let (gone_pid, stays_pid) = (gone.pid(), stays.pid());
    let rec = recorder(&db, dir.path());
    let seen = wait_for("the recording to see the process", || {
        first_seen(&db, gone_pid)
    });
    // Two seconds in: the moment asked for (whole seconds) is after its first sample.
    let at = seen.floor() + 2.0;
    wait_for("samples past that moment", || {
        let t = last_sample(&db)?;
        if t > at + 0.5 {
            Ok(())
        } else {
            Err(format!("last sample {t}, waiting for {at}"))
        }
    });
    drop(gone); // SIGKILL to its pid, reaped
    wait_for("the recording to see it gone", || {
        query::<i64>(
            &db,
            "SELECT end_sample FROM processes WHERE pid = ?1",
            gone_pid,
        )
    });
    let ended = last_sample(&db).unwrap();
    wait_for("a sample after that", || {
        let t = last_sample(&db)?;
        if t > ended + 0.4 {
            Ok(())
        } else {
            Err(format!("last sample {t}"))
        }
    });
    drop(rec);

    let t = Tmux::shell(160, 40);
    t.type_text(&format!(
        "WHYTOP_DATA_DIR={} {} -F {tag} replay --db {} --at '{}'",
        dir.path().display(),
        bin(),
        db.display(),
        local(at)
    ));
    t.keys(&["Enter"]);
    let s = t.wait_screen("the replay at that moment, with the process", |s| {
        s.contains("REPLAY") && !rows_with(s, &gone_tag).is_empty()
    });
    let (start, count) = sample_of(&s).unwrap_or_else(|| panic!("no position:\n{s}"));
    assert!(start < count, "not at the end yet:\n{s}");
    assert!(!rows_with(&s, &stays_tag).is_empty(), "{s}");
    // The header shows the time of the sample it answers from: the newest at or before.
    let shown: f64 = {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.query_row(
            "SELECT max(taken_at) FROM samples WHERE taken_at <= ?1",
            [at],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert!(
        s.contains(&format!(" REPLAY  {}  ", local(shown))),
        "the recorded time {} is shown:\n{s}",
        local(shown)
    );

    // `]` to the end, one sample at a time.
    let mut n = start;
    while n < count {
        t.keys(&["]"]);
        let s = t.wait_screen(&format!("sample {} of {count}", n + 1), |s| {
            sample_of(s).is_some_and(|(i, _)| i > n)
        });
        n = sample_of(&s).unwrap().0;
    }
    let s = t.wait_screen("the last sample drawn", |s| {
        sample_of(s) == Some((count, count))
    });
    assert!(rows_with(&s, &gone_tag).is_empty(), "gone at the end:\n{s}");
    assert!(!rows_with(&s, &stays_tag).is_empty(), "{s}");

    // The one row left is the process still alive: no key signals it.
    for (k, what) in [
        ("x", "stop"),
        ("z", "pause"),
        ("F9", "signal"),
        ("F7", "nice"),
    ] {
        t.keys(&[k]);
        t.wait_screen(&format!("{k} refused"), |s| {
            s.contains(what) && s.contains("not available in a replay")
        });
        assert!(
            !t.screen().contains(" Send signal ") && !t.screen().contains(" Confirm "),
            "{k} opened a dialog:\n{}",
            t.screen()
        );
    }
    assert_eq!(state_of(stays_pid), 'S', "still sleeping, not stopped");

    // The Ended view, from the recording: the process that went.
    t.keys(&["E"]);
    let s = t.wait_screen("the Ended view with it", |s| {
        s.contains("ENDED") && s.contains(&gone_pid.to_string())
    });
    assert!(s.contains(&gone_tag), "{s}");
    t.keys(&["q"]);
    t.keys(&["q"]);
    t.wait_screen("the shell again", |s| s.trim_end().ends_with("READY$"));
    drop(stays);
}

/// A process of the recording the screen test writes.
fn sample(pid: i32, cmd: &str, cpu_s: u64) -> whytop::model::ProcSample {
    use whytop::model::{ProcInfo, ProcSample, ProcState};
    ProcSample {
        pid,
        ppid: 1,
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
        rss_bytes: (pid as u64) << 20,
        vsz_bytes: 0,
        tgid: None,
        extra: Default::default(),
        info: std::sync::Arc::new(ProcInfo {
            uid: Some(1000),
            user: Some("dev".into()),
            started_at: 1_800_000_000.0,
            comm: cmd.split(' ').next().unwrap().into(),
            cmdline: cmd.into(),
            ..Default::default()
        }),
    }
}

fn screen(app: &whytop::app::state::App) -> String {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
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

/// The recorded times shown in local time (this machine's zone), masked.
fn masked(screen: &str, times: &[f64], db: &Path) -> String {
    let mut s = screen.replace(&db.display().to_string(), "<db>");
    for t in times {
        let full = whytop::platform::localtime::format(*t);
        let hms = full.rsplit(' ').next().unwrap().to_string();
        s = s
            .replace(&full, "YYYY-MM-DD HH:MM:SS")
            .replace(&hms, "HH:MM:SS");
    }
    s
}

#[test]
fn a_replay_screen_from_a_recording_steps_on_through_the_replay_source() {
    use whytop::app::keymap::Keymap;
    use whytop::app::msg::{Effect, Msg};
    use whytop::app::state::{App, ReplayView};
    use whytop::app::update::update;
    use whytop::model::why::{WaitReason, WhyTag};
    use whytop::model::{Snapshot, derive};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rec.sqlite");
    let mut w = whytop::store::Writer::open(
        &db,
        whytop::store::WriterOptions {
            keyframe_secs: 300.0,
            retain_secs: None,
        },
        Box::new(|s: &str| s.to_string()),
    )
    .unwrap();
    let t0 = 1_800_000_000.0;
    let times: Vec<f64> = (0..4).map(|i| t0 + f64::from(i)).collect();
    for (i, t) in times.iter().enumerate() {
        let mut procs = vec![
            (
                sample(10, "/usr/bin/editor notes.txt", 1),
                WaitReason::Input,
            ),
            (
                sample(20, "/usr/bin/build --all", 2 + i as u64),
                WaitReason::Running,
            ),
        ];
        if i < 2 {
            procs.push((sample(30, "sleep 300", 0), WaitReason::Timer));
        }
        let (procs, why): (Vec<_>, Vec<_>) =
            procs.into_iter().map(|(p, r)| (p, WhyTag::of(r))).unzip();
        let snap = Snapshot {
            taken_at: *t,
            mono_ns: (*t * 1e9) as u64,
            procs: std::sync::Arc::new(procs),
            why,
            ..Default::default()
        };
        w.write(&derive(None, std::sync::Arc::new(snap)), 1.0)
            .unwrap();
    }
    drop(w);

    let rec = whytop::store::replay::Recording::open(&db).unwrap();
    let mut src = whytop::collectors::replay::spawn(rec, Some(t0 + 1.5)).unwrap();
    let mut app = App::new(
        Keymap::default_map(),
        whytop::model::view::ViewOptions::default(),
        std::time::Duration::from_secs(1),
    );
    app.replay = Some(ReplayView {
        db: db.display().to_string(),
        position: None,
    });
    update(&mut app, Msg::Resize(100, 12));
    let frame = src.frames.blocking_recv().unwrap();
    assert!(frame.reset && frame.snapshots.len() == 2, "{frame:?}");
    update(&mut app, Msg::Replay(Box::new(frame)));
    insta::assert_snapshot!(
        "replay_at_the_second_sample",
        masked(&screen(&app), &times, &db)
    );

    // `]` asks the source for one sample on; it sends that sample alone.
    let key = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char(']'),
        crossterm::event::KeyModifiers::NONE,
    );
    for e in update(&mut app, Msg::Key(key)) {
        if let Effect::Replay(cmd) = e {
            src.commands.send(cmd).unwrap();
        }
    }
    let frame = src.frames.blocking_recv().unwrap();
    assert!(!frame.reset && frame.snapshots.len() == 1, "{frame:?}");
    update(&mut app, Msg::Replay(Box::new(frame)));
    let s = masked(&screen(&app), &times, &db);
    assert!(!s.contains("sleep 300"), "gone at the third sample:\n{s}");
    insta::assert_snapshot!("replay_a_sample_on", s);
    let ended: Vec<i32> = app.history.ended().iter().map(|e| e.key.pid).collect();
    assert_eq!(ended, vec![30], "in the Ended view");
}

#[test]
fn replay_says_what_is_wrong_before_it_takes_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.sqlite");
    let run = |args: &[&str]| {
        Command::new(bin())
            .env("WHYTOP_DATA_DIR", dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&["replay", "--db", missing.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("none.sqlite") && err.contains("no recording there"),
        "{err}"
    );
    let o = run(&["replay", "--db", missing.to_str().unwrap(), "--at", "soon"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("\"soon\"") && err.contains("HH:MM:SS"),
        "{err}"
    );
    // A relative time is a value, not a flag.
    let o = run(&["replay", "--db", missing.to_str().unwrap(), "--at", "-5m"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
