//! The macOS unified log through `/usr/bin/log`: `log show` for the backlog
//! (and the whole answer without `--follow`), `log stream` to follow. Both at
//! `--info` level (Info and Default; Debug stays out), one ndjson entry a line.
//! The commands and what their failures mean are pure, so they are tested here.

/// How far back `log show` looks: the process's age, at most an hour, in
/// whole minutes (`--last Nm`), at least one. A longer window makes `log`
/// scan more of the store for a backlog the pane cuts to its last lines anyway.
pub(crate) fn backlog_minutes(age_secs: u64) -> u64 {
    age_secs.min(3600).div_ceil(60).max(1)
}

fn predicate(pid: i32) -> String {
    format!("processID == {pid}")
}

/// `log show`: what the process logged in the last `minutes`, then it exits.
pub(crate) fn show_args(pid: i32, minutes: u64) -> Vec<String> {
    [
        "show",
        "--last",
        &format!("{minutes}m"),
        "--info",
        "--style",
        "ndjson",
        "--predicate",
        &predicate(pid),
    ]
    .map(String::from)
    .to_vec()
}

/// `log stream`: new entries as they come; its first line is a header.
pub(crate) fn stream_args(pid: i32) -> Vec<String> {
    [
        "stream",
        "--level",
        "info",
        "--style",
        "ndjson",
        "--predicate",
        &predicate(pid),
    ]
    .map(String::from)
    .to_vec()
}

/// What to tell the user when `log` exits with `code` and wrote `stderr`;
/// None for a clean exit.
pub(crate) fn explain_failure(code: Option<i32>, stderr: &str) -> Option<String> {
    let said = stderr.trim();
    let said = said.strip_prefix("log: ").unwrap_or(said);
    match code {
        Some(0) => None,
        // `log: Must be admin to run 'stream' command`, exit 77 (EX_NOPERM).
        Some(77) => Some(format!(
            "{}. Following the unified log live needs an administrator: run whytop from an admin account (or with sudo); the backlog (`log show`) does not need it",
            if said.is_empty() {
                "permission denied"
            } else {
                said
            }
        )),
        Some(c) if said.is_empty() => Some(format!("exited with status {c}")),
        Some(c) => Some(format!("exited with status {c}: {said}")),
        None => Some("killed by a signal".into()),
    }
}

/// How old a process is, from its macOS start stamp (`ProcKey::start_time`:
/// microseconds since the epoch) and the time now.
pub(crate) fn age_secs(start_micros: u64, now: std::time::SystemTime) -> u64 {
    let now_us = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64);
    now_us.saturating_sub(start_micros) / 1_000_000
}

/// Keeps the newest `n` of a backlog as it streams in: memory stays at `n` lines.
pub(crate) fn push_capped<T>(lines: &mut std::collections::VecDeque<T>, item: T, n: usize) {
    if n == 0 {
        return;
    }
    if lines.len() == n {
        lines.pop_front();
    }
    lines.push_back(item);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_of_log_show() {
        assert_eq!(backlog_minutes(0), 1);
        assert_eq!(backlog_minutes(59), 1);
        assert_eq!(backlog_minutes(61), 2);
        assert_eq!(backlog_minutes(86_400), 60);
    }

    #[test]
    fn commands() {
        assert_eq!(
            show_args(42, 5).join(" "),
            "show --last 5m --info --style ndjson --predicate processID == 42"
        );
        assert_eq!(
            stream_args(42).join(" "),
            "stream --level info --style ndjson --predicate processID == 42"
        );
    }

    #[test]
    fn admin_refusal_says_what_to_do() {
        let e = explain_failure(Some(77), "log: Must be admin to run 'stream' command\n").unwrap();
        assert!(e.contains("Must be admin to run 'stream' command"), "{e}");
        assert!(e.contains("admin account") && e.contains("sudo"), "{e}");
        assert_eq!(explain_failure(Some(0), ""), None);
        assert_eq!(
            explain_failure(Some(64), "log: invalid predicate\n").unwrap(),
            "exited with status 64: invalid predicate"
        );
        assert!(explain_failure(None, "").unwrap().contains("signal"));
    }

    #[test]
    fn backlog_keeps_the_newest() {
        let mut q = std::collections::VecDeque::new();
        for i in 1..=10 {
            push_capped(&mut q, i, 3);
        }
        assert_eq!(q, [8, 9, 10]);
        let mut none = std::collections::VecDeque::new();
        push_capped(&mut none, 1, 0);
        assert!(none.is_empty());
    }

    #[test]
    fn ages() {
        let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_100);
        assert_eq!(age_secs(1_700_000_000_500_000, now), 99);
        assert_eq!(age_secs(u64::MAX, now), 0);
    }
}
