//! The real binary in a real terminal: tmux send-keys and capture-pane.

mod common;

use common::{Proc, Tmux, marker};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_whytop");

/// A parent (python) with one child (`sleep`, renamed `<tag>kid`).
fn family(tag: &str) -> (Proc, String) {
    let kid = format!("{tag}kid");
    // bash renamed `<tag>dad` forks (the `; true` keeps it from exec'ing) a sleep renamed `<tag>kid`.
    let script = format!("exec -a {tag}dad bash -c 'bash -c \"exec -a {kid} sleep 300\"; true'");
    let parent = Proc::spawn_group(Command::new("bash").args(["-c", &script]));
    // The parent's command line names the kid too; the kid's own line ends in its argument.
    (parent, format!("{kid} 300"))
}

fn start(t: &Tmux, args: &str) {
    t.type_text(&format!("{BIN} -d 5 {args}"));
    t.keys(&["Enter"]);
    t.wait_screen("whytop's table", |s| {
        s.contains("PID") && s.contains("COMMAND") && s.contains("Load average")
    });
}

fn line_of<'a>(screen: &'a str, needle: &str) -> Option<(usize, &'a str)> {
    screen.lines().enumerate().find(|(_, l)| l.contains(needle))
}

#[test]
fn shows_filters_sorts_trees_and_quits() {
    let tag = marker("fam");
    let (parent, kid) = family(&tag);
    let t = Tmux::shell(160, 45);
    start(&t, "");

    // The filter finds our processes and nothing else of the machine.
    t.keys(&["/"]);
    t.type_text(&tag);
    let s = t.wait_screen("the filtered pair", |s| {
        s.contains(&format!("{tag}dad")) && s.contains(&kid)
    });
    assert!(
        !s.contains("Load average: ") || !s.contains("process_api"),
        "filter left others:\n{s}"
    );
    t.keys(&["Enter"]);

    // Sort by PID (F6, first entry): parent before child; I reverses it.
    t.keys(&["F6"]);
    t.wait_screen("the sort menu", |s| s.contains("Sort by"));
    t.keys(&["Home", "Enter"]);
    let s = t.wait_screen("PID order", |s| {
        let (Some((d, _)), Some((k, _))) = (line_of(s, &format!("{tag}dad")), line_of(s, &kid))
        else {
            return false;
        };
        !s.contains("Sort by") && d < k
    });
    assert!(s.contains("PID△"), "{s}");
    t.keys(&["I"]);
    t.wait_screen("reversed PID order", |s| {
        let (Some((d, _)), Some((k, _))) = (line_of(s, &format!("{tag}dad")), line_of(s, &kid))
        else {
            return false;
        };
        s.contains("PID▽") && k < d
    });

    // Tree: the child sits right under its parent, one level deeper.
    t.keys(&["t"]);
    let s = t.wait_screen("the tree", |s| s.contains("tree view") && s.contains(&kid));
    let (d, dad_line) = line_of(&s, &format!("{tag}dad")).expect("parent shown");
    let (k, kid_line) = line_of(&s, &kid).expect("child shown");
    assert_eq!(k, d + 1, "child right below parent:\n{s}");
    let indent = |l: &str, n: &str| l.find(n).unwrap();
    assert!(
        indent(kid_line, &kid) > indent(dad_line, &format!("{tag}dad")),
        "child deeper:\n{s}"
    );
    assert!(kid_line.contains("└─"), "tree guide:\n{s}");
    assert!(
        kid_line.contains(&parent.pid().to_string())
            || dad_line.contains(&parent.pid().to_string())
    );

    // q quits, the terminal is restored and the shell prompt is back.
    t.keys(&["q"]);
    let s = t.wait_screen("the prompt again", |s| s.trim_end().ends_with("READY$"));
    assert!(!s.contains("COMMAND"), "alternate screen left:\n{s}");
}

#[test]
fn help_detail_and_terminal_restored_on_sigterm() {
    let tag = marker("one");
    let p = common::tagged_sleep(&tag);
    let t = Tmux::shell(140, 40);
    start(&t, &format!("--sort pid --filter {tag}"));
    t.wait_screen("our sleep", |s| s.contains(&tag));
    t.keys(&["F1"]);
    t.wait_screen("help", |s| {
        s.contains("In normal mode") && s.contains("tree view on/off")
    });
    t.keys(&["Escape"]);
    t.wait_screen("help closed", |s| !s.contains("In normal mode"));
    t.keys(&["Enter"]);
    let s = t.wait_screen("the detail pane with exe and cwd", |s| {
        s.contains("Details")
            && (s.contains("Exe      /usr/bin/sleep") || s.contains("Exe      /bin/sleep"))
    });
    assert!(s.contains(&format!("pid {}", p.pid())), "{s}");
    assert!(s.contains("Parents"), "{s}");
    // SIGTERM: whytop leaves cleanly and the shell gets its screen back.
    let pid = whytop_pid(&t);
    unsafe { libc::kill(pid, libc::SIGTERM) };
    t.wait_screen("the prompt after SIGTERM", |s| {
        s.trim_end().ends_with("READY$") && !s.contains("Details")
    });
}

#[test]
fn ctrl_z_suspends_and_fg_resumes() {
    let t = Tmux::shell(120, 35);
    start(&t, "");
    t.keys(&["C-z"]);
    t.wait_screen("the job stopped", |s| {
        s.contains("Stopped") && s.trim_end().ends_with("READY$")
    });
    t.type_text("fg");
    t.keys(&["Enter"]);
    t.wait_screen("whytop back", |s| {
        s.contains("Load average") && s.contains("COMMAND")
    });
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

/// The whytop process running in the pane (the shell's child).
fn whytop_pid(t: &Tmux) -> i32 {
    let shell = t.pane_pid();
    common::wait_for("whytop's pid", || {
        let kids = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
            .map_err(|e| e.to_string())?;
        kids.split_whitespace()
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or(kids)
    })
}
