//! One line of a process's log, whatever it came from, and the pure parsers of
//! the structured sources (journalctl's JSON, macOS `log stream` ndjson).
//! Also the rules every follower shares: how long a line may be, how raw bytes
//! become a line, and what may reach a terminal.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogLine {
    /// Seconds since the epoch, when the source says.
    pub when: Option<f64>,
    pub level: Level,
    /// `stdout`, `stderr`, `journal`, `log`, or a file name.
    pub source: String,
    pub text: String,
    /// Bytes of the line past `LINE_LIMIT` that were not kept.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cut_bytes: u64,
    /// The last line of its source, not finished yet: the next line from the
    /// same source replaces it (its text starts with this one's).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The longest line kept whole; the rest is counted, not held.
pub(crate) const LINE_LIMIT: usize = 64 * 1024;

impl LogLine {
    /// A line of an unstructured source from its raw bytes (no newline) and how
    /// many bytes were cut after them. Invalid UTF-8 shows as U+FFFD. Of a
    /// partial line, a trailing `\r` and a character whose bytes have not all
    /// come yet are left out, so the finished line's text starts with its text.
    pub(crate) fn from_raw(source: &str, raw: &[u8], cut: u64, partial: bool) -> LogLine {
        let mut keep = raw.len();
        if partial || cut > 0 {
            keep -= incomplete_tail(raw);
        }
        let text = String::from_utf8_lossy(&raw[..keep]);
        let text = text.trim_end_matches('\r');
        LogLine {
            when: None,
            level: guess_level(text),
            source: source.into(),
            text: text.into(),
            cut_bytes: cut + (raw.len() - keep) as u64 * u64::from(cut > 0),
            partial,
        }
    }

    /// What follows the text of a cut line: how much was cut.
    pub(crate) fn cut_marker(&self) -> Option<String> {
        (self.cut_bytes > 0).then(|| format!("… [{} bytes cut]", self.cut_bytes))
    }

    /// Cuts `text` (say, a journal message) to `LINE_LIMIT` bytes.
    pub(crate) fn limit(mut self) -> LogLine {
        if self.text.len() > LINE_LIMIT {
            let mut end = LINE_LIMIT;
            while !self.text.is_char_boundary(end) {
                end -= 1;
            }
            self.cut_bytes += (self.text.len() - end) as u64;
            self.text.truncate(end);
        }
        self
    }
}

/// How many bytes at the end of `raw` begin a UTF-8 character that is not
/// complete yet (0 to 3).
fn incomplete_tail(raw: &[u8]) -> usize {
    let from = raw.len().saturating_sub(3);
    match raw[from..].iter().rposition(|b| b & 0xc0 != 0x80) {
        Some(i) => match std::str::from_utf8(&raw[from + i..]) {
            Err(e) if e.error_len().is_none() => raw.len() - from - i,
            _ => 0,
        },
        None => 0,
    }
}

