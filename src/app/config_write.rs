//! Writing setup's choices back into a config file, keeping what the user
//! wrote around them: each key setup owns has its assignment replaced where
//! it stands (a multi-line array whole), or added at the end of the top-level
//! keys; every other line, comment and key stays as it was.

use std::ops::Range;

/// `text` with each `(key, value)` set; `value` is TOML (`10`, `"dark"`,
/// `["pid", "user"]`).
pub(crate) fn set_keys(text: &str, keys: &[(&str, String)]) -> String {
    let mut out = text.to_string();
    for (key, value) in keys {
        let line = format!("{key} = {value}");
        out = match assignment(&out, key) {
            Some(r) => format!("{}{line}{}", &out[..r.start], &out[r.end..]),
            None => insert_top_level(&out, &line),
        };
    }
    out
}

/// Where `key = ...` stands among the top-level keys (before any `[table]`),
/// from the start of its line to the end of its value (a comment after it
/// is kept, the newline too).
fn assignment(text: &str, key: &str) -> Option<Range<usize>> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            return None;
        }
        let name = trimmed
            .split('=')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"');
        if trimmed.contains('=') && name == key {
            let value_from = at + line.find('=')? + 1;
            return Some(at..value_end(text, value_from));
        }
        at += line.len();
    }
    None
}

/// The end of a TOML value starting at `from`: the first newline outside
/// brackets and strings, before a comment on the same line.
fn value_end(text: &str, from: usize) -> usize {
    let (mut depth, mut quote, mut escaped) = (0i32, None, false);
    let mut comment = false;
    let mut last_code = from;
    for (i, c) in text[from..].char_indices() {
        let i = from + i;
        if comment {
            if c == '\n' {
                comment = false;
                if depth <= 0 {
                    return last_code;
                }
            }
            continue;
        }
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '[' | '{' => depth += 1,
                ']' | '}' => depth -= 1,
                '#' => {
                    comment = true;
                    continue;
                }
                '\n' if depth <= 0 => return last_code,
                _ => {}
            },
        }
        if !c.is_whitespace() {
            last_code = i + c.len_utf8();
        }
    }
    last_code
}

/// `line` added after the last top-level key (before the first `[table]`).
fn insert_top_level(text: &str, line: &str) -> String {
    let table = text
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .chain(std::iter::once(0))
        .filter(|&i| text[i..].trim_start_matches([' ', '\t']).starts_with('['))
        .min();
    match table {
        Some(i) => format!("{}{line}\n\n{}", &text[..i], &text[i..]),
        None if text.is_empty() || text.ends_with('\n') => format!("{text}{line}\n"),
        None => format!("{text}\n{line}\n"),
    }
}

/// A list of names as a TOML array.
pub(crate) fn array(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_replaced_where_it_stands_and_the_rest_is_kept() {
        let text = "# mine\ndelay = 5 # fast\nsort = \"mem\"\ncolumns = [\n  \"pid\", # first\n  \"user\",\n]\ntheme = \"light\"\n";
        let out = set_keys(
            text,
            &[("delay", "20".into()), ("columns", array(&["pid", "ppid"]))],
        );
        assert_eq!(
            out,
            "# mine\ndelay = 20 # fast\nsort = \"mem\"\ncolumns = [\"pid\", \"ppid\"]\ntheme = \"light\"\n"
        );
    }

    #[test]
    fn a_missing_key_goes_after_the_top_level_keys() {
        assert_eq!(
            set_keys("tree = true", &[("theme", "\"mono\"".into())]),
            "tree = true\ntheme = \"mono\"\n"
        );
        assert_eq!(set_keys("", &[("delay", "3".into())]), "delay = 3\n");
        assert_eq!(
            set_keys("tree = true\n[later]\nx = 1\n", &[("delay", "3".into())]),
            "tree = true\ndelay = 3\n\n[later]\nx = 1\n"
        );
        // A key of the same name in a table is not the top-level one.
        assert_eq!(
            set_keys("[t]\ndelay = 1\n", &[("delay", "3".into())]),
            "delay = 3\n\n[t]\ndelay = 1\n"
        );
    }

    #[test]
    fn strings_with_brackets_and_hashes_are_not_cut() {
        let text = "ladder = \"TERM:5 # [x]\"\nmeters = [\"cpus\", # c\n \"load\"] # end\nz = 1\n";
        let out = set_keys(text, &[("meters", array(&["clock"]))]);
        assert_eq!(
            out,
            "ladder = \"TERM:5 # [x]\"\nmeters = [\"clock\"] # end\nz = 1\n"
        );
    }
}
