//! Which environment variables look secret, so bundles keep their names and drop
//! their values.

const SECRET_WORDS: [&str; 12] = [
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PASS",
    "KEY",
    "CREDENTIAL",
    "AUTH",
    "COOKIE",
    "SESSION",
    "PRIVATE",
    "SIGNATURE",
];

/// True for `API_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `db_password`, `GITHUB_AUTH`...;
/// word parts are matched, so `KEYBOARD_LAYOUT` or `PASSAGE` are not secrets.
pub fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let parts: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    parts.iter().any(|p| {
        SECRET_WORDS.iter().any(|w| {
            p == w || (w.len() >= 5 && p.contains(w)) || p.ends_with("KEY") || p.ends_with("TOKEN")
        })
    })
}

pub const REDACTED: &str = "<redacted>";

/// `NAME=value` pairs with the values of secret-looking names replaced.
pub fn redact_env(pairs: Vec<(String, String)>, redact: bool) -> Vec<(String, String)> {
    pairs
        .into_iter()
        .map(|(k, v)| {
            if redact && looks_secret(&k) {
                (k, REDACTED.to_string())
            } else {
                (k, v)
            }
        })
        .collect()
}

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
        ] {
            assert!(looks_secret(s), "{s}");
        }
        for s in [
            "PATH",
            "HOME",
            "KEYBOARD_LAYOUT",
            "LANG",
            "TERM",
            "PASSAGE_DIR",
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
            ],
            true,
        );
        assert_eq!(out[0], ("API_TOKEN".to_string(), REDACTED.to_string()));
        assert_eq!(out[1].1, "/root");
        assert_eq!(
            redact_env(vec![("API_TOKEN".into(), "abc".into())], false)[0].1,
            "abc"
        );
    }
}
