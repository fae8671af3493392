//! macOS crash reports, as ReportCrash writes them to
//! `~/Library/Logs/DiagnosticReports`: the `.ips` form (macOS 12 on: a
//! one-line JSON header, then a JSON body) and the key lines of the older
//! `.crash` text. Which process (pid, name, path), when, and the exception.

use crate::model::Pid;
use crate::platform::decode_error::DecodeError;
use serde_json::Value;

/// What one crash report says of the process that crashed.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct CrashReport {
    pub pid: Pid,
    pub name: String,
    pub path: Option<String>,
    /// When the crash was captured, seconds since the Unix epoch.
    pub at: f64,
    /// The Mach exception (`EXC_BAD_ACCESS`) and the signal it became (`SIGSEGV`).
    pub exception: Option<String>,
    pub signal: Option<String>,
    /// The signal's number when the report says it (`termination.code` in the
    /// `SIGNAL` namespace; the `.crash` form's `Code 11`).
    pub signal_number: Option<i32>,
}

impl CrashReport {
    /// `EXC_BAD_ACCESS (SIGSEGV)`, as the report's own "Exception Type" line.
    pub(crate) fn exception_words(&self) -> String {
        match (&self.exception, &self.signal) {
            (Some(e), Some(s)) => format!("{e} ({s})"),
            (Some(e), None) => e.clone(),
            (None, Some(s)) => s.clone(),
            (None, None) => "an unknown exception".into(),
        }
    }
}

/// A report by its file name: `.ips` is JSON, anything else the text form.
pub(crate) fn parse(file_name: &str, text: &str) -> Result<CrashReport, DecodeError> {
    if file_name.ends_with(".ips") {
        parse_ips(text)
    } else {
        parse_crash_text(text)
    }
}

/// The `.ips` form. Other reports share the suffix (hangs, stackshots, jetsam
/// events: another `bug_type`, no `pid` in the body); they are refused.
pub(crate) fn parse_ips(text: &str) -> Result<CrashReport, DecodeError> {
    let (header, body) = text
        .split_once('\n')
        .ok_or(DecodeError::Missing("body after the header line"))?;
    let header: Value = serde_json::from_str(header).map_err(|e| DecodeError::NotJson {
        what: "header line",
        why: e.to_string(),
    })?;
    let body: Value = serde_json::from_str(body).map_err(|e| DecodeError::NotJson {
        what: "body",
        why: e.to_string(),
    })?;
    let pid = body
        .get("pid")
        .and_then(Value::as_i64)
        .and_then(|p| Pid::try_from(p).ok())
        .ok_or(DecodeError::Missing("pid: not a crash report"))?;
    let text_of = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let at = text_of(&body, "captureTime")
        .or_else(|| text_of(&header, "timestamp"))
        .as_deref()
        .and_then(parse_time)
        .ok_or(DecodeError::Missing("capture time"))?;
    let exception = body.get("exception");
    let termination = body.get("termination");
    let signal_number = termination
        .filter(|t| t.get("namespace").and_then(Value::as_str) == Some("SIGNAL"))
        .and_then(|t| t.get("code"))
        .and_then(Value::as_i64)
        .and_then(|c| i32::try_from(c).ok());
    Ok(CrashReport {
        pid,
        name: text_of(&body, "procName")
            .or_else(|| text_of(&header, "name"))
            .unwrap_or_default(),
        path: text_of(&body, "procPath"),
        at,
        exception: exception.and_then(|e| text_of(e, "type")),
        signal: exception.and_then(|e| text_of(e, "signal")),
        signal_number,
    })
}

/// The `.crash` text form: `Process: NAME [PID]`, `Path:`, `Date/Time:`,
/// `Exception Type: EXC_X (SIGY)`, `Termination Reason: Namespace SIGNAL, Code N`.
pub(crate) fn parse_crash_text(text: &str) -> Result<CrashReport, DecodeError> {
    let mut r = CrashReport::default();
    let mut at = None;
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "Process" if r.pid == 0 => {
                let (name, pid) = value
                    .rsplit_once('[')
                    .ok_or(DecodeError::Missing("[pid] on the Process line"))?;
                r.name = name.trim().to_owned();
                r.pid =
                    pid.trim_end_matches(']')
                        .trim()
                        .parse()
                        .map_err(|_| DecodeError::Invalid {
                            what: "pid",
                            value: pid.to_string(),
                        })?;
            }
            "Path" if r.path.is_none() => r.path = Some(value.to_owned()),
            "Date/Time" if at.is_none() => at = parse_time(value),
            "Exception Type" if r.exception.is_none() => match value.split_once(" (") {
                Some((e, s)) => {
                    r.exception = Some(e.trim().to_owned());
                    r.signal = Some(s.trim_end_matches(')').trim().to_owned());
                }
                None => r.exception = Some(value.to_owned()),
            },
            "Termination Reason" if r.signal_number.is_none() => {
                if let Some(rest) = value.strip_prefix("Namespace SIGNAL, Code ") {
                    r.signal_number = rest.split_whitespace().next().and_then(|n| n.parse().ok());
                }
            }
            _ => {}
        }
    }
    if r.pid == 0 {
        return Err(DecodeError::Missing("Process line: not a crash report"));
    }
    r.at = at.ok_or(DecodeError::Missing("Date/Time line"))?;
    Ok(r)
}

