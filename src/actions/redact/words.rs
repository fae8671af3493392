//! Secrets that a word only gives away by what stands before it: the value of
//! a flag named like a secret (`--password x`), of a tool's short password flag
//! (`mysql -px`, `sshpass -p x`; never `ssh -p 22`), after a secret header
//! (`X-Api-Key: x`) or an auth scheme (`Bearer x`).

use super::{INNOCENT_WORDS, REDACTED, looks_secret};

/// How a tool's flag carries a secret.
#[derive(Clone, Copy, PartialEq)]
enum Carries {
    /// The whole value is the secret.
    Secret,
    /// `user:password`: what follows the first `:`.
    UserPassword,
}

const MYSQL: &[&str] = &[
    "mysql",
    "mysqldump",
    "mysqladmin",
    "mysqlimport",
    "mysqlcheck",
    "mysqlshow",
    "mysqlpump",
    "mysqlsh",
    "mariadb",
    "mariadb-dump",
    "mariadb-admin",
];
const MONGO: &[&str] = &[
    "mongo",
    "mongosh",
    "mongodump",
    "mongorestore",
    "mongoexport",
    "mongoimport",
];
const LDAP: &[&str] = &[
    "ldapsearch",
    "ldapadd",
    "ldapmodify",
    "ldapdelete",
    "ldapwhoami",
    "ldappasswd",
];

/// Short flags that take a password only in these tools: `-p` is a port to
/// ssh and psql, a parent to mkdir.
const TOOL_FLAGS: &[(&[&str], &str, Carries)] = &[
    (MYSQL, "-p", Carries::Secret),
    (MONGO, "-p", Carries::Secret),
    (&["sshpass"], "-p", Carries::Secret),
    (&["redis-cli", "keydb-cli"], "-a", Carries::Secret),
    (LDAP, "-w", Carries::Secret),
    (&["curl"], "-u", Carries::UserPassword),
    (&["curl"], "--user", Carries::UserPassword),
    (&["curl"], "-U", Carries::UserPassword),
    (&["curl"], "--proxy-user", Carries::UserPassword),
];

/// Endings of a flag's name (separators dropped) that mark its value secret.
const SECRET_FLAG_ENDINGS: [&str; 15] = [
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "PASSPHRASE",
    "PASSIN",
    "PASSOUT",
    "TOKEN",
    "SECRET",
    "KEY",
    "AUTH",
    "CREDENTIALS",
    "CREDS",
    "COOKIE",
    "SIGNATURE",
];

/// Words after which the next word is a credential in an Authorization header.
const AUTH_SCHEMES: [&str; 5] = ["bearer", "basic", "token", "digest", "negotiate"];

/// True for `--password`, `--client-secret`, `-storepass`; not for booleans
/// such as `--no-password` or `--password-stdin`, nor `--keyboard`, `--bypass`.
fn secret_flag(word: &str) -> bool {
    if !word.starts_with('-') || word.contains('=') || word.starts_with("--no-") {
        return false;
    }
    let upper = word.trim_start_matches('-').to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    match words.last() {
        Some(last) if !INNOCENT_WORDS.contains(last) => {
            let joined = words.concat();
            SECRET_FLAG_ENDINGS.iter().any(|e| joined.ends_with(e))
        }
        _ => false,
    }
}

/// `Authorization:`, `X-Api-Key:`, `PRIVATE-TOKEN:` (quotes before it allowed).
fn secret_header(word: &str) -> bool {
    let w = word.trim_start_matches(['\'', '"']);
    w.strip_suffix(':').is_some_and(|name| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && looks_secret(name)
    })
}

fn auth_scheme(word: &str) -> bool {
    let w = word.trim_start_matches(['\'', '"']).to_ascii_lowercase();
    AUTH_SCHEMES.contains(&w.as_str())
}

/// The word with its core replaced, quotes around it kept (`abc'` -> `<redacted>'`).
fn hide(word: &str) -> String {
    let quotes = ['\'', '"'];
    let core = word.trim_matches(quotes);
    if core.is_empty() {
        return word.to_string();
    }
    let lead = &word[..word.len() - word.trim_start_matches(quotes).len()];
    let trail = &word[word.trim_end_matches(quotes).len()..];
    format!("{lead}{REDACTED}{trail}")
}

fn hide_after_colon(word: &str) -> String {
    match word.split_once(':') {
        Some((user, rest)) if !rest.is_empty() => format!("{user}:{}", hide(rest)),
        _ => word.to_string(),
    }
}

fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// The flags of the last known tool named so far (`sudo mysql -px`).
fn tool_flags(tool: &str) -> impl Iterator<Item = (&'static str, Carries)> + '_ {
    TOOL_FLAGS
        .iter()
        .filter(move |(tools, ..)| tools.contains(&tool))
        .map(|&(_, flag, carries)| (flag, carries))
}

fn known_tool(word: &str) -> bool {
    TOOL_FLAGS
        .iter()
        .any(|(tools, ..)| tools.contains(&basename(word)))
}

/// Every whitespace-separated word of `text` that the words before it mark as
/// secret is replaced; the whitespace is kept as it was.
pub(crate) fn redact_words(text: &str) -> String {
    let spans: Vec<(usize, usize)> = word_spans(text);
    let words: Vec<&str> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
    let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    let mut tool = "";
    for (i, &w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied();
        let next_is_value = next.is_some_and(|n| !n.starts_with('-'));
        if !w.starts_with('-') && known_tool(w) {
            tool = basename(w);
        }
        for (flag, carries) in tool_flags(tool) {
            let attached = w
                .strip_prefix(flag)
                .filter(|v| !v.is_empty() && flag.len() == 2);
            if let Some(value) = attached {
                out[i] = match carries {
                    Carries::Secret => format!("{flag}{}", hide(value)),
                    Carries::UserPassword => format!("{flag}{}", hide_after_colon(value)),
                };
            } else if w == flag && next_is_value {
                out[i + 1] = match carries {
                    Carries::Secret => hide(words[i + 1]),
                    Carries::UserPassword => hide_after_colon(words[i + 1]),
                };
            }
        }
        if next_is_value && secret_flag(w) {
            out[i + 1] = hide(words[i + 1]);
        }
        if secret_header(w) {
            // `Authorization: Bearer x`: the scheme stays, the credential goes.
            let at = if next.is_some_and(auth_scheme) {
                i + 2
            } else {
                i + 1
            };
            if let Some(v) = words.get(at) {
                out[at] = hide(v);
            }
        } else if w
            .trim_start_matches(['\'', '"'])
            .eq_ignore_ascii_case("bearer")
        {
            // A bare `Bearer x`; `basic x` or `token x` alone are only words.
            if let Some(n) = next {
                out[i + 1] = hide(n);
            }
        }
    }
    let mut s = String::with_capacity(text.len());
    let mut last = 0;
    for (&(start, end), w) in spans.iter().zip(&out) {
        s.push_str(&text[last..start]);
        s.push_str(w);
        last = end;
    }
    s.push_str(&text[last..]);
    s
}

fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        for yes in [
            "--password",
            "--client-secret",
            "-storepass",
            "--api-key",
            "--auth",
        ] {
            assert!(secret_flag(yes), "{yes}");
        }
        for no in [
            "--no-password",
            "--password-stdin",
            "--keyboard",
            "--bypass",
            "--passive",
            "-p",
            "--author",
            "--password=x",
            "password",
        ] {
            assert!(!secret_flag(no), "{no}");
        }
        assert_eq!(
            redact_words("a  b\n--token\tx"),
            "a  b\n--token\t<redacted>"
        );
    }
}
