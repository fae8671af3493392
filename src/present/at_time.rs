//! A `--at` TIME (or one typed in a replay) as seconds since the epoch: the
//! forms are parsed in `model::timespec`, local times converted here.

use crate::model::timespec::{TimeParseError, TimeSpec};
use crate::platform::localtime::{self, LocalTime};
use std::time::{SystemTime, UNIX_EPOCH};

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Why a `--at` TIME names no moment; carries the text given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AtError {
    #[error(transparent)]
    Parse(#[from] TimeParseError),
    #[error("{0:?}: not a local time this system can convert")]
    NotConvertible(String),
    #[error("the local date is not known")]
    NoLocalDate,
}

/// A `--at` TIME as seconds since the epoch; the message says the forms.
pub fn resolve(at: &str) -> Result<f64, AtError> {
    let spec: TimeSpec = at.parse()?;
    let now = now();
    let local = |t: LocalTime| {
        localtime::to_epoch(t)
            .map(|s| s as f64)
            .ok_or_else(|| AtError::NotConvertible(at.to_string()))
    };
    match spec {
        TimeSpec::Ago(secs) => Ok(now - secs),
        TimeSpec::At {
            year,
            month,
            day,
            hour,
            minute,
            second,
        } => local(LocalTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        }),
        TimeSpec::Today {
            hour,
            minute,
            second,
        } => {
            let today = localtime::of(now).ok_or(AtError::NoLocalDate)?;
            local(LocalTime {
                hour,
                minute,
                second,
                ..today
            })
        }
    }
}
