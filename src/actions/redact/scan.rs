//! The few text scans redaction needs, by hand: the TUI redacts every command
//! line it draws, and compiled regexes would cost it more memory than the
//! table of 5,000 processes does. Each scan matches what its comment's
//! regex would (the tests hold them against the regex crate).

/// `\w` as far as redaction cares: letters, digits, marks and `_`.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// True at a `\b` before a word character: `text[..i]` does not end in one.
fn word_start(text: &str, i: usize) -> bool {
    !text[..i].chars().next_back().is_some_and(is_word)
}

/// Length of the run at the start of `s` of bytes `ok` accepts.
fn run(s: &str, ok: impl Fn(u8) -> bool) -> usize {
    s.bytes().take_while(|&b| ok(b)).count()
}

fn b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Replaces every non-overlapping match, left to right. `at(text, i)` says
/// whether a match starts at byte `i`: `Some((end, replacement))`.
pub(crate) fn replace_each(
    text: &str,
    at: impl Fn(&str, usize) -> Option<(usize, String)>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    let mut i = 0;
    while i < text.len() {
        if let Some((end, with)) = at(text, i) {
            out.push_str(&text[done..i]);
            out.push_str(&with);
            done = end;
            // An empty match cannot happen here (each scan consumes a prefix).
            i = end.max(i + 1);
            continue;
        }
        i += text[i..].chars().next().map_or(1, char::len_utf8);
    }
    out.push_str(&text[done..]);
    out
}

/// `(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)(?s:.*?)(-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)`:
/// the body goes, the two armour lines stay.
pub(crate) fn pem(text: &str, i: usize, redacted: &str) -> Option<(usize, String)> {
    let body = i + armour(&text[i..], "-----BEGIN ")?;
    // The first END armour line after the body (the lazy `.*?`), else the end.
    let mut j = body;
    while let Some(k) = text[j..].find("-----END ") {
        let e = j + k;
        if let Some(n) = armour(&text[e..], "-----END ") {
            let end_line = &text[e..e + n];
            return Some((e + n, format!("{}{redacted}{end_line}", &text[i..body])));
        }
        j = e + 1;
    }
    Some((text.len(), format!("{}{redacted}", &text[i..body])))
}

/// `{lead}[A-Z0-9 ]*PRIVATE KEY-----` at the start of `s`: its length.
fn armour(s: &str, lead: &str) -> Option<usize> {
    let rest = s.strip_prefix(lead)?;
    let n = run(rest, |b| {
        b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' '
    });
    // The class stops before `-`, so the words must end exactly in PRIVATE KEY.
    (rest[..n].ends_with("PRIVATE KEY") && rest[n..].starts_with("-----"))
        .then_some(lead.len() + n + 5)
}

/// `\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*`: a JWT, whole.
pub(crate) fn jwt(text: &str, i: usize, redacted: &str) -> Option<(usize, String)> {
    if !word_start(text, i) {
        return None;
    }
    let mut j = i;
    for _ in 0..2 {
        let part = text[j..].strip_prefix("eyJ")?;
        let n = run(part, b64url);
        if n < 5 || !part[n..].starts_with('.') {
            return None;
        }
        j += 3 + n + 1;
    }
    Some((j + run(&text[j..], b64url), redacted.to_string()))
}

/// Prefixes that name a token's issuer (Stripe, GitHub, Slack, GitLab), as
/// literal text with `[…]` for one of a set of letters.
const ISSUER_PREFIXES: [&str; 8] = [
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "gh[pousr]_",
    "github_pat_",
    "xox[abprs]-",
    "glpat-",
];

/// The length of `pattern` (literal text with one `[set]`) at the start of `s`.
fn prefix_len(s: &str, pattern: &str) -> Option<usize> {
    let (head, tail) = match pattern.split_once('[') {
        Some((h, rest)) => (h, Some(rest.split_once(']')?)),
        None => (pattern, None),
    };
    let rest = s.strip_prefix(head)?;
    match tail {
        None => Some(head.len()),
        Some((set, after)) => {
            rest.bytes().next().filter(|b| set.as_bytes().contains(b))?;
            rest[1..].strip_prefix(after)?;
            Some(head.len() + 1 + after.len())
        }
    }
}

/// `\b(sk_live_|…|glpat-)[A-Za-z0-9_-]{8,}`: the prefix stays (it says what kind of key was there).
pub(crate) fn issuer_token(text: &str, i: usize, redacted: &str) -> Option<(usize, String)> {
    if !word_start(text, i) {
        return None;
    }
    let rest = &text[i..];
    let p = ISSUER_PREFIXES.iter().find_map(|p| prefix_len(rest, p))?;
    let n = run(&rest[p..], b64url);
    (n >= 8).then(|| (i + p + n, format!("{}{redacted}", &rest[..p])))
}

