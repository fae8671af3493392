//! What every command does alike: a bad regex is exit 2, and `ps --filter`
//! never lists the `whytop ps` that is looking.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

mod common;

use std::process::{Command, Stdio};

/// `whytop ps --filter TAG` holds TAG in its own command line, and in JSON
/// its own pid would be there too: neither lists itself, but does list a
/// process of ours that matches.
#[test]
fn ps_filter_never_lists_itself() {
    let tag = common::marker("self");
    let kid = common::tagged_sleep(&tag);
    for json in [false, true] {
        let text = common::wait_for("our sleep listed", || {
            let mut cmd = Command::new(common::bin());
            cmd.args(["ps", "--filter", &tag]);
            if json {
                cmd.arg("--json");
            }
            let out = cmd.output().unwrap();
            assert_eq!(out.status.code(), Some(0));
            let s = String::from_utf8_lossy(&out.stdout).into_owned();
            if s.contains(&format!("{tag} 300")) {
                Ok(s)
            } else {
                Err(s)
            }
        });
        let rows = text.matches(&tag).count();
        assert_eq!(rows, 1, "only the sleep, not `whytop ps` itself:\n{text}");
        assert!(text.contains(&kid.pid().to_string()));
    }
}

/// Every command that takes a regex (`re:` in ps's --filter and the TUI's -F)
/// says what is wrong with it and exits 2, before it looks at anything.
#[test]
fn a_bad_regex_is_exit_2_everywhere() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["ps", "--filter", "re:[a-"][..],
        &["ps", "--json", "--filter", "re:(x"],
        &["ps", "--tree", "--filter", "re:*"],
        &["-F", "re:[a-"],
        &["--filter", "re:(x", "-t"],
    ] {
        let out = Command::new(common::bin())
            .args(args)
            .env("XDG_CONFIG_HOME", home.path())
            .env("WHYTOP_DATA_DIR", home.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("bad regex"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}
