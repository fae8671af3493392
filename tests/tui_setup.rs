//! The real binary under tmux: F2 setup shows a column at once, and quitting
//! saves it (and `p`'s choice) into the config file, the user's lines kept.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

mod common;

use common::Tmux;

#[test]
fn setup_adds_a_column_and_quitting_saves_it_keeping_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.toml");
    std::fs::write(&file, "# my own settings\nsort = \"pid\" # by pid\n").unwrap();
    let t = Tmux::shell(100, 30);
    t.whytop(dir.path(), &format!("--config {}", file.display()));
    let s = t.screen();
    assert!(!s.contains("PPID"), "not shown before:\n{s}");

    t.keys(&["F2"]);
    t.wait_screen("the setup screen", |s| {
        s.contains("Columns") && s.contains("Meters") && s.contains("Options")
    });
    // Past the twelve shown columns to the first hidden one, PPID: show it.
    let downs = vec!["Down"; 12];
    t.keys(&downs);
    t.wait_screen("the cursor on PPID", |s| s.contains("PPID (ppid)"));
    t.keys(&["Space"]);
    t.wait_screen("PPID shown", |s| s.contains("[x] PPID"));
    t.keys(&["Escape"]);
    // The table has it at once, before COMMAND.
    t.wait_screen("the PPID column", |s| {
        s.lines()
            .any(|l| l.contains("WHY") && l.contains("PPID COMMAND"))
    });
    t.keys(&["p"]);
    t.wait_screen("programs by name", |s| s.contains("programs by name"));
    t.keys(&["q"]);
    t.wait_screen("the prompt again", |s| s.trim_end().ends_with("READY$"));

    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(
        saved.starts_with("# my own settings\nsort = \"pid\" # by pid\n"),
        "the user's lines kept:\n{saved}"
    );
    assert!(
        saved.contains(
            "columns = [\"pid\", \"user\", \"pri\", \"ni\", \"vsz\", \"rss\", \"s\", \"%cpu\", \
             \"%mem\", \"time\", \"why\", \"ppid\", \"command\"]"
        ),
        "{saved}"
    );
    assert!(saved.contains("program_path = false"), "{saved}");
    // Only what changed: the delay given by -d is not written.
    assert!(!saved.contains("delay"), "{saved}");
    let check = std::process::Command::new(common::bin())
        .args(["config", "--check", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
}

/// The real binary with the history graphs and the sparkline column in its
/// config: the CPU and memory graphs fill in as refreshes come, the time they
/// span grows, and a busy process's CPU-HIST cell fills with blocks.
#[test]
fn history_graphs_and_the_cpu_history_column_fill_in_live() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("graphs.toml");
    std::fs::write(
        &file,
        "meters = [\"cpus\", \"memory\", \"cpu-graph\", \"memory-graph\"]\n\
         columns = [\"pid\", \"cpu-history\", \"%cpu\", \"why\", \"command\"]\n",
    )
    .unwrap();
    let tag = common::marker("sparkbusy");
    let busy = common::Proc::spawn(std::process::Command::new(common::python()).args([
        "-c",
        "while True: pass",
        &tag,
    ]));
    let t = Tmux::shell(100, 30);
    let pid = busy.pid().to_string();
    t.whytop(dir.path(), &format!("--config {} -p {pid}", file.display()));
    // Refresh 0.5 s: five refreshes span 2 s.
    let s = t.wait_screen("both graphs with a span", |s| {
        let graph = |name: &str| s.lines().any(|l| l.starts_with(name));
        graph("CPU ") && graph("Mem ") && s.lines().any(|l| l.starts_with("-2 s"))
    });
    assert!(
        s.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)),
        "braille dots:\n{s}"
    );
    assert!(s.contains("CPU-HIST"), "{s}");
    t.wait_screen("the busy process's sparkline", |s| {
        s.lines().any(|l| {
            l.trim_start().starts_with(&pid)
                && l.chars().filter(|c| ('▁'..='█').contains(c)).count() >= 3
        })
    });
    t.keys(&["q"]);
    t.wait_screen("the prompt again", |s| s.trim_end().ends_with("READY$"));
}
