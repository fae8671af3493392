//! `pmset -g assertions`: which processes hold power assertions (keeping the
//! Mac or its display awake), parsed from the tool's text. Only the "Listed by
//! owning process:" section counts: the system-wide lines above it are flags
//! (`powerd` alone sets `PreventUserIdleSystemSleep` while the display is on).

/// One assertion a process holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Assertion {
    pub pid: i32,
    /// The owner's name as pmset prints it (`caffeinate`, `coreaudiod`).
    pub process: String,
    /// `PreventUserIdleSystemSleep`, `PreventUserIdleDisplaySleep`,
    /// `PreventSystemSleep`, `UserIsActive`, `BackgroundTask`, ...
    pub kind: String,
    /// What the owner called it (`named: "..."`).
    pub name: String,
    /// How long it has been held (`HH:MM:SS`), when printed.
    pub held_secs: Option<u64>,
    /// `Created for PID: N.`: held by a daemon on behalf of another process.
    pub created_for: Option<i32>,
    /// The indented lines under it (`Details: ...`, `Timeout will fire in ...`).
    pub details: Vec<String>,
}

impl Assertion {
    /// Keeps the whole Mac awake (not only the display).
    pub(crate) fn prevents_sleep(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "PreventUserIdleSystemSleep" | "PreventSystemSleep" | "PreventUserIdleSleep"
        )
    }
}

/// Every assertion listed by owning process.
pub(crate) fn parse_assertions(text: &str) -> Vec<Assertion> {
    let mut out: Vec<Assertion> = Vec::new();
    let mut listed = false;
    for line in text.lines() {
        let t = line.trim();
        if line.starts_with("Listed by owning process:") {
            listed = true;
            continue;
        }
        if !listed || t.is_empty() {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            // "Kernel Assertions:", "Idle sleep preventers:": the section is over.
            listed = false;
            continue;
        }
        if let Some(a) = t.strip_prefix("pid ").and_then(assertion_line) {
            out.push(a);
        } else if let Some(last) = out.last_mut() {
            if let Some(p) = t.strip_prefix("Created for PID:") {
                last.created_for = p.trim().trim_end_matches('.').parse().ok();
            } else if let Some(p) = on_behalf_of(t) {
                // caffeinate -w / `caffeinate make`: held for the process it names.
                last.created_for = Some(p);
            }
            last.details.push(t.to_string());
        }
    }
    out
}

/// `72128(caffeinate): [0x0001d5c70001a60e] 00:03:59 PreventUserIdleSystemSleep named: "x"`.
fn assertion_line(rest: &str) -> Option<Assertion> {
    let (pid, rest) = rest.split_once('(')?;
    let (process, rest) = rest.split_once("): ")?;
    let mut rest = rest.trim_start();
    if rest.starts_with('[') {
        rest = rest.split_once(']')?.1.trim_start();
    }
    let (head, name) = match rest.split_once(" named: ") {
        Some((h, n)) => (h, n.trim().trim_matches('"').to_string()),
        None => (rest, String::new()),
    };
    let mut words = head.split_whitespace();
    let mut first = words.next()?;
    let held_secs = hms(first);
    if held_secs.is_some() {
        first = words.next()?;
    }
    Some(Assertion {
        pid: pid.trim().parse().ok()?,
        process: process.to_string(),
        kind: first.to_string(),
        name,
        held_secs,
        created_for: None,
        details: Vec::new(),
    })
}

/// `Details: caffeinate asserting on behalf of 'make' (pid 8120)`: 8120.
fn on_behalf_of(line: &str) -> Option<i32> {
    let rest = line.strip_prefix("Details:")?;
    let (_, tail) = rest.split_once(" on behalf of ")?;
    let (_, pid) = tail.rsplit_once("(pid ")?;
    pid.trim_end_matches(')').trim().parse().ok()
}

