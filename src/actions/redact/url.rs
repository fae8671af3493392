//! Credentials that URLs carry: the password of a userinfo, a bare user that
//! is a key (Sentry DSNs, `https://TOKEN@github.com`), and webhook URLs whose
//! path is the secret (Slack, Discord).

use super::REDACTED;
use super::scan::{replace_each, webhook};

/// Schemes whose bare user is a login name, kept (`ssh://git@host`); over
/// HTTP and the rest a bare user is a credential unless it reads as a name.
const LOGIN_SCHEMES: [&str; 12] = [
    "ssh",
    "git+ssh",
    "ssh+git",
    "sftp",
    "scp",
    "rsync",
    "ftp",
    "svn+ssh",
    "postgres",
    "postgresql",
    "mysql",
    "mongodb",
];

/// Schemes whose bare user is always a credential: HTTP has no other use for it.
const HTTP_SCHEMES: [&str; 5] = ["http", "https", "ws", "wss", "git+https"];

/// Webhooks first, then every URL's userinfo.
pub(crate) fn redact_urls(text: &str) -> String {
    let text = replace_each(text, |t, i| webhook(t, i, REDACTED));
    userinfo(&text)
}

/// `scheme://user:pw@host` keeps `user:` and loses `pw`; a bare user goes as
/// `bare_user_is_secret` says. The userinfo ends at the last `@` before the
/// path, so `p@ss` is caught whole. A raw `/` in a password (it should be
/// `%2F`) ends the authority early and is not caught.
fn userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let scheme = scheme_before(&head[..i]);
        let authority_len = tail
            .find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '\'') || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..authority_len];
        match authority.rfind('@') {
            Some(at) => {
                let user = &authority[..at];
                match user.find(':') {
                    Some(colon) => {
                        out.push_str(&user[..=colon]);
                        out.push_str(REDACTED);
                    }
                    None if bare_user_is_secret(&scheme, user) => out.push_str(REDACTED),
                    None => out.push_str(user),
                }
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[authority_len..];
    }
    out.push_str(rest);
    out
}

/// The URL scheme that ends `head`, lower-cased.
fn scheme_before(head: &str) -> String {
    let start = head
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || "+.-".contains(c)))
        .map_or(0, |i| i + 1);
    head[start..].to_ascii_lowercase()
}

/// A user alone is a key over HTTP; for login schemes only when it looks like
/// one (long, letters and digits mixed), never for a plain name like `git`.
fn bare_user_is_secret(scheme: &str, user: &str) -> bool {
    if user.is_empty() || user == REDACTED {
        return false;
    }
    if HTTP_SCHEMES.contains(&scheme) {
        return true;
    }
    let looks_like_key = user.len() >= 20
        && user.chars().any(|c| c.is_ascii_digit())
        && user.chars().any(|c| c.is_ascii_alphabetic());
    looks_like_key || !LOGIN_SCHEMES.contains(&scheme) && user.len() >= 16
}

#[cfg(test)]
mod tests {
    use super::*;

    static WEBHOOK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"(?i)(https?://(?:hooks\.slack\.com/(?:services|triggers|workflows)/|(?:ptb\.|canary\.)?discord(?:app)?\.com/api/(?:v\d+/)?webhooks/))[^\s'"?#]+"#,
        )
        .unwrap()
    });

    fn webhooks_by_regex(text: &str) -> String {
        WEBHOOK
            .replace_all(text, format!("${{1}}{REDACTED}"))
            .into_owned()
    }

    /// A webhook-like URL with each part right, wrong or missing.
    fn hook() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let pick = |xs: &'static [&'static str]| prop::sample::select(xs).prop_map(String::from);
        let slack = (
            pick(&["hooks.slack.com/", "HOOKS.Slack.com/", "hooks.slack.org/"]),
            pick(&["services/", "triggers/", "workflows/", "service/", ""]),
        )
            .prop_map(|(a, b)| a + &b);
        let discord = (
            pick(&["", "ptb.", "canary.", "beta."]),
            pick(&["discord", "Discord", "dicsord"]),
            pick(&["", "app"]),
            pick(&[".com/api/", ".com/", ".com/API/"]),
            pick(&["", "v10/", "v/", "V9/", "v1"]),
            pick(&["webhooks/", "webhook/", ""]),
        )
            .prop_map(|(a, b, c, d, e, f)| [a, b, c, d, e, f].concat());
        (
            pick(&["", "x", " "]),
            pick(&["https://", "http://", "HTTPS://", "ftp://", "https:/"]),
            prop_oneof![slack, discord],
            pick(&["", "T0/B0/XX", "1/abc", "é"]),
            pick(&["", " ", "?x", "#y", "'"]),
        )
            .prop_map(|(l, s, h, p, t)| [l, s, h, p, t].concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn the_webhook_scan_matches_the_regex(parts in proptest::collection::vec(hook(), 1..3)) {
            let text: String = parts.concat();
            let by_scan = replace_each(&text, |t, i| webhook(t, i, REDACTED));
            proptest::prop_assert_eq!(by_scan, webhooks_by_regex(&text), "{:?}", text);
        }
    }

    #[test]
    fn url_credentials() {
        let r = redact_urls;
        assert_eq!(r("postgres://u:pw@h/db"), "postgres://u:<redacted>@h/db");
        assert_eq!(
            r("a=https://me:p@ss@host:8080?x=1 b=redis://:s3cret@cache"),
            "a=https://me:<redacted>@host:8080?x=1 b=redis://:<redacted>@cache"
        );
        assert_eq!(
            r("https://abc123key@sentry.io/1"),
            "https://<redacted>@sentry.io/1"
        );
        assert_eq!(
            r("ssh://0123456789abcdef0123@host/x"),
            "ssh://<redacted>@host/x",
            "a key-shaped user even for ssh"
        );
        for same in [
            "ssh://git@github.com/x.git",
            "postgres://app@db/x",
            "https://host:8080/path/user@example.com",
            "no url here",
            "://",
            "x://@",
            "http://a:b",
        ] {
            assert_eq!(r(same), same);
        }
    }
}
