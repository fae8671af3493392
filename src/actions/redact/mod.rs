//! What whytop must not write down or print: the values of secret-looking
//! environment variables, and secrets known by their shape (URL credentials,
//! webhooks, keys, tokens) or by the flag or header before them, in any value
//! and any command line. Bundles, the audit log and every command line shown
//! go through here.

mod scan;
mod shape;
mod url;
mod words;

/// Parts of a name that mark it secret, matched anywhere in the name:
/// `API_KEYS`, `SSHPASS`, `GITHUB_OAUTH`, `MYSQL_PWD`, `HTTP_AUTHORIZATION`.
const SECRET_PARTS: [&str; 16] = [
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "PASS",
    "PWD",
    "KEY",
    "CRED", // CREDENTIAL(S), CREDS
    "AUTH", // OAUTH, AUTHORIZATION
    "PRIVATE",
    "SESSION",
    "COOKIE",
    "SIGNATURE",
    "DSN", // connection strings carry credentials
    "CONNECTION_STRING",
];

/// Words that hold a secret part by accident, ignored when they are a whole
/// word of the name (`KEYBOARD_LAYOUT`, `GIT_AUTHOR_NAME`, `FTP_PASSIVE`).
/// `AUTHORIZATION` is not `AUTHOR`: only whole words are ignored.
const INNOCENT_WORDS: [&str; 10] = [
    "KEYBOARD",
    "KEYMAP",
    "AUTHOR",
    "AUTHORS",
    "PASSAGE",
    "PASSIVE",
    "PASSTHROUGH",
    "PASSENGER",
    "COMPASS",
    "BYPASS",
];

/// Whole names that match a secret part but name no secret: working
/// directories and the desktop session's plumbing.
const INNOCENT_NAMES: [&str; 5] = [
    "PWD",
    "OLDPWD",
    "DESKTOP_SESSION",
    "SESSION_MANAGER",
    "DBUS_SESSION_BUS_ADDRESS",
];

/// True for names that look like they hold a secret. Over-redacting costs a
/// value in a bug report; under-redacting leaks a credential: when in doubt, secret.
pub(crate) fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if INNOCENT_NAMES.contains(&upper.as_str()) || upper.starts_with("XDG_SESSION_") {
        return false;
    }
    let kept: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !INNOCENT_WORDS.contains(w))
        .collect();
    let kept = kept.join("_");
    SECRET_PARTS.iter().any(|s| kept.contains(s))
}

pub(crate) const REDACTED: &str = "<redacted>";

/// `text` (a command line, an environment value, a header) with every secret
/// taken out that its shape or the words before it give away.
pub(crate) fn redact_text(text: &str) -> String {
    let t = url::redact_urls(text);
    let t = shape::redact_shapes(&t);
    words::redact_words(&t)
}

/// `NAME=value` pairs with the values of secret-looking names replaced and
/// every other value through `redact_text`.
pub(crate) fn redact_env(pairs: Vec<(String, String)>, redact: bool) -> Vec<(String, String)> {
    if !redact {
        return pairs;
    }
    pairs
        .into_iter()
        .map(|(k, v)| {
            if looks_secret(&k) {
                (k, REDACTED.to_string())
            } else {
                let v = redact_text(&v);
                (k, v)
            }
        })
        .collect()
}

#[cfg(test)]
mod cases;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for s in [
            "API_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "db_password",
            "GITHUB_AUTH",
            "SSH_AUTH_SOCK",
            "STRIPE_APIKEY",
            "MY_CREDENTIALS",
            "PGPASSWORD",
            "API_KEYS",
            "HTTP_AUTHORIZATION",
            "GITHUB_OAUTH",
            "GPG_PASSPHRASE",
            "SSHPASS",
            "MYSQL_PWD",
            "AWS_SESSION_TOKEN",
            "FLASK_SESSION_KEY",
            "PRIVATE_KEY_PATH",
            "SENTRY_DSN",
            "REQUEST_SIGNATURE",
            "GIT_AUTHOR_TOKEN",
        ] {
            assert!(looks_secret(s), "{s}");
        }
        for s in [
            "PATH",
            "HOME",
            "KEYBOARD_LAYOUT",
            "XKB_KEYMAP",
            "LANG",
            "TERM",
            "PASSAGE_DIR",
            "FTP_PASSIVE",
            "GIT_AUTHOR_NAME",
            "PWD",
            "OLDPWD",
            "XDG_SESSION_TYPE",
            "DBUS_SESSION_BUS_ADDRESS",
        ] {
            assert!(!looks_secret(s), "{s}");
        }
    }

    #[test]
    fn values_go_names_stay() {
        let out = redact_env(
            vec![
                ("API_TOKEN".into(), "abc".into()),
                ("HOME".into(), "/root".into()),
                ("DATABASE_URL".into(), "postgres://u:pw@h/db".into()),
            ],
            true,
        );
        assert_eq!(out[0], ("API_TOKEN".to_string(), REDACTED.to_string()));
        assert_eq!(out[1].1, "/root");
        assert_eq!(out[2].1, "postgres://u:<redacted>@h/db");
        let kept = redact_env(
            vec![
                ("API_TOKEN".into(), "abc".into()),
                ("DATABASE_URL".into(), "postgres://u:pw@h/db".into()),
            ],
            false,
        );
        assert_eq!(
            (kept[0].1.as_str(), kept[1].1.as_str()),
            ("abc", "postgres://u:pw@h/db")
        );
    }
}