/// `2025-06-27 12:35:35.9371 +0300` as seconds since the Unix epoch.
pub(crate) fn parse_time(s: &str) -> Option<f64> {
    let mut parts = s.split_whitespace();
    let (date, time, zone) = (parts.next()?, parts.next()?, parts.next()?);
    let mut d = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let (hms, frac) = time.split_once('.').unwrap_or((time, "0"));
    let mut t = hms.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (h, min, sec) = (t.next()??, t.next()??, t.next()??);
    let frac: f64 = format!("0.{frac}").parse().ok()?;
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let z = zone.get(1..)?;
    let offset =
        sign * (z.get(..2)?.parse::<i64>().ok()? * 3600 + z.get(2..4)?.parse::<i64>().ok()? * 60);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let secs =
        crate::model::logline::days_from_civil(y, m, day) * 86_400 + h * 3600 + min * 60 + sec
            - offset;
    Some(secs as f64 + frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/tests/fixtures/darwin/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn a_segfault_in_ips_form() {
        let name = "Python-2025-06-27-123536.ips";
        let r = parse(name, &fixture(name)).unwrap();
        assert_eq!(r.pid, 28566);
        assert_eq!(r.name, "Python");
        assert!(
            r.path
                .as_deref()
                .unwrap()
                .ends_with("/Python.app/Contents/MacOS/Python")
        );
        // 12:35:35.9371 at +03:00 is 09:35:35.9371 UTC.
        assert!((r.at - 1_751_016_935.937_1).abs() < 1e-3, "{}", r.at);
        assert_eq!(r.exception_words(), "EXC_BAD_ACCESS (SIGSEGV)");
        assert_eq!(r.signal_number, Some(11));
    }

    #[test]
    fn an_abort_in_ips_form() {
        let name = "DingDong-2026-05-15-155921.ips";
        let r = parse(name, &fixture(name)).unwrap();
        assert_eq!((r.pid, r.name.as_str()), (21054, "DingDong"));
        assert_eq!(r.exception_words(), "EXC_CRASH (SIGABRT)");
        assert_eq!(r.signal_number, Some(6));
        assert_eq!(Some(r.at), parse_time("2026-05-15 07:59:15.5866 +0000"));
    }

    #[test]
    fn the_text_form_says_the_same() {
        let ips = parse_ips(&fixture("Python-2025-06-27-123536.ips")).unwrap();
        let name = "Python-2025-06-27-123536.crash";
        let text = parse(name, &fixture(name)).unwrap();
        assert_eq!((text.pid, text.at), (ips.pid, ips.at));
        assert_eq!(text.path, ips.path);
        assert_eq!(text.exception_words(), ips.exception_words());
        assert_eq!(text.signal_number, Some(11));
    }

    #[test]
    fn other_reports_and_junk_are_refused() {
        // A hang report (bug_type 298) has no pid in its body.
        let hang = "{\"bug_type\":\"298\",\"timestamp\":\"2025-01-01 00:00:00.00 +0000\"}\n{\"duration\":3}";
        assert!(parse_ips(hang).unwrap_err().to_string().contains("pid"));
        assert!(parse_ips("{}").is_err());
        assert!(parse_ips("not json\n{}").is_err());
        assert!(parse_crash_text("hello").is_err());
        assert_eq!(parse_time("1970-01-01 00:00:00 +0000"), Some(0.0));
        assert_eq!(parse_time("1970-01-01 01:00:00.50 +0100"), Some(0.5));
        assert_eq!(parse_time("2025-13-01 00:00:00 +0000"), None);
        assert_eq!(parse_time("2025-01-01 00:00:00"), None);
    }
}
