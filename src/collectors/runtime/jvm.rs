//! The JVM: `jcmd PID Thread.print` (or `jstack PID`) names the frame the
//! thread called "main" waits in, and its Java thread state.
//!
//! Both attach through the JVM's attach listener, which answers only its own
//! user or root (measured with OpenJDK 17: root reads another user's JVM; a
//! user reading root's is refused), so a refusal is said plainly.

use super::{RuntimeHandler, RuntimeHint, program_name};
use crate::model::ProcSample;
use crate::platform::external::{RunError, run};
use crate::platform::stackfmt::jstack::{self, JavaThread};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

pub(crate) struct Jvm;

/// jcmd is a JVM itself: about a second to start on an idle 2-core machine,
/// several under load, plus the target's time to start its attach listener.
const MIN_TIMEOUT: Duration = Duration::from_secs(10);

/// What jcmd's own start needs beside the attach: a JVM's start.
const TOOL_START: Duration = Duration::from_secs(3);

/// The tool's own JVM: quick to start, small, and without an hsperfdata file
/// (which would list it in `jps`).
const TOOL_JVM: [&str; 3] = [
    "-J-XX:+UseSerialGC",
    "-J-XX:TieredStopAtLevel=1",
    "-J-XX:-UsePerfData",
];

#[derive(Debug, PartialEq, thiserror::Error)]
pub(crate) enum JvmProbeError {
    #[error(
        "jcmd is not installed (it comes with a JDK: apt-get install openjdk-17-jdk-headless): kernel evidence only"
    )]
    NotInstalled,
    #[error("attach to pid {pid} refused: {why}")]
    Refused { pid: i32, why: String },
    #[error("{tool} could not read pid {pid}: {why}")]
    Failed {
        tool: &'static str,
        pid: i32,
        why: String,
    },
    #[error("{tool}: no thread dump from pid {pid} within {secs}s")]
    TimedOut {
        tool: &'static str,
        pid: i32,
        secs: u64,
    },
    #[error("no thread named \"main\" in the thread dump of pid {pid}")]
    NoMainThread { pid: i32 },
}

impl RuntimeHandler for Jvm {
    fn name(&self) -> &'static str {
        "jvm"
    }

    fn tool(&self) -> &'static str {
        "jcmd"
    }

    /// The `java` launcher (its main thread, and so the process, is named
    /// `java`). Reading maps for libjvm would also find embedded JVMs, but a
    /// JVM's maps are some 16 KB read on every check.
    fn applies(&self, p: &ProcSample) -> bool {
        &*p.comm == "java" || program_name(p) == Some("java")
    }

    fn min_timeout(&self) -> Duration {
        MIN_TIMEOUT
    }

    fn probe(&self, pid: i32, timeout: Duration) -> RuntimeHint {
        let mut hint = RuntimeHint {
            runtime: "jvm".into(),
            tool: "jcmd".into(),
            ..Default::default()
        };
        let main = thread_dump(pid, timeout).and_then(|(tool, text)| {
            hint.tool = tool.into();
            main_thread(pid, &text)
        });
        match main {
            Ok(t) => {
                hint.waiting_in = waiting_in(&t);
                hint.thread_state = t.state;
                hint.frames = t
                    .frames
                    .iter()
                    .map(|f| format!("{}({})", f.method, f.location))
                    .collect();
            }
            Err(e) => hint.note = Some(e.to_string()),
        }
        hint
    }
}

