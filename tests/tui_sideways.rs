//! The real binary under tmux at 80 columns: Left/Right scroll the table
//! sideways to the tail of a long command line, and back.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

mod common;

use common::{Proc, Tmux, marker};
use std::process::Command;

#[test]
fn right_scrolls_to_the_tail_of_a_long_command_and_left_back() {
    let tag = marker("long");
    let tail = format!("{tag}tail");
    // A shell that stays (the `; :` keeps it from exec'ing sleep) with a long
    // command line: its arguments after the script are only there to be read.
    let mut args = vec!["-c".to_string(), "sleep 300; :".to_string(), tag.clone()];
    args.extend((1..=8).map(|i| format!("--option-number-{i}=some-long-value")));
    args.push(tail.clone());
    let _p = Proc::spawn_group(Command::new("sh").args(&args));
    let data = tempfile::tempdir().unwrap();
    let t = Tmux::shell(80, 24);
    t.whytop(data.path(), &format!("--filter {tag}"));
    // COMMAND keeps 24 cells at 80 columns: the line's start, not its tag.
    let start = "sh -c sleep 300; : whyto";
    let s = t.wait_screen("our long command's start", |s| s.contains(start));
    assert!(!s.contains(&tail), "the tail is off screen at first:\n{s}");

    // Right, five cells a press, until the tail is in view.
    let rights = vec!["Right"; 100];
    t.keys(&rights);
    let s = t.wait_screen("the tail of the command line", |s| s.contains(&tail));
    let row = s.lines().find(|l| l.contains(&tail)).unwrap();
    assert!(row.trim_end().ends_with(&tail), "{row}");
    assert!(!s.contains("PID"), "the titles scrolled too:\n{s}");

    // Left all the way: the table as it was, titles and the command's start.
    let lefts = vec!["Left"; 100];
    t.keys(&lefts);
    t.wait_screen("the table scrolled back", |s| {
        s.contains("PID") && s.contains(start) && !s.contains(&tail)
    });
    t.keys(&["q"]);
    t.wait_screen("the prompt again", |s| s.trim_end().ends_with("READY$"));
}
