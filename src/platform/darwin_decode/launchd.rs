//! Which launchd job owns a process, and whether killing it makes launchd
//! start it again, from the text of `launchctl list` (`PID Status Label`, the
//! caller's domain: the user's own agents, or the system's as root) and
//! `launchctl print DOMAIN/LABEL` (`key = value` lines in nested braces).
//! Pure: nothing here runs `launchctl`; not wired into the detail pane yet.

/// One row of `launchctl list`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub(crate) struct ListedJob {
    /// None for a job that is loaded but not running (`-`).
    pub pid: Option<i32>,
    /// The last exit status (negative: killed by that signal).
    pub status: Option<i32>,
    pub label: String,
}

pub(crate) fn parse_list(text: &str) -> Vec<ListedJob> {
    text.lines()
        .filter(|l| !l.starts_with("PID"))
        .filter_map(|l| {
            let mut f = l.splitn(3, '\t');
            let pid = f.next()?.trim();
            let status = f.next()?.trim();
            let label = f.next()?.trim();
            (!label.is_empty()).then(|| ListedJob {
                pid: pid.parse().ok(),
                status: status.parse().ok(),
                label: label.to_string(),
            })
        })
        .collect()
}

/// The job whose process is `pid`, if the list has one.
pub(crate) fn job_of(jobs: &[ListedJob], pid: i32) -> Option<&ListedJob> {
    jobs.iter().find(|j| j.pid == Some(pid))
}

/// What `launchctl print` says of one service.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Service {
    pub path: Option<String>,
    pub state: Option<String>,
    pub program: Option<String>,
    pub pid: Option<i32>,
    /// `properties = keepalive | runatload | ...`, split.
    pub properties: Vec<String>,
    pub last_exit: Option<String>,
}

impl Service {
    /// launchd restarts it when it exits: killing it is not stopping it.
    pub(crate) fn keep_alive(&self) -> bool {
        self.properties.iter().any(|p| p == "keepalive")
    }
}

/// The top level of one service's block (nested blocks such as `arguments`
/// and `environment` are skipped).
pub(crate) fn parse_print(text: &str) -> Service {
    let mut s = Service::default();
    let mut depth = 0usize;
    for line in text.lines() {
        let t = line.trim();
        if t.ends_with('{') {
            depth += 1;
            continue;
        }
        if t == "}" {
            depth = depth.saturating_sub(1);
            continue;
        }
        if depth != 1 {
            continue;
        }
        let Some((k, v)) = t.split_once(" = ") else {
            continue;
        };
        let v = v.trim();
        match k.trim() {
            "path" => s.path = Some(v.into()),
            "state" => s.state = Some(v.into()),
            "program" => s.program = Some(v.into()),
            "pid" => s.pid = v.parse().ok(),
            "last exit code" => s.last_exit = Some(v.into()),
            "properties" => {
                s.properties = v.split('|').map(|p| p.trim().to_string()).collect();
            }
            _ => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owning_job_from_the_list() {
        // Tab-separated, as launchctl prints it (labels made up).
        let text = "PID\tStatus\tLabel\n-\t0\tcom.apple.SafariHistoryServiceAgent\n812\t0\tcom.example.syncd\n-\t-9\tcom.example.crashy\n";
        let jobs = parse_list(text);
        assert_eq!(jobs.len(), 3);
        assert_eq!(job_of(&jobs, 812).unwrap().label, "com.example.syncd");
        assert_eq!(jobs[2].status, Some(-9));
        assert_eq!(jobs[0].pid, None);
        assert!(job_of(&jobs, 1).is_none());
    }

    #[test]
    fn a_keepalive_agent() {
        let text = "gui/501/com.example.syncd = {
\tactive count = 1
\tpath = /Users/dev/Library/LaunchAgents/com.example.syncd.plist
\ttype = LaunchAgent
\tstate = running

\tprogram = /usr/local/bin/syncd
\targuments = {
\t\t/usr/local/bin/syncd
\t\t--serve
\t}

\tenvironment = {
\t\tpid = not-this-one
\t}

\tpid = 812
\timmediate reason = speculative
\tlast exit code = (never exited)
\tproperties = keepalive | runatload | inferred program
}
";
        let s = parse_print(text);
        assert_eq!(s.pid, Some(812));
        assert_eq!(s.state.as_deref(), Some("running"));
        assert_eq!(s.program.as_deref(), Some("/usr/local/bin/syncd"));
        assert_eq!(s.last_exit.as_deref(), Some("(never exited)"));
        assert!(s.keep_alive());
        let once = parse_print(
            "system/com.example.once = {\n\tstate = not running\n\tproperties = runatload\n}\n",
        );
        assert!(!once.keep_alive());
        assert_eq!(parse_print(""), Service::default());
    }
}
