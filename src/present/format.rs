//! Text forms of numbers as htop shows them; shared by the TUI and the CLI table.

/// Bytes in htop's compact form: `812K`, `15.3M`, `2.01G`.
pub fn bytes(b: u64) -> String {
    const K: f64 = 1024.0;
    let v = b as f64;
    if v < K * 1000.0 {
        format!("{}K", (b / 1024))
    } else if v < K * K * 100.0 {
        format!("{:.1}M", v / (K * K))
    } else if v < K * K * 1000.0 {
        format!("{}M", (v / (K * K)) as u64)
    } else if v < K * K * K * 100.0 {
        format!("{:.2}G", v / (K * K * K))
    } else {
        format!("{:.0}G", v / (K * K * K))
    }
}

/// CPU time as TIME+ shows it: `m:ss.cc`, or `h:mm:ss` past an hour (`HhMM` past 100 hours).
pub(crate) fn cpu_time(ns: u64) -> String {
    let cs = ns / 10_000_000;
    let secs = cs / 100;
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if h >= 100 {
        format!("{h}h{m:02}")
    } else if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{}:{s:02}.{:02}", secs / 60, cs % 100)
    }
}

/// A span as people say it: `32 s`, `14 m`, `3 h 5 m`, `2 d 4 h`.
pub(crate) fn duration_secs(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} m", secs / 60),
        3600..86400 => format!("{} h {} m", secs / 3600, (secs / 60) % 60),
        _ => format!("{} d {} h", secs / 86400, (secs / 3600) % 24),
    }
}

/// Uptime as `3 days, 04:05:06`.
pub(crate) fn uptime(secs: u64) -> String {
    let days = secs / 86400;
    let hms = format!(
        "{:02}:{:02}:{:02}",
        (secs / 3600) % 24,
        (secs / 60) % 60,
        secs % 60
    );
    match days {
        0 => hms,
        1 => format!("1 day, {hms}"),
        d => format!("{d} days, {hms}"),
    }
}

/// A wall-clock time (seconds since the epoch) as local `YYYY-MM-DD HH:MM:SS`.
pub(crate) fn local_time(epoch_secs: f64) -> String {
    crate::platform::localtime::format(epoch_secs)
}

/// Text safe to put in a terminal cell: control characters (a newline in a comm) become `?`.
pub(crate) fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_control) {
        s.chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

/// A command line as the screen shows it: secrets taken out (as in the audit
/// log and bundles: a password on a command line is not for a shared screen)
/// and made printable.
pub(crate) fn shown_command(command: &str) -> String {
    printable(&crate::actions::redact::redact_text(command)).into_owned()
}

/// `text` in lines of at most `width` cells, broken between words; a word
/// longer than a line is cut.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    use ratatui::text::Span;
    let width = width.max(1);
    let cells = |s: &str| Span::raw(s).width();
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let sep = usize::from(!line.is_empty());
        if cells(&line) + sep + cells(word) <= width {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            if cells(&line) + cells(c.encode_utf8(&mut [0; 4])) > width {
                out.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration_secs(32), "32 s");
        assert_eq!(duration_secs(14 * 60 + 5), "14 m");
        assert_eq!(duration_secs(3 * 3600 + 5 * 60), "3 h 5 m");
        assert_eq!(duration_secs(2 * 86400 + 4 * 3600), "2 d 4 h");
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("abcdefghij x", 4), ["abcd", "efgh", "ij x"]);
        assert_eq!(wrap("", 5), [""]);
        assert!(wrap(&"word ".repeat(100), 20).iter().all(|l| l.len() <= 20));
    }

    #[test]
    fn byte_forms() {
        assert_eq!(bytes(812 * 1024), "812K");
        assert_eq!(bytes(15_990_000), "15.2M");
        assert_eq!(bytes(500 * 1024 * 1024), "500M");
        assert_eq!(bytes(3 * 1024 * 1024 * 1024), "3.00G");
    }

    #[test]
    fn time_forms() {
        assert_eq!(cpu_time(1_230_000_000), "0:01.23");
        assert_eq!(cpu_time(61_000_000_000), "1:01.00");
        assert_eq!(cpu_time(3_661_000_000_000), "1:01:01");
        assert_eq!(cpu_time(360_000_000_000_000), "100h00");
        assert_eq!(uptime(90061), "1 day, 01:01:01");
        assert_eq!(printable("a\nb"), "a?b");
    }
}