fn hms(s: &str) -> Option<u64> {
    let mut parts = s.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, sec) = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(h * 3600 + m * 60 + sec)
}

/// The assertions `pid` holds itself or has a daemon hold for it.
pub(crate) fn held_by(all: &[Assertion], pid: i32) -> Vec<&Assertion> {
    all.iter()
        .filter(|a| a.pid == pid || a.created_for == Some(pid))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Laid out as `pmset -g assertions` prints on macOS 14 and later (the
    /// shape of recorded outputs; pids, ids and names made up here).
    const OUTPUT: &str = "2026-11-24 12:40:02 +0100
Assertion status system-wide:
   BackgroundTask                 0
   ApplePushServiceTask           0
   UserIsActive                   1
   PreventUserIdleDisplaySleep    1
   PreventSystemSleep             0
   ExternalMedia                  0
   PreventUserIdleSystemSleep     1
   NetworkClientActive            0
Listed by owning process:
   pid 8123(caffeinate): [0x0001d5c70001a60e] 00:03:59 PreventUserIdleSystemSleep named: \"caffeinate command-line tool\"
\tDetails: caffeinate asserting on behalf of 'make' (pid 8120)
\tLocalized=THE CAFFEINATE TOOL IS PREVENTING SLEEP.
\tTimeout will fire in 61 secs Action=TimeoutActionRelease
   pid 406(coreaudiod): [0x0003687300018c04] 00:28:03 PreventUserIdleSystemSleep named: \"com.apple.audio.context.preventuseridlesleep\"
\tCreated for PID: 821.
\tResources: audio-in audio-out BuiltInMicrophoneDevice
   pid 821(zoom.us): [0x0003686100058b93] 00:28:20 PreventUserIdleDisplaySleep named: \"Meeting in progress\"
   pid 334(powerd): [0x0003649400018a58] 00:44:34 PreventUserIdleSystemSleep named: \"Powerd - Prevent sleep while display is on\"
Kernel Assertions: 0x4=USB
   id=500  level=255 0x4=USB mod=24/11/2026, 11:58 description=com.apple.usb.externaldevice.14100000 owner=AppleUSBXHCI
Idle sleep preventers: IODisplayWrangler
";

    #[test]
    fn assertions_by_owning_process() {
        let all = parse_assertions(OUTPUT);
        assert_eq!(
            all.iter()
                .map(|a| (a.pid, a.process.as_str()))
                .collect::<Vec<_>>(),
            [
                (8123, "caffeinate"),
                (406, "coreaudiod"),
                (821, "zoom.us"),
                (334, "powerd")
            ]
        );
        let c = &all[0];
        assert_eq!(c.kind, "PreventUserIdleSystemSleep");
        assert_eq!(c.name, "caffeinate command-line tool");
        assert_eq!(c.held_secs, Some(239));
        assert_eq!(c.details.len(), 3);
        assert!(c.prevents_sleep());
        assert_eq!(all[1].created_for, Some(821));
        assert!(!all[2].prevents_sleep());
        // zoom holds one itself and has coreaudiod hold another for it.
        let z = held_by(&all, 821);
        assert_eq!(z.len(), 2);
        assert!(z.iter().any(|a| a.prevents_sleep()));
        // The kernel's own assertions are not a process's.
        assert!(held_by(&all, 500).is_empty());
    }

    #[test]
    fn none_listed_and_odd_lines() {
        assert!(parse_assertions("Assertion status system-wide:\n   UserIsActive 1\n").is_empty());
        let bare =
            "Listed by owning process:\n  pid 42(x): [0x1] PreventSystemSleep named: \"y\"\n";
        let a = parse_assertions(bare);
        assert_eq!(
            (a[0].pid, a[0].held_secs, a[0].kind.as_str()),
            (42, None, "PreventSystemSleep")
        );
        assert!(parse_assertions("Listed by owning process:\n   pid x(y\n").is_empty());
    }
}