/// Text for a terminal: control characters (which could move the cursor,
/// recolour or retitle it) become `?`; a tab stays.
pub fn for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && c != '\t';
    if text.chars().any(bad) {
        text.chars()
            .map(|c| if bad(c) { '?' } else { c })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// A level from the words of an unstructured line.
pub fn guess_level(text: &str) -> Level {
    let head: String = text
        .chars()
        .take(80)
        .collect::<String>()
        .to_ascii_lowercase();
    let has = |w: &str| head.contains(w);
    if has("error") || has("fatal") || has("panic") || has("traceback") || has("exception") {
        Level::Error
    } else if has("warn") {
        Level::Warn
    } else if has("debug") || has("trace") {
        Level::Debug
    } else if has("info") {
        Level::Info
    } else {
        Level::Unknown
    }
}

/// `journalctl -o json` (one object a line): MESSAGE, PRIORITY, __REALTIME_TIMESTAMP.
/// Anything else (a blank line, a warning from journalctl) is None.
pub fn parse_journal_json(line: &str) -> Option<LogLine> {
    let v: serde_json::Value = serde_json::from_str(line.trim()).ok()?;
    let text = match &v["MESSAGE"] {
        serde_json::Value::String(s) => s.clone(),
        // Binary messages come as arrays of bytes.
        serde_json::Value::Array(bytes) => String::from_utf8_lossy(
            &bytes
                .iter()
                .filter_map(|b| b.as_u64().map(|b| b as u8))
                .collect::<Vec<u8>>(),
        )
        .into_owned(),
        _ => return None,
    };
    let prio: Option<u8> = v["PRIORITY"].as_str().and_then(|p| p.parse().ok());
    let level = match prio {
        Some(0..=3) => Level::Error,
        Some(4) => Level::Warn,
        Some(5 | 6) => Level::Info,
        Some(7) => Level::Debug,
        _ => guess_level(&text),
    };
    let when = v["__REALTIME_TIMESTAMP"]
        .as_str()
        .and_then(|t| t.parse::<u64>().ok())
        .map(|us| us as f64 / 1e6);
    Some(
        LogLine {
            when,
            level,
            source: "journal".into(),
            text,
            cut_bytes: 0,
            partial: false,
        }
        .limit(),
    )
}

/// One entry of macOS `log show|stream --style ndjson`. Not entries: `log
/// stream`'s header line ("Filtering the log data using ..."), `log show`'s
/// closing `{"count":N,"finished":1}`, activity and signpost events; each is
/// None. Kept: the message, its level (`messageType`), the time (`timestamp`,
/// `2026-10-07 10:19:55.713745+0800`) and where it came from: `subsystem` and
/// `category` as the source (`com.example.app:network`), `log` when the
/// process logged without a subsystem.
pub fn parse_macos_ndjson(line: &str) -> Option<LogLine> {
    let v: serde_json::Value = serde_json::from_str(line.trim()).ok()?;
    if v["eventType"].as_str().is_some_and(|t| t != "logEvent") {
        return None;
    }
    let text = v["eventMessage"].as_str()?.to_string();
    let level = match v["messageType"].as_str().unwrap_or("") {
        "Error" | "Fault" => Level::Error,
        "Default" | "Info" => Level::Info,
        "Debug" => Level::Debug,
        _ => guess_level(&text),
    };
    let subsystem = v["subsystem"].as_str().unwrap_or("");
    let category = v["category"].as_str().unwrap_or("");
    let source = match (subsystem, category) {
        ("", _) => "log".to_string(),
        (s, "") => s.to_string(),
        (s, c) => format!("{s}:{c}"),
    };
    Some(
        LogLine {
            when: v["timestamp"].as_str().and_then(parse_log_timestamp),
            level,
            source,
            text,
            cut_bytes: 0,
            partial: false,
        }
        .limit(),
    )
}

/// `log`'s timestamp, `YYYY-MM-DD HH:MM:SS[.ffffff]±hhmm`, as seconds since the epoch.
pub(crate) fn parse_log_timestamp(t: &str) -> Option<f64> {
    let (date, rest) = t.trim().split_once(' ')?;
    let mut d = date.splitn(3, '-').map(|x| x.parse::<i64>().ok());
    let (y, mo, day) = (d.next()??, d.next()??, d.next()??);
    let zone_at = rest.rfind(['+', '-'])?;
    let (clock, zone) = rest.split_at(zone_at);
    let mut c = clock.splitn(3, ':');
    let h: i64 = c.next()?.parse().ok()?;
    let mi: i64 = c.next()?.parse().ok()?;
    let sec: f64 = c.next()?.parse().ok()?;
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let z = zone.get(1..)?.replace(':', "");
    if z.len() != 4 || !(1..=12).contains(&mo) || !(1..=31).contains(&day) {
        return None;
    }
    let zh: i64 = z[..2].parse().ok()?;
    let zm: i64 = z[2..].parse().ok()?;
    let days = days_from_civil(y, mo, day);
    let local = days * 86_400 + h * 3600 + mi * 60;
    Some((local - sign * (zh * 3600 + zm * 60)) as f64 + sec)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm); the crash reports' times use it too.
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_lines() {
        let l = parse_journal_json(r#"{"MESSAGE":"disk full","PRIORITY":"3","__REALTIME_TIMESTAMP":"1700000000500000","_PID":"42"}"#).unwrap();
        assert_eq!(
            (l.level, l.text.as_str(), l.when),
            (Level::Error, "disk full", Some(1_700_000_000.5))
        );
        let b = parse_journal_json(r#"{"MESSAGE":[104,105],"PRIORITY":"6"}"#).unwrap();
        assert_eq!((b.text.as_str(), b.level), ("hi", Level::Info));
        assert!(parse_journal_json("-- No entries --").is_none());
        assert!(parse_journal_json("{\"MESSAGE\":").is_none());
    }

    #[test]
    fn macos_ndjson_with_its_header() {
        let header = "Filtering the log data using \"processID == 42\"";
        assert!(parse_macos_ndjson(header).is_none());
        // Shaped as `log show --style ndjson` prints an entry (field order and
        // spelling of recorded outputs; the values are made up).
        let line = r#"{"timezoneName":"","messageType":"Error","eventType":"logEvent","source":null,"formatString":"Connection to %{public}s failed: %d","userID":501,"activityIdentifier":0,"subsystem":"com.example.sync","category":"network","threadID":1052718,"senderImageUUID":"0F483193-D206-362B-9874-0100BCCB9CBD","processImagePath":"\/usr\/local\/bin\/syncd","senderImagePath":"\/usr\/local\/bin\/syncd","timestamp":"2026-11-24 12:00:00.250000+0100","eventMessage":"Connection to db.local failed: 61","processID":42}"#;
        let l = parse_macos_ndjson(line).unwrap();
        assert_eq!(
            (l.level, l.text.as_str()),
            (Level::Error, "Connection to db.local failed: 61")
        );
        assert_eq!(l.source, "com.example.sync:network");
        // 2026-11-24 11:00:00.25 UTC
        assert_eq!(l.when, Some(1_795_518_000.25));
        let info = r#"{"eventMessage":"ok","messageType":"Default","eventType":"logEvent","subsystem":"","category":""}"#;
        let l = parse_macos_ndjson(info).unwrap();
        assert_eq!(
            (l.level, l.source.as_str(), l.when),
            (Level::Info, "log", None)
        );
        let sub_only = r#"{"eventMessage":"x","messageType":"Info","subsystem":"com.apple.xpc"}"#;
        assert_eq!(
            parse_macos_ndjson(sub_only).unwrap().source,
            "com.apple.xpc"
        );
        assert!(parse_macos_ndjson("{}").is_none());
        // log show's last line, and an activity, are not entries.
        assert!(parse_macos_ndjson(r#"{"count":3,"finished":1}"#).is_none());
        let activity =
            r#"{"eventType":"activityCreateEvent","eventMessage":"start","messageType":""}"#;
        assert!(parse_macos_ndjson(activity).is_none());
    }

    #[test]
    fn log_timestamps() {
        assert_eq!(
            parse_log_timestamp("1970-01-01 00:00:00.000000+0000"),
            Some(0.0)
        );
        assert_eq!(
            parse_log_timestamp("2026-10-06 19:32:07.096609-0500"),
            parse_log_timestamp("2026-10-07 00:32:07.096609+0000")
        );
        let t = parse_log_timestamp("2024-02-29 23:59:59+0000").unwrap();
        assert_eq!(t, 1_709_251_199.0);
        assert!(parse_log_timestamp("yesterday").is_none());
        assert!(parse_log_timestamp("2026-13-01 00:00:00+0000").is_none());
    }

    #[test]
    fn guessed_levels() {
        assert_eq!(guess_level("2026-11-24 ERROR could not bind"), Level::Error);
        assert_eq!(guess_level("WARNING: low memory"), Level::Warn);
        assert_eq!(guess_level("hello"), Level::Unknown);
    }
}
