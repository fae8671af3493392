//! `whytop why` asks a language runtime's own tool where the main thread waits:
//! real interpreters (the test command installs a JDK and Ruby), real tools.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A JVM (or a Ruby) starts in seconds idle, many more on a loaded 2-core box.
const START: Duration = Duration::from_secs(180);

/// Waits for `path` to exist: the program writes it once it is about to wait.
fn ready(path: &Path, p: &mut common::Proc) {
    let start = Instant::now();
    while !path.exists() {
        if let Ok(Some(status)) = p.0.try_wait() {
            panic!("the program exited before it was ready: {status}");
        }
        assert!(start.elapsed() < START, "{} never appeared", path.display());
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The main thread's frames a `--json` report's runtime hint carries.
fn frames_of(rt: &serde_json::Value) -> Vec<&str> {
    rt["frames"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f.as_str())
        .collect()
}

/// `whytop why PID` (with `args`), its stdout, in a data dir of the test's own.
fn why(data: &Path, pid: i32, args: &[&str]) -> String {
    let out = Command::new(common::bin())
        .env("WHYTOP_DATA_DIR", data)
        .arg("why")
        .arg(pid.to_string())
        .args(args)
        .output()
        .expect("run whytop why");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Polls `whytop why PID` until its text has every one of `want`.
fn why_until(data: &Path, pid: i32, what: &str, want: &[&str]) -> String {
    common::wait_for(what, || {
        let t = why(data, pid, &[]);
        if want.iter().all(|w| t.contains(w)) {
            Ok(t)
        } else {
            Err(t)
        }
    })
}

/// Runs `class`'s `source` with the single-file launcher, the ready marker its
/// first argument, as user `uid` when given, and waits until it is ready.
fn java(dir: &Path, class: &str, source: &str, uid: Option<u32>) -> common::Proc {
    let file = dir.join(format!("{class}.java"));
    std::fs::write(&file, source).unwrap();
    let marker = dir.join(format!("{class}.ready"));
    let mut cmd = match uid {
        Some(uid) => {
            let mut c = Command::new("setpriv");
            c.arg(format!("--reuid={uid}"))
                .arg(format!("--regid={uid}"))
                .args(["--clear-groups", "java"])
                .env("HOME", dir);
            c
        }
        None => Command::new("java"),
    };
    cmd.args(["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"])
        .arg(&file)
        .arg(&marker);
    let mut p = common::Proc::spawn(&mut cmd);
    ready(&marker, &mut p);
    p
}

const SLEEPER: &str = "import java.nio.file.*;
public class Sleeper {
    static void nap(String ready) throws Exception {
        Files.writeString(Path.of(ready), \"ready\");
        Thread.sleep(600_000);
    }
    public static void main(String[] a) throws Exception { nap(a[0]); }
}
";

const ACCEPTOR: &str = "import java.net.*;
import java.nio.file.*;
public class Acceptor {
    public static void main(String[] a) throws Exception {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Files.writeString(Path.of(a[0]), \"ready\");
        s.accept();
    }
}
";

#[test]
fn why_asks_jcmd_where_a_sleeping_jvm_main_thread_waits() {
    let dir = tempfile::tempdir().unwrap();
    let p = java(dir.path(), "Sleeper", SLEEPER, None);
    let text = why_until(
        dir.path(),
        p.pid(),
        "jcmd's frame in Thread.sleep",
        &["jvm: waiting in java.lang.Thread.sleep"],
    );
    assert!(
        text.contains("called from Sleeper.nap(Sleeper.java:5)")
            && text.contains("thread state TIMED_WAITING (sleeping)")
            && text.contains("(jcmd)"),
        "{text}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&why(dir.path(), p.pid(), &["--json"])).unwrap();
    let rt = &report["runtime"];
    assert_eq!(rt["runtime"], "jvm", "{report}");
    assert_eq!(rt["tool"], "jcmd", "{report}");
    assert_eq!(rt["thread_state"], "TIMED_WAITING (sleeping)", "{report}");
    let frames = frames_of(rt);
    assert!(
        frames[0].starts_with("java.lang.Thread.sleep"),
        "{frames:?}"
    );
    assert!(
        frames.contains(&"Sleeper.main(Sleeper.java:7)"),
        "{frames:?}"
    );
    // (The kernel's view of the process is its launcher thread joining the
    // Java main thread: a futex. Only jcmd sees the sleep.)
    // A capture asks jcmd too, for every Java thread.
    let out = Command::new(common::bin())
        .env("WHYTOP_DATA_DIR", dir.path())
        .args(["sample", &p.pid().to_string(), "--json"])
        .output()
        .unwrap();
    let c: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(c["tool"], "jcmd", "{c}");
    let threads = c["tree"]["threads"].as_array().unwrap();
    let main = threads.iter().find(|t| t["name"] == "main").expect("main");
    assert!(
        main["frames"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["function"] == "Sleeper.nap"),
        "{main}"
    );
}

#[test]
fn why_asks_jcmd_where_a_jvm_blocked_in_accept_waits() {
    let dir = tempfile::tempdir().unwrap();
    let p = java(dir.path(), "Acceptor", ACCEPTOR, None);
    let text = why_until(
        dir.path(),
        p.pid(),
        "jcmd's frame in accept",
        &["jvm: waiting in sun.nio.ch.Net.accept"],
    );
    assert!(
        text.contains(
            "via java.net.ServerSocket.accept, called from Acceptor.main(Acceptor.java:7)"
        ),
        "{text}"
    );
}

#[test]
fn a_stopped_jvm_is_not_attached_to() {
    let dir = tempfile::tempdir().unwrap();
    let p = java(dir.path(), "Sleeper", SLEEPER, None);
    // SAFETY: kill has no memory-safety preconditions; the pid is our child.
    unsafe { libc::kill(p.pid(), libc::SIGSTOP) };
    let text = why_until(
        dir.path(),
        p.pid(),
        "the stopped JVM left alone",
        &["jvm: not asked: it is stopped"],
    );
    assert!(text.contains("why: stopped"), "{text}");
}

#[test]
fn root_reads_another_users_jvm_and_a_third_user_is_refused() {
    // The JVM runs as nobody; root's jcmd may attach, uid 65533's may not.
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    let p = java(dir.path(), "Sleeper", SLEEPER, Some(65534));
    why_until(
        dir.path(),
        p.pid(),
        "root's jcmd reading nobody's JVM",
        &["jvm: waiting in java.lang.Thread.sleep", "Sleeper.nap"],
    );
    let out = Command::new("setpriv")
        .args(["--reuid=65533", "--regid=65533", "--clear-groups"])
        .arg(common::bin())
        .args(["why", &p.pid().to_string()])
        .env("WHYTOP_DATA_DIR", dir.path())
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("jvm: attach to pid {} refused", p.pid()))
            && text.contains("a JVM answers only its own user or root"),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `source` as `name`.rb under Debian's ruby, the ready marker its first
/// argument, and waits until it is ready.
fn ruby(dir: &Path, name: &str, source: &str) -> common::Proc {
    let file = dir.join(format!("{name}.rb"));
    std::fs::write(&file, source).unwrap();
    let marker = dir.join(format!("{name}.ready"));
    let mut p = common::Proc::spawn(Command::new("ruby").arg(&file).arg(&marker));
    ready(&marker, &mut p);
    p
}

const RUBY_SLEEPER: &str = "def nap(ready)
  File.write(ready, 'ready')
  sleep 600
end
nap(ARGV[0])
";

const RUBY_ACCEPTOR: &str = "require 'socket'
def serve(ready)
  server = TCPServer.new('127.0.0.1', 0)
  File.write(ready, 'ready')
  server.accept
end
serve(ARGV[0])
";

#[test]
fn why_asks_rbspy_where_a_sleeping_ruby_waits() {
    let dir = tempfile::tempdir().unwrap();
    let p = ruby(dir.path(), "sleeper", RUBY_SLEEPER);
    let file = dir.path().join("sleeper.rb");
    let want = format!(
        "ruby: waiting in nap ({}:3): sleep 600, in a C function",
        file.display()
    );
    let text = why_until(dir.path(), p.pid(), "rbspy's frame in sleep", &[&want]);
    assert!(
        text.contains("(rbspy)") && text.contains("why: timer"),
        "{text}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&why(dir.path(), p.pid(), &["--json"])).unwrap();
    let rt = &report["runtime"];
    assert_eq!(rt["runtime"], "ruby", "{report}");
    assert_eq!(rt["tool"], "rbspy", "{report}");
    let frames = frames_of(rt);
    assert_eq!(
        frames,
        [
            "[c function]".to_string(),
            format!("nap ({}:3)", file.display()),
            format!("<main> ({}:5)", file.display())
        ],
        "{report}"
    );
}

#[test]
fn why_asks_rbspy_where_a_ruby_blocked_in_accept_waits() {
    let dir = tempfile::tempdir().unwrap();
    let p = ruby(dir.path(), "server", RUBY_ACCEPTOR);
    let want = format!(
        "ruby: waiting in serve ({}:5): server.accept, in a C function",
        dir.path().join("server.rb").display()
    );
    let text = why_until(dir.path(), p.pid(), "rbspy's frame in accept", &[&want]);
    assert!(text.contains("why: socket"), "{text}");
}

#[test]
fn a_stopped_ruby_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = ruby(dir.path(), "sleeper", RUBY_SLEEPER);
    // SAFETY: kill has no memory-safety preconditions; the pid is our child.
    unsafe { libc::kill(p.pid(), libc::SIGSTOP) };
    let text = why_until(
        dir.path(),
        p.pid(),
        "the stopped Ruby left alone",
        &["ruby: not asked: it is stopped"],
    );
    assert!(text.contains("why: stopped"), "{text}");
}