/// `\b(AKIA|ASIA)[0-9A-Z]{16}\b`: an AWS access key id; the prefix stays.
pub(crate) fn aws_key(text: &str, i: usize, redacted: &str) -> Option<(usize, String)> {
    let rest = &text[i..];
    if !(rest.starts_with("AKIA") || rest.starts_with("ASIA")) || !word_start(text, i) {
        return None;
    }
    let n = run(&rest[4..], |b| b.is_ascii_uppercase() || b.is_ascii_digit());
    // Exactly 16, then no word character (`\b`): a longer run is not a key id.
    let end = i + 4 + 16;
    (n == 16 && !text[end..].chars().next().is_some_and(is_word))
        .then(|| (end, format!("{}{redacted}", &rest[..4])))
}

/// Where a `key=value` pair may start: the text's start, or after a space,
/// `?`, `&`, `;`, `,`, a quote or `(` (which belongs to the match).
fn pair_lead(c: char) -> bool {
    c.is_whitespace() || "?&;,'\"(".contains(c)
}

/// `(^|[\s?&;,'"(])(-{0,2}[A-Za-z_][A-Za-z0-9_.\-]*)=([^\s&;,'"]+)`, the
/// value replaced when `secret(key)` says so. Returns the match whatever the
/// key, as a regex replace would consume it.
pub(crate) fn key_value(
    text: &str,
    i: usize,
    redacted: &str,
    secret: impl Fn(&str) -> bool,
) -> Option<(usize, String)> {
    let lead = if i == 0 {
        // `^` first; a lead character at 0 is tried only if that fails.
        match pair_at(text, 0) {
            Some(m) => return Some(finish_pair(text, 0, 0, m, redacted, &secret)),
            None => text.chars().next().filter(|&c| pair_lead(c))?.len_utf8(),
        }
    } else {
        text[i..]
            .chars()
            .next()
            .filter(|&c| pair_lead(c))?
            .len_utf8()
    };
    let m = pair_at(text, i + lead)?;
    Some(finish_pair(text, i, lead, m, redacted, &secret))
}

/// At `k`: the key's and the value's lengths of a `key=value`.
fn pair_at(text: &str, k: usize) -> Option<(usize, usize)> {
    let s = &text[k..];
    let dashes = run(s, |b| b == b'-').min(2);
    let first = s[dashes..].bytes().next()?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let key = dashes
        + 1
        + run(&s[dashes + 1..], |b| {
            b.is_ascii_alphanumeric() || b"_.-".contains(&b)
        });
    let value = s[key..].strip_prefix('=')?;
    let n = value
        .find(|c: char| c.is_whitespace() || "&;,'\"".contains(c))
        .unwrap_or(value.len());
    (n > 0).then_some((key, n))
}

fn finish_pair(
    text: &str,
    i: usize,
    lead: usize,
    (key, value): (usize, usize),
    redacted: &str,
    secret: &impl Fn(&str) -> bool,
) -> (usize, String) {
    let k = i + lead;
    let end = k + key + 1 + value;
    let name = &text[k..k + key];
    if secret(name.trim_start_matches('-')) {
        (end, format!("{}{name}={redacted}", &text[i..k]))
    } else {
        (end, text[i..end].to_string())
    }
}

/// `(?i)(https?://(?:hooks\.slack\.com/(?:services|triggers|workflows)/|
/// (?:ptb\.|canary\.)?discord(?:app)?\.com/api/(?:v\d+/)?webhooks/))[^\s'"?#]+`:
/// everything after a webhook's prefix is its secret.
pub(crate) fn webhook(text: &str, i: usize, redacted: &str) -> Option<(usize, String)> {
    let s = &text[i..];
    let mut j = take_ci(s, 0, "http")?;
    j = take_ci(s, j, "s").unwrap_or(j);
    j = take_ci(s, j, "://")?;
    j = match take_ci(s, j, "hooks.slack.com/") {
        Some(k) => ["services/", "triggers/", "workflows/"]
            .iter()
            .find_map(|w| take_ci(s, k, w))?,
        None => {
            let k = take_ci(s, j, "ptb.")
                .or_else(|| take_ci(s, j, "canary."))
                .unwrap_or(j);
            let k = take_ci(s, k, "discord")?;
            let k = take_ci(s, k, "app").unwrap_or(k);
            let k = take_ci(s, k, ".com/api/")?;
            let k = version(s, k).unwrap_or(k);
            take_ci(s, k, "webhooks/")?
        }
    };
    let n = s[j..]
        .find(|c: char| c.is_whitespace() || "'\"?#".contains(c))
        .unwrap_or(s.len() - j);
    (n > 0).then(|| (i + j + n, format!("{}{redacted}", &s[..j])))
}

/// `v\d+/` at `k` (ASCII digits; the regex's `\d` takes others too, no URL has them).
fn version(s: &str, k: usize) -> Option<usize> {
    let k = take_ci(s, k, "v")?;
    let n = run(&s[k..], |b| b.is_ascii_digit());
    (n > 0).then_some(())?;
    take_ci(s, k + n, "/")
}

/// `word` (ASCII, any case) at byte `k` of `s`: the byte after it.
fn take_ci(s: &str, k: usize, word: &str) -> Option<usize> {
    let end = k + word.len();
    s.get(k..end)
        .filter(|w| w.eq_ignore_ascii_case(word))
        .map(|_| end)
}
