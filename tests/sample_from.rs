//! `whytop sample --from FILE`: captures recorded by real tools (macOS sample and
//! spindump, gdb, eu-stack, py-spy, jcmd), read back anywhere.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

use std::process::Command;

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/stacks/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn sample_from(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_whytop"))
        .args(["sample", "--from"])
        .args(args)
        .output()
        .expect("run whytop sample --from")
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn each_tool_is_recognised_and_printed() {
    for (file, tool, frame) in [
        ("sample-macos.txt", "sample", "read"),
        ("spindump-heavy.txt", "spindump", "tty_read"),
        ("gdb-sleep.txt", "gdb", "__GI___clock_nanosleep"),
        ("eu-stack-sleep.txt", "eu-stack", "clock_nanosleep"),
        ("py-spy-threads.txt", "py-spy", "<module>"),
        ("jcmd-jdk17-sleep.txt", "jstack", "java.lang.Thread.sleep"),
    ] {
        let o = sample_from(&[&fixture(file)]);
        let text = stdout(&o);
        assert!(
            o.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            text.contains(&format!("stacks by {tool}")),
            "{file}: {text}"
        );
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(frame)),
            "{file}: {text}"
        );
        assert!(text.contains("\nhottest:"), "{file}");
    }
}

#[test]
fn the_macos_thread_ids_are_the_kernels() {
    // sample prints Thread_1052718, spindump Thread 0x1010ee: both thread_tid,
    // what PROC_PIDLISTTHREADIDS lists.
    let o = sample_from(&[&fixture("spindump-heavy.txt"), "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["tool"], "spindump");
    assert_eq!(v["pid"], 8123);
    assert_eq!(v["process"], "python3.11");
    assert_eq!(v["tree"]["threads"][0]["id"], 0x1010ee);
    // The leaf rules: the kernel frame tty_read says it reads its terminal.
    assert_eq!(v["waits"][0]["word"], "input");
    assert_eq!(v["waits"][0]["weak"], false);
    let text = stdout(&sample_from(&[&fixture("spindump-heavy.txt")]));
    assert!(text.contains("  waits: input (in tty_read)"), "{text}");
    let text = stdout(&sample_from(&[&fixture("gdb-bash-wait.txt")]));
    assert!(text.contains("  waits: child (in __GI___wait4)"), "{text}");
    let o = sample_from(&[&fixture("sample-macos.txt"), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["tree"]["threads"][0]["id"], 1_052_718);
}

#[test]
fn a_spindump_of_many_processes_is_listed_then_picked() {
    let one = std::fs::read_to_string(fixture("spindump-heavy.txt")).unwrap();
    let at = one.find("Process:").unwrap();
    let two = format!(
        "{one}{}",
        one[at..].replace("python3.11 [8123]", "Finder [412]")
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spindump-two.txt");
    std::fs::write(&path, two).unwrap();
    let path = path.to_str().unwrap();
    let o = sample_from(&[path]);
    let text = stdout(&o);
    assert!(o.status.success());
    assert!(text.contains("a spindump of 2 processes"), "{text}");
    assert!(text.contains("8123") && text.contains("Finder"), "{text}");
    let o = sample_from(&[path, "--pid", "412"]);
    assert!(stdout(&o).contains("(pid 412 Finder)"), "{}", stdout(&o));
    let o = sample_from(&[path, "--pid", "7"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no process 7 among its 2"));
    let o = sample_from(&[path, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["processes"][1]["pid"], 412);
}

#[test]
fn not_a_capture_and_misused_pid() {
    let o = sample_from(&[&format!("{}/Cargo.toml", env!("CARGO_MANIFEST_DIR"))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a capture whytop knows"));
    let o = sample_from(&[&fixture("gdb-sleep.txt"), "--pid", "3"]);
    assert_eq!(o.status.code(), Some(2));
    let o = sample_from(&["/nonexistent/capture.txt"]);
    assert_eq!(o.status.code(), Some(1));
}

/// A capture is a file anyone may have written: escape sequences in its thread
/// names and frames reach the terminal as `?`, never as themselves.
#[test]
fn escapes_in_a_capture_file_are_not_printed_raw() {
    let text = std::fs::read_to_string(fixture("gdb-sleep.txt")).unwrap();
    let hostile = text
        .replace("\"sleep\"", "\"sl\u{1b}]0;owned\u{7}eep\"")
        .replace("__GI___nanosleep", "__GI\u{1b}[2J___nanosleep");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.txt");
    std::fs::write(&path, hostile).unwrap();
    let o = sample_from(&[path.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("__GI?[2J___nanosleep"), "{out}");
}
