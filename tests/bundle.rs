//! `whytop snapshot`: the diagnostic bundle of a real process.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

mod common;

use std::process::Command;

#[test]
fn bundle_redacts_secrets_hashes_the_exe_and_never_overwrites() {
    let data = tempfile::tempdir().unwrap();
    let p = common::Proc::spawn(
        Command::new("sleep")
            .arg("120")
            .env("API_TOKEN", "abc123secret")
            .env("PLAIN_SETTING", "visible"),
    );
    let pid = p.pid().to_string();
    let snap = || {
        Command::new(common::bin())
            .args(["snapshot", &pid, "--json"])
            .env("WHYTOP_DATA_DIR", data.path())
            .output()
            .unwrap()
    };
    let out = common::wait_for("a bundle of the sleeping process", || {
        let out = snap();
        let b: serde_json::Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&out.stderr)))?;
        if b["why"]["reason"] == "timer" {
            Ok((out, b))
        } else {
            Err(b["why"].to_string())
        }
    });
    let (out, b) = out;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("API_TOKEN"), "the key is kept");
    assert!(!text.contains("abc123secret"), "the value is not");
    let env = b["environment"].as_array().unwrap();
    assert!(
        env.iter()
            .any(|e| e["name"] == "PLAIN_SETTING" && e["value"] == "visible")
    );
    assert_eq!(b["identity"]["pid"], p.pid());
    assert!(b["identity"]["start_time"].as_u64().unwrap() > 0);
    // The hash is the executable's.
    let exe = b["exe"]["path"].as_str().unwrap().to_string();
    let sum = Command::new("sha256sum").arg(&exe).output().unwrap();
    let expected = String::from_utf8_lossy(&sum.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert_eq!(b["exe"]["sha256"], expected);
    assert!(
        b["limits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["name"] == "Max open files")
    );
    assert_eq!(b["threads"][0]["reason"], "timer");
    assert!(
        b["parents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["pid"] == std::process::id()),
        "the test is its parent"
    );
    assert!(b["open_files"].as_array().is_some());
    // Saved where it says, and a second bundle gets a file of its own.
    let saved = String::from_utf8_lossy(&out.stderr)
        .trim()
        .strip_prefix("saved ")
        .unwrap()
        .to_string();
    let on_disk = std::fs::read_to_string(&saved).unwrap();
    assert!(!on_disk.contains("abc123secret") && on_disk.contains("API_TOKEN"));
    assert!(snap().status.success());
    let files = std::fs::read_dir(data.path().join("snapshots"))
        .unwrap()
        .count();
    assert!(files >= 2, "never overwritten: {files} files");
    // --no-redact keeps the value, when the user asks.
    let raw = Command::new(common::bin())
        .args(["snapshot", &pid, "--json", "--no-redact"])
        .env("WHYTOP_DATA_DIR", data.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&raw.stdout).contains("abc123secret"));
    // --with-stack puts the capture in the bundle.
    let with = Command::new(common::bin())
        .args(["snapshot", &pid, "--json", "--with-stack"])
        .env("WHYTOP_DATA_DIR", data.path())
        .output()
        .unwrap();
    let b: serde_json::Value = serde_json::from_slice(&with.stdout).unwrap();
    assert!(b["stack"]["tool"].is_string(), "{}", b["stack"]);
    assert!(
        b["stack"]["tree"]["threads"][0]["frames"]
            .as_array()
            .is_some_and(|f| !f.is_empty()),
        "{}",
        b["stack"]
    );
}

#[test]
fn bundle_of_a_missing_process_is_a_clear_error() {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(common::bin())
        .args(["snapshot", "2147483"])
        .env("WHYTOP_DATA_DIR", data.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such process"));
}

#[test]
fn bundle_redacts_every_secret_name_and_url_passwords() {
    let data = tempfile::tempdir().unwrap();
    let secrets = [
        ("API_KEYS", "keyvalue1"),
        ("HTTP_AUTHORIZATION", "Bearer authvalue2"),
        ("GITHUB_OAUTH", "oauthvalue3"),
        ("GPG_PASSPHRASE", "phrasevalue4"),
        ("SSHPASS", "sshvalue5"),
        ("MYSQL_PWD", "pwdvalue6"),
    ];
    // argv[0] carries a URL with a password too: command lines are redacted as well.
    let mut cmd = Command::new("bash");
    cmd.args(["-c", "exec -a 'sleep postgres://cu:cmdpw7@db/x' sleep 120"])
        .env("DATABASE_URL", "postgres://u:urlpw8@h/db")
        .env("KEYBOARD_LAYOUT", "dvorak");
    for (k, v) in secrets {
        cmd.env(k, v);
    }
    let p = common::Proc::spawn(&mut cmd);
    let pid = p.pid().to_string();
    let (text, b) = common::wait_for("a bundle of the exec'd sleep", || {
        let out = Command::new(common::bin())
            .args(["snapshot", &pid, "--json"])
            .env("WHYTOP_DATA_DIR", data.path())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let b: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&out.stderr)))?;
        // Exec'd all the way: just after the new name is set, the new
        // arguments are not yet readable.
        if b["comm"] == "sleep"
            && b["command"]
                .as_str()
                .is_some_and(|c| c.contains("postgres"))
        {
            Ok((text, b))
        } else {
            Err(format!("{} {}", b["comm"], b["command"]))
        }
    });
    let env = b["environment"].as_array().unwrap();
    let value = |name: &str| {
        env.iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("{name} is kept"))["value"]
            .clone()
    };
    for (k, v) in secrets {
        assert_eq!(value(k), "<redacted>", "{k}");
        assert!(!text.contains(v), "{k}'s value leaked");
    }
    assert_eq!(value("DATABASE_URL"), "postgres://u:<redacted>@h/db");
    assert_eq!(value("KEYBOARD_LAYOUT"), "dvorak", "not a secret");
    assert!(
        !text.contains("urlpw8") && !text.contains("cmdpw7"),
        "{text}"
    );
    assert!(
        b["command"]
            .as_str()
            .unwrap()
            .contains("postgres://cu:<redacted>@db/x"),
        "{}",
        b["command"]
    );
}
