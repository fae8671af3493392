//! Wall-clock time in the local time zone (localtime_r).

/// A wall-clock time (seconds since the epoch) as local `YYYY-MM-DD HH:MM:SS`.
pub fn local_time(epoch_secs: f64) -> String {
    let t = epoch_secs as libc::time_t;
    // SAFETY: libc::tm is plain integers (and a pointer on some libcs): all zeroes is a valid value.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: localtime_r reads `t` and writes only `tm`.
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return format!("@{t}");
    }
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    )
}
