//! The incremental filter: a case-insensitive substring, or a regex after `re:`.

use super::sample::ProcSample;
use regex::{Regex, RegexBuilder};

#[derive(Clone, Debug)]
pub enum Filter {
    /// Lower-cased needle.
    Text(String),
    Regex(Regex),
}

impl Filter {
    /// Parses what the user typed; empty input means no filter.
    pub fn parse(input: &str) -> Result<Option<Filter>, String> {
        if let Some(pattern) = input.strip_prefix("re:") {
            if pattern.is_empty() {
                return Ok(None);
            }
            return RegexBuilder::new(pattern)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .build()
                .map(|r| Some(Filter::Regex(r)))
                .map_err(|e| format!("bad regex {pattern:?}: {e}"));
        }
        if input.is_empty() {
            return Ok(None);
        }
        Ok(Some(Filter::Text(input.to_lowercase())))
    }

    /// Matches against the command line, the short name, the user and the pid.
    pub fn matches(&self, p: &ProcSample) -> bool {
        let pid = p.pid.to_string();
        let fields = [&*p.cmdline, &*p.comm, p.user.as_deref().unwrap_or(""), &pid];
        match self {
            Filter::Text(needle) => fields.iter().any(|f| contains_ci(f, needle)),
            Filter::Regex(re) => fields.iter().any(|f| re.is_match(f)),
        }
    }
}

fn contains_ci(haystack: &str, lower_needle: &str) -> bool {
    if haystack.is_ascii() && lower_needle.is_ascii() {
        let (h, n) = (haystack.as_bytes(), lower_needle.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        haystack.to_lowercase().contains(lower_needle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testutil::sample;

    #[test]
    fn substring_is_case_insensitive() {
        let p = sample(42, 1, "Cargo");
        assert!(Filter::parse("cARgo").unwrap().unwrap().matches(&p));
        assert!(!Filter::parse("rustc").unwrap().unwrap().matches(&p));
        assert!(Filter::parse("").unwrap().is_none());
    }

    #[test]
    fn regex_after_prefix() {
        let p = sample(42, 1, "cargo");
        assert!(
            Filter::parse("re:^/usr/bin/c.rgo")
                .unwrap()
                .unwrap()
                .matches(&p)
        );
        assert!(!Filter::parse("re:^cargo$x").unwrap().unwrap().matches(&p));
        assert!(Filter::parse("re:(").unwrap_err().contains("bad regex"));
    }
}
