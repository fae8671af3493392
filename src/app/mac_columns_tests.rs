//! The macOS columns (QOS, BG, FOOT, ENERGY, and IOR/s IOW/s from
//! `ri_diskio`) drawn on a TestBackend, from samples built the way the macOS
//! backend builds them: `rusage_info_v4` bytes as the kernel lays them out,
//! decoded, turned into figures against the previous pass's read.

use super::msg::Msg;
use super::state::App;
use super::update::update;
use crate::app::keymap::Keymap;
use crate::model::testutil::sample;
use crate::model::view::ViewOptions;
use crate::model::{IoBytes, ProcSample, Snapshot};
use crate::platform::darwin_decode::mac_figures::figures;
use crate::platform::darwin_decode::qos::QosTimes;
use crate::platform::darwin_decode::rusage::tests::rusage_bytes;
use crate::platform::darwin_decode::rusage::{RusageV4, decode_rusage_v4};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;
use std::time::Duration;

/// What one process's usage reads `k` seconds on: footprint, disk bytes,
/// energy and CPU per QoS class growing at its own pace.
struct Pace {
    footprint: u64,
    read_per_s: u64,
    write_per_s: u64,
    nj_per_s: u64,
    /// Mach units a second at (default/legacy, utility, user-initiated, user-interactive).
    qos_per_s: [u64; 4],
}

fn usage(p: &Pace, k: u64) -> RusageV4 {
    let r = RusageV4 {
        phys_footprint: p.footprint + k * 4096,
        diskio_bytesread: 10_000 + k * p.read_per_s,
        diskio_byteswritten: k * p.write_per_s,
        billed_energy: 7_000_000 + k * p.nj_per_s,
        qos: QosTimes {
            legacy: 1_000 + k * p.qos_per_s[0],
            utility: k * p.qos_per_s[1],
            user_initiated: k * p.qos_per_s[2],
            user_interactive: k * p.qos_per_s[3],
            ..QosTimes::default()
        },
    };
    // Through the bytes, as the backend reads them.
    decode_rusage_v4(&rusage_bytes(&r)).unwrap()
}

/// A row as the macOS pass fills it at second `k` (the previous read at `k - 2`).
fn mac_row(mut s: ProcSample, pace: &Pace, base_priority: i32, bg: bool, k: u64) -> ProcSample {
    let now = usage(pace, k);
    let prev = usage(pace, k - 2);
    s.extra.io = Some(Box::new(IoBytes {
        read: now.diskio_bytesread,
        write: now.diskio_byteswritten,
    }));
    s.extra.mac = Some(Box::new(figures(
        &now,
        Some(&prev),
        Some(base_priority),
        Some(bg),
    )));
    s
}

fn snapshot(k: u64) -> Arc<Snapshot> {
    let finder = Pace {
        footprint: 182 << 20,
        read_per_s: 3 << 20,
        write_per_s: 40 << 10,
        nj_per_s: 1_250_000_000, // 1.25 W
        qos_per_s: [10, 0, 0, 90],
    };
    let backupd = Pace {
        footprint: 40 << 20,
        read_per_s: 512,
        write_per_s: 12 << 20,
        nj_per_s: 35_000_000, // 35 mW
        qos_per_s: [0, 70, 0, 0],
    };
    let idle = Pace {
        footprint: 6 << 20,
        read_per_s: 0,
        write_per_s: 0,
        nj_per_s: 400_000, // 0.4 mW
        qos_per_s: [0, 0, 0, 0],
    };
    let mut procs = vec![
        sample(1, 0, "launchd"),
        mac_row(sample(300, 1, "Finder"), &finder, 47, false, k),
        mac_row(sample(310, 1, "backupd"), &backupd, 4, true, k),
        mac_row(sample(320, 1, "cfprefsd"), &idle, 31, false, k),
    ];
    // Another user's process: no figures at all, as on Linux.
    procs[0].info = Arc::new(crate::model::ProcInfo {
        user: Some("root".into()),
        uid: Some(0),
        ..(*procs[0].info).clone()
    });
    Arc::new(Snapshot {
        mono_ns: k * 1_000_000_000,
        procs: Arc::new(procs),
        ..Default::default()
    })
}

fn screen(app: &App) -> String {
    let (w, h) = app.ui.size;
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    term.draw(|f| crate::ui::render(app, f)).unwrap();
    let buf = term.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
        .collect()
}

#[test]
fn macos_columns_from_rusage_fixtures() {
    let mut app = App::new(
        Keymap::default_map(),
        ViewOptions::default(),
        Duration::from_secs(1),
    );
    app.columns = crate::present::columns::parse_list(&[
        "pid",
        "user",
        "qos",
        "bg",
        "footprint",
        "io-read",
        "io-write",
        "energy",
        "command",
    ])
    .unwrap();
    update(&mut app, Msg::Resize(100, 10));
    update(&mut app, Msg::Snapshot(snapshot(2)));
    update(&mut app, Msg::Snapshot(snapshot(4)));
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE)),
    );
    let s = screen(&app);
    let row = |pid: &str| {
        s.lines()
            .find(|l| l.trim_start().starts_with(pid))
            .unwrap_or_else(|| panic!("{pid} in\n{s}"))
            .to_string()
    };
    // Finder: a user-interactive main thread, CPU mostly user-interactive.
    assert!(row("300").contains("ui/ui"), "{s}");
    assert!(row("300").contains("1.25W"), "{s}");
    // backupd: background tier, CPU at utility, in darwin background.
    let words =
        |pid: &str| -> Vec<String> { row(pid).split_whitespace().map(String::from).collect() };
    assert_eq!(words("310")[2..4], ["bg/ut", "bg"], "{s}");
    assert_eq!(words("300")[2..4], ["ui/ui", "-"], "{s}");
    assert!(row("310").contains("35mW"), "{s}");
    // cfprefsd used no CPU since the last read: no class.
    assert!(row("320").contains("def/-"), "{s}");
    insta::assert_snapshot!(s);
}
