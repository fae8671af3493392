//! Local time through the C library (the TZ database, `TZ` honoured).

/// A local calendar time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LocalTime {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

fn zeroed_tm() -> libc::tm {
    // SAFETY: tm is plain old data; all zeros is a valid value.
    unsafe { std::mem::zeroed() }
}

/// The local calendar time of `epoch_secs`.
pub fn of(epoch_secs: f64) -> Option<LocalTime> {
    let t = epoch_secs.floor() as libc::time_t;
    let mut tm = zeroed_tm();
    // SAFETY: localtime_r reads `t` and writes only `tm`.
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return None;
    }
    Some(LocalTime {
        year: tm.tm_year + 1900,
        month: (tm.tm_mon + 1) as u32,
        day: tm.tm_mday as u32,
        hour: tm.tm_hour as u32,
        minute: tm.tm_min as u32,
        second: tm.tm_sec as u32,
    })
}

/// Seconds since the epoch of a local calendar time (daylight saving as the
/// zone has it then); None when the C library cannot say.
pub(crate) fn to_epoch(t: LocalTime) -> Option<i64> {
    let mut tm = zeroed_tm();
    tm.tm_year = t.year - 1900;
    tm.tm_mon = t.month as i32 - 1;
    tm.tm_mday = t.day as i32;
    tm.tm_hour = t.hour as i32;
    tm.tm_min = t.minute as i32;
    tm.tm_sec = t.second as i32;
    tm.tm_isdst = -1;
    // SAFETY: mktime reads and normalises only the struct we pass.
    let s = unsafe { libc::mktime(&mut tm) };
    (s != -1).then_some(s as i64)
}

/// `YYYY-MM-DD HH:MM:SS` in local time (`@SECS` if the C library cannot say).
pub fn format(epoch_secs: f64) -> String {
    match of(epoch_secs) {
        Some(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            t.year, t.month, t.day, t.hour, t.minute, t.second
        ),
        None => format!("@{}", epoch_secs as i64),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trips() {
        let now = 1_764_000_000.0;
        let t = super::of(now).unwrap();
        assert_eq!(super::to_epoch(t), Some(now as i64));
        assert_eq!(super::format(now).len(), 19);
    }
}