/// The dump and the tool that gave it: jcmd, else jstack, each first from the
/// target's own JDK (beside its `java`: the same version), then from PATH.
fn thread_dump(pid: i32, timeout: Duration) -> Result<(&'static str, String), JvmProbeError> {
    let jdk_bin = crate::platform::exe_path(pid).and_then(|e| e.parent().map(PathBuf::from));
    // jcmd gives up on a silent JVM by itself, with its reason, before we would.
    let attach_ms = timeout.saturating_sub(TOOL_START).as_millis().max(1000);
    for tool in ["jcmd", "jstack"] {
        let beside = jdk_bin.iter().map(|d| d.join(tool)).filter(|p| p.is_file());
        for path in beside.chain([PathBuf::from(tool)]) {
            let mut cmd = Command::new(&path);
            cmd.args(TOOL_JVM)
                .arg(format!("-J-Dsun.tools.attach.attachTimeout={attach_ms}"))
                .arg(pid.to_string());
            if tool == "jcmd" {
                cmd.arg("Thread.print");
            }
            match run(cmd, timeout) {
                Ok(text) => return Ok((tool, text)),
                Err(RunError::NotInstalled(_)) => continue,
                Err(RunError::TimedOut(d)) => {
                    return Err(JvmProbeError::TimedOut {
                        tool,
                        pid,
                        secs: d.as_secs(),
                    });
                }
                Err(RunError::Failed(why)) => {
                    // `run` names the program, here a path: keep the tool's words.
                    let prefix = format!("{}: ", path.display());
                    return Err(failure(
                        tool,
                        pid,
                        why.strip_prefix(&prefix).unwrap_or(&why),
                    ));
                }
                Err(e) => {
                    return Err(JvmProbeError::Failed {
                        tool,
                        pid,
                        why: e.to_string(),
                    });
                }
            }
        }
    }
    Err(JvmProbeError::NotInstalled)
}

/// What a JDK tool's error line means. The line is a Java exception:
/// `java.io.IOException: Operation not permitted`.
fn failure(tool: &'static str, pid: i32, line: &str) -> JvmProbeError {
    let (class, msg) = match line.split_once(": ") {
        Some((c, m)) if !c.contains(' ') && (c.ends_with("Exception") || c.ends_with("Error")) => {
            (c, m.trim())
        }
        _ => ("", line.trim()),
    };
    if msg == "No such process" {
        return JvmProbeError::Failed {
            tool,
            pid,
            why: "it has exited".into(),
        };
    }
    let permission = ["Operation not permitted", "Permission denied", "owned by"]
        .iter()
        .any(|p| msg.contains(p));
    if permission {
        return JvmProbeError::Refused {
            pid,
            why: format!("{msg} (a JVM answers only its own user or root)"),
        };
    }
    if class.ends_with("AttachNotSupportedException") {
        return JvmProbeError::Refused {
            pid,
            why: msg.to_string(),
        };
    }
    JvmProbeError::Failed {
        tool,
        pid,
        why: line.trim().to_string(),
    }
}

/// The thread named "main" in `dump`.
fn main_thread(pid: i32, dump: &str) -> Result<JavaThread, JvmProbeError> {
    jstack::threads(dump)
        .into_iter()
        .find(|t| t.name == "main")
        .ok_or(JvmProbeError::NoMainThread { pid })
}

