//! A HotSpot thread dump: `jcmd PID Thread.print` or `jstack PID` (one format).
//!
//! ```text
//! "main" #1 prio=5 os_prio=0 cpu=677.01ms elapsed=12.35s tid=0x.. nid=0x313b waiting on condition  [0x..]
//!    java.lang.Thread.State: TIMED_WAITING (sleeping)
//!     at java.lang.Thread.sleep(java.base@17.0.15/Native Method)
//!     - waiting on <0x000000069e13beb8> (a java.lang.Object)
//!     at Sleeper.main(Sleeper.java:7)
//! ```

use crate::model::callstack::{CallTree, Frame, ThreadStack};

/// One Java thread of the dump.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JavaThread {
    pub name: String,
    /// The kernel's thread id (`nid`, hex before JDK 19, decimal after).
    pub nid: Option<i64>,
    /// `TIMED_WAITING (sleeping)`, from the `java.lang.Thread.State:` line.
    pub state: Option<String>,
    /// Innermost first.
    pub frames: Vec<JavaFrame>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct JavaFrame {
    /// `java.lang.Thread.sleep`
    pub method: String,
    /// As printed: `java.base@17.0.15/Native Method`, `Sleeper.java:7`.
    pub location: String,
    /// What this frame waits for, from a `- waiting on`, `- waiting to lock` or
    /// `- parking to wait for` line under it: `waiting on <0x..> (a java.lang.Object)`.
    pub waits_for: Option<String>,
}

impl JavaFrame {
    /// `java.lang.Thread.sleep(Native Method)`: the location without its class
    /// loader and `module@version/` prefix.
    pub fn short(&self) -> String {
        let loc = self.location.rsplit('/').next().unwrap_or(&self.location);
        format!("{}({loc})", self.method)
    }

    /// Whether the JDK itself, not the program, runs this frame.
    pub(crate) fn is_jdk(&self) -> bool {
        ["java.", "javax.", "jdk.", "sun.", "com.sun."]
            .iter()
            .any(|p| self.method.starts_with(p))
    }
}

/// The threads of a dump, in its order. Lines that are not part of a thread
/// (the header, SMR info, JNI refs) are skipped.
pub fn threads(text: &str) -> Vec<JavaThread> {
    let mut out: Vec<JavaThread> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            open = false;
            continue;
        }
        if let Some(rest) = line.strip_prefix('"') {
            // The name ends at the last quote: a name may hold quotes, the rest never does.
            let Some(end) = rest.rfind('"') else {
                continue;
            };
            out.push(JavaThread {
                name: rest[..end].to_string(),
                nid: nid(&rest[end..]),
                ..Default::default()
            });
            open = true;
            continue;
        }
        let Some(t) = out.last_mut().filter(|_| open) else {
            continue;
        };
        let body = line.trim();
        if let Some(state) = body.strip_prefix("java.lang.Thread.State:") {
            t.state = Some(state.trim().to_string());
        } else if let Some(frame) = body.strip_prefix("at ") {
            if let Some((method, loc)) = frame.split_once('(') {
                t.frames.push(JavaFrame {
                    method: method.to_string(),
                    location: loc.strip_suffix(')').unwrap_or(loc).to_string(),
                    waits_for: None,
                });
            }
        } else if let Some(lock) = body.strip_prefix("- ") {
            let waits = ["waiting on ", "waiting to lock ", "parking to wait for "]
                .iter()
                .any(|p| lock.starts_with(p));
            if let (true, Some(f)) = (waits, t.frames.last_mut()) {
                // One space: jstack pads `parking to wait for  <0x..>`.
                f.waits_for = Some(lock.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
    }
    out
}

/// `nid=0x313b` or `nid=15231` in the rest of a thread's header.
fn nid(header: &str) -> Option<i64> {
    let v = header
        .split_whitespace()
        .find_map(|w| w.strip_prefix("nid="))?;
    match v.strip_prefix("0x") {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => v.parse().ok(),
    }
}

/// The dump as a call tree (for captures).
pub fn parse(text: &str) -> CallTree {
    CallTree {
        threads: threads(text)
            .into_iter()
            .map(|t| ThreadStack {
                id: t.nid,
                name: Some(t.name),
                frames: t
                    .frames
                    .into_iter()
                    .map(|f| Frame {
                        function: f.method,
                        location: Some(f.location),
                        count: None,
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Recorded from real JVMs here (OpenJDK 17.0.15 and Temurin 25.0.3), programs
    // started with `java File.java`: hence the source launcher's frames.
    const SLEEP17: &str = include_str!("../../../tests/fixtures/stacks/jcmd-jdk17-sleep.txt");
    const SLEEP25: &str = include_str!("../../../tests/fixtures/stacks/jcmd-jdk25-sleep.txt");
    const WAIT17: &str = include_str!("../../../tests/fixtures/stacks/jcmd-jdk17-object-wait.txt");
    const JSTACK17: &str = include_str!("../../../tests/fixtures/stacks/jstack-jdk17-sleep.txt");

    fn main_of(text: &str) -> JavaThread {
        threads(text)
            .into_iter()
            .find(|t| t.name == "main")
            .expect("a main thread")
    }

    #[test]
    fn main_thread_of_jdk17_and_jdk25() {
        let m = main_of(SLEEP17);
        assert_eq!(m.nid, Some(0x313b));
        assert_eq!(m.state.as_deref(), Some("TIMED_WAITING (sleeping)"));
        assert_eq!(m.frames[0].method, "java.lang.Thread.sleep");
        assert_eq!(m.frames[0].location, "java.base@17.0.15/Native Method");
        assert_eq!(m.frames[0].short(), "java.lang.Thread.sleep(Native Method)");
        assert_eq!(m.frames[1].short(), "Sleeper.waitHere(Sleeper.java:5)");
        assert!(m.frames[0].is_jdk() && !m.frames[1].is_jdk());

        let m = main_of(SLEEP25);
        assert_eq!(m.nid, Some(15231), "decimal nid since JDK 19");
        assert_eq!(m.frames[0].method, "java.lang.Thread.sleepNanos0");
        assert_eq!(m.frames[3].method, "Sleeper.waitHere");
        assert_eq!(main_of(JSTACK17).state, m.state);
    }

    #[test]
    fn every_thread_and_what_it_waits_for() {
        let all = threads(SLEEP17);
        assert!(all.len() > 10, "{all:?}");
        assert!(all.iter().any(|t| t.name == "Reference Handler"));
        // Threads with no Java frames (GC, compiler) have a header only.
        assert!(
            all.iter()
                .any(|t| t.name == "GC Thread#0" && t.frames.is_empty())
        );
        let m = main_of(WAIT17);
        assert_eq!(m.state.as_deref(), Some("WAITING (on object monitor)"));
        assert_eq!(
            m.frames[0].waits_for.as_deref(),
            Some("waiting on <0x000000069e13beb8> (a java.lang.Object)")
        );
        // `- locked` is what it holds, not what it waits for.
        assert_eq!(m.frames[2].method, "Waiter.main");
        assert_eq!(m.frames[2].waits_for, None);
    }

    #[test]
    fn call_tree_and_malformed_input() {
        let t = parse(SLEEP17);
        assert_eq!(t.threads[0].name.as_deref(), Some("main"));
        assert_eq!(t.threads[0].frames[0].function, "java.lang.Thread.sleep");
        assert!(threads("\tat orphan.frame(X.java:1)\n").is_empty());
        assert!(threads("\"unterminated\n").is_empty());
        super::super::fuzz::no_panics(SLEEP17, parse);
    }
}
