//! The moments and durations the recording's commands take: `--at` as
//! `YYYY-MM-DD HH:MM:SS`, `HH:MM:SS` (today) or relative (`-5m`), and
//! durations such as `90s`, `10m`, `2h`, `1d`.

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum TimeSpec {
    /// A local calendar date and time.
    At {
        year: i32,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    },
    /// A local time today.
    Today { hour: u32, minute: u32, second: u32 },
    /// This many seconds before now.
    Ago(f64),
}

const FORMS: &str = "`YYYY-MM-DD HH:MM:SS`, `HH:MM:SS` (today, local time) or relative such as `-5m`, `-90s`, `-2h`";

/// Why a time or a duration is not one; each carries the text given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimeParseError {
    #[error("{0:?} is not a time: use {FORMS}")]
    NotATime(String),
    #[error("{0:?} is not a duration: use a number with s, m, h or d (`10m`)")]
    NotADuration(String),
}

fn hms(s: &str) -> Option<(u32, u32, u32)> {
    let mut f = s.split(':');
    let mut n = || -> Option<u32> {
        let x = f.next()?;
        (x.len() == 2 && x.bytes().all(|b| b.is_ascii_digit())).then(|| x.parse().ok())?
    };
    let (h, m, sec) = (n()?, n()?, n()?);
    (f.next().is_none() && h < 24 && m < 60 && sec < 61).then_some((h, m, sec))
}

fn ymd(s: &str) -> Option<(i32, u32, u32)> {
    let mut f = s.split('-');
    let y = f.next().filter(|y| y.len() == 4)?.parse().ok()?;
    let m: u32 = f.next().filter(|x| x.len() == 2)?.parse().ok()?;
    let d: u32 = f.next().filter(|x| x.len() == 2)?.parse().ok()?;
    (f.next().is_none() && (1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

impl std::str::FromStr for TimeSpec {
    type Err = TimeParseError;

    fn from_str(s: &str) -> Result<Self, TimeParseError> {
        let t = s.trim();
        let bad = || TimeParseError::NotATime(s.to_string());
        if let Some(rel) = t.strip_prefix('-') {
            return parse_duration(rel).map(TimeSpec::Ago).map_err(|_| bad());
        }
        if let Some((date, time)) = t.split_once([' ', 'T']) {
            let (year, month, day) = ymd(date).ok_or_else(bad)?;
            let (hour, minute, second) = hms(time.trim()).ok_or_else(bad)?;
            return Ok(TimeSpec::At {
                year,
                month,
                day,
                hour,
                minute,
                second,
            });
        }
        let (hour, minute, second) = hms(t).ok_or_else(bad)?;
        Ok(TimeSpec::Today {
            hour,
            minute,
            second,
        })
    }
}

/// `90`, `90s`, `10m`, `2h`, `1d`, `1.5h`: seconds.
pub(crate) fn parse_duration(s: &str) -> Result<f64, TimeParseError> {
    let t = s.trim();
    let (num, unit) = match t.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let mult = match unit {
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86400.0,
        _ => return Err(TimeParseError::NotADuration(s.to_string())),
    };
    match num.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 && !num.is_empty() => Ok(v * mult),
        _ => Err(TimeParseError::NotADuration(s.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms_and_clear_errors() {
        assert_eq!(
            "2026-12-02 13:05:09".parse(),
            Ok(TimeSpec::At {
                year: 2026,
                month: 12,
                day: 2,
                hour: 13,
                minute: 5,
                second: 9
            })
        );
        assert_eq!(
            "07:00:01".parse(),
            Ok(TimeSpec::Today {
                hour: 7,
                minute: 0,
                second: 1
            })
        );
        assert_eq!("-5m".parse(), Ok(TimeSpec::Ago(300.0)));
        assert_eq!("-2".parse(), Ok(TimeSpec::Ago(2.0)));
        for bad in [
            "",
            "yesterday",
            "25:00:00",
            "12:00",
            "2026-13-01 00:00:00",
            "-5x",
            "-",
            "1:2:3",
        ] {
            let e = bad.parse::<TimeSpec>().unwrap_err().to_string();
            assert!(
                e.contains("is not a time") && e.contains("HH:MM:SS"),
                "{bad}: {e}"
            );
        }
        assert_eq!(parse_duration("1.5h"), Ok(5400.0));
        assert_eq!(parse_duration("1d"), Ok(86400.0));
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("-1s").is_err());
    }
}