/// The innermost frame with what it waits for, the JDK method the program
/// called to get there when that is another, and the program's own frame that
/// called it: `sun.nio.ch.Net.accept(Native Method) via
/// java.net.ServerSocket.accept, called from Acceptor.main(Acceptor.java:7)`.
fn waiting_in(t: &JavaThread) -> Option<String> {
    let first = t.frames.first()?;
    let mut s = first.short();
    if let Some(w) = &first.waits_for {
        s = format!("{s} {w}");
    }
    if let Some(i) = t.frames.iter().position(|f| !f.is_jdk()).filter(|i| *i > 0) {
        let called = &t.frames[i - 1];
        if called.method != first.method {
            s = format!("{s} via {}", called.method);
        }
        s = format!("{s}, called from {}", t.frames[i].short());
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::runtime::tests::sample;
    use crate::model::ProcState;

    use crate::model::testutil::stack_fixture as fixture;

    fn waits(name: &str) -> (String, Option<String>) {
        let t = main_thread(1, &fixture(name)).unwrap();
        (waiting_in(&t).unwrap(), t.state)
    }

    #[test]
    fn where_the_main_thread_waits_in_recorded_dumps() {
        assert_eq!(
            waits("jcmd-jdk17-sleep.txt"),
            (
                "java.lang.Thread.sleep(Native Method), called from Sleeper.waitHere(Sleeper.java:5)"
                    .into(),
                Some("TIMED_WAITING (sleeping)".into())
            )
        );
        assert_eq!(
            waits("jcmd-jdk25-sleep.txt").0,
            "java.lang.Thread.sleepNanos0(Native Method) via java.lang.Thread.sleep, called from Sleeper.waitHere(Sleeper.java:5)"
        );
        assert_eq!(
            waits("jcmd-jdk17-accept.txt"),
            (
                "sun.nio.ch.Net.accept(Native Method) via java.net.ServerSocket.accept, called from Acceptor.main(Acceptor.java:7)"
                    .into(),
                Some("RUNNABLE".into())
            )
        );
        assert_eq!(
            waits("jcmd-jdk17-object-wait.txt"),
            (
                "java.lang.Object.wait(Native Method) waiting on <0x000000069e13beb8> (a java.lang.Object), called from Waiter.main(Waiter.java:5)"
                    .into(),
                Some("WAITING (on object monitor)".into())
            )
        );
        assert_eq!(
            waits("jcmd-jdk17-stdin-read.txt").0,
            "java.io.FileInputStream.readBytes(Native Method) via java.io.BufferedInputStream.read, called from Reader.main(Reader.java:4)"
        );
        assert_eq!(
            waits("jstack-jdk17-sleep.txt").0,
            waits("jcmd-jdk17-sleep.txt").0
        );
    }

    #[test]
    fn no_main_thread_is_an_error_naming_the_pid() {
        assert_eq!(
            main_thread(7, "7:\nsomething else\n")
                .unwrap_err()
                .to_string(),
            "no thread named \"main\" in the thread dump of pid 7"
        );
    }

    /// The first line `run` keeps of each recorded stderr (see `error_line`).
    fn first_line(name: &str) -> String {
        crate::platform::external::error_line(&fixture(name)).unwrap()
    }

    #[test]
    fn recorded_failures_say_why() {
        let refused = |name| failure("jcmd", 9, &first_line(name)).to_string();
        assert_eq!(
            refused("jcmd-attach-disabled.stderr.txt"),
            "attach to pid 9 refused: The VM does not support the attach mechanism"
        );
        assert_eq!(
            refused("jcmd-not-permitted.stderr.txt"),
            "attach to pid 9 refused: Operation not permitted (a JVM answers only its own user or root)"
        );
        assert!(refused("jcmd-other-user.stderr.txt").starts_with(
            "attach to pid 9 refused: well-known file /tmp/.java_pid12602 is not secure"
        ));
        assert_eq!(
            refused("jcmd-no-such-process.stderr.txt"),
            "jcmd could not read pid 9: it has exited"
        );
        assert!(
            refused("jcmd-not-a-jvm.stderr.txt").contains("HotSpot VM not loaded"),
            "{}",
            refused("jcmd-not-a-jvm.stderr.txt")
        );
        assert_eq!(
            failure("jstack", 9, "something odd").to_string(),
            "jstack could not read pid 9: something odd"
        );
    }

    #[test]
    fn recognised_by_the_java_launcher() {
        let s = ProcState::Sleeping;
        assert!(Jvm.applies(&sample("java", "java -jar app.jar", s)));
        assert!(Jvm.applies(&sample(
            "main",
            "/usr/lib/jvm/java-17-openjdk-amd64/bin/java Sleeper",
            s
        )));
        assert!(!Jvm.applies(&sample("javac", "javac A.java", s)));
        assert!(!Jvm.applies(&sample("python3", "python3 java", s)));
    }
}
