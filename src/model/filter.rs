//! The incremental filter, as htop's: what is typed is one case-insensitive
//! substring of the command line, name or user (or exactly the pid). `why:REASON`
//! words (`why:input`) are taken out and must hold as well. Input that starts
//! with `re:` is one regex instead.

use super::sample::ProcSample;
use super::why::{UnknownReason, WaitReason, WhyTag};
use regex::{Regex, RegexBuilder};

/// Why typed filter text is no filter.
#[derive(Clone, Debug, thiserror::Error)]
pub enum FilterError {
    #[error("bad regex {pattern:?}: {error}")]
    Regex {
        pattern: String,
        error: regex::Error,
    },
    #[error(transparent)]
    Reason(#[from] UnknownReason),
}

#[derive(Clone, Debug)]
pub enum Term {
    /// Lower-cased needle.
    Text(String),
    Why(WaitReason),
}

#[derive(Clone, Debug)]
pub enum Filter {
    Terms(Vec<Term>),
    Regex(Regex),
}

impl Filter {
    /// Parses what the user typed; empty input means no filter.
    pub fn parse(input: &str) -> Result<Option<Filter>, FilterError> {
        if let Some(pattern) = input.strip_prefix("re:") {
            if pattern.is_empty() {
                return Ok(None);
            }
            return RegexBuilder::new(pattern)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .build()
                .map(|r| Some(Filter::Regex(r)))
                .map_err(|error| FilterError::Regex {
                    pattern: pattern.to_string(),
                    error,
                });
        }
        let mut terms = Vec::new();
        let mut phrase: Vec<&str> = Vec::new();
        for word in input.split_whitespace() {
            match WaitReason::parse_filter(word) {
                Some(Ok(r)) => terms.push(Term::Why(r)),
                Some(Err(e)) => return Err(e.into()),
                None => phrase.push(word),
            }
        }
        if !phrase.is_empty() {
            terms.push(Term::Text(phrase.join(" ").to_lowercase()));
        }
        Ok((!terms.is_empty()).then_some(Filter::Terms(terms)))
    }

    /// Matches a sample (and its wait reason, when classified).
    pub fn matches(&self, p: &ProcSample, why: Option<&WhyTag>) -> bool {
        let fields = [&*p.cmdline, &*p.comm, p.user.as_deref().unwrap_or("")];
        match self {
            Filter::Regex(re) => {
                fields.iter().any(|f| re.is_match(f)) || re.is_match(&p.pid.to_string())
            }
            Filter::Terms(terms) => terms.iter().all(|t| match t {
                Term::Text(needle) => {
                    fields.iter().any(|f| contains_ci(f, needle))
                        || needle.parse::<i32>() == Ok(p.pid)
                }
                Term::Why(r) => why.is_some_and(|w| w.reason == *r),
            }),
        }
    }
}

/// `haystack` holds `lower_needle` (already lower-cased), ignoring case.
pub(crate) fn contains_ci(haystack: &str, lower_needle: &str) -> bool {
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
        assert!(Filter::parse("cARgo").unwrap().unwrap().matches(&p, None));
        assert!(!Filter::parse("rustc").unwrap().unwrap().matches(&p, None));
        assert!(Filter::parse("").unwrap().is_none());
        assert!(Filter::parse("  ").unwrap().is_none());
    }

    #[test]
    fn words_are_one_phrase_and_a_pid_matches_exactly() {
        let mut p = sample(5432, 1, "sleep");
        p.cmdline = "sleep 300".into();
        let m = |f: &str| Filter::parse(f).unwrap().unwrap().matches(&p, None);
        assert!(m("SLEEP 300") && m("p 30") && m("5432"));
        assert!(!m("sleep 43"), "not each word anywhere, the pid included");
        assert!(!m("300 sleep"), "the phrase in order");
        assert!(!m("43"), "a pid matches whole");
    }

    #[test]
    fn regex_after_prefix() {
        let p = sample(42, 1, "cargo");
        assert!(
            Filter::parse("re:^/usr/bin/c.rgo")
                .unwrap()
                .unwrap()
                .matches(&p, None)
        );
        assert!(
            !Filter::parse("re:^cargo$x")
                .unwrap()
                .unwrap()
                .matches(&p, None)
        );
        assert!(
            Filter::parse("re:(")
                .unwrap_err()
                .to_string()
                .contains("bad regex")
        );
    }

    #[test]
    fn why_terms_and_words_are_anded() {
        let p = sample(42, 1, "python3");
        let input = WhyTag {
            reason: WaitReason::Input,
            ready: true,
            weak: false,
            ..Default::default()
        };
        let timer = WhyTag {
            reason: WaitReason::Timer,
            ready: false,
            weak: false,
            ..Default::default()
        };
        let f = Filter::parse("why:input").unwrap().unwrap();
        assert!(f.matches(&p, Some(&input)));
        assert!(!f.matches(&p, Some(&timer)));
        assert!(!f.matches(&p, None));
        let f = Filter::parse("PYTHON why:input").unwrap().unwrap();
        assert!(f.matches(&p, Some(&input)));
        assert!(
            !Filter::parse("bash why:input")
                .unwrap()
                .unwrap()
                .matches(&p, Some(&input))
        );
        assert!(
            Filter::parse("why:sleepy")
                .unwrap_err()
                .to_string()
                .contains("sleepy")
        );
    }
}
