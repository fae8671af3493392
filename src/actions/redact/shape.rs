//! Secrets known by their shape wherever they stand: PEM private keys, JWTs,
//! tokens with a well-known prefix, and `key=value` pairs whose key looks secret.

use super::{REDACTED, looks_secret};
use regex::{Captures, Regex};
use std::sync::LazyLock;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("redaction regex")
}

/// The body of a PEM private key (to its END line, or to the end of the text).
static PEM: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?s)(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)(.*?)(-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)")
});

/// header.payload.signature, both JSON parts starting `{"` (base64 `eyJ`).
static JWT: LazyLock<Regex> =
    LazyLock::new(|| re(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"));

/// Tokens whose prefix names the issuer: Stripe, GitHub, Slack, GitLab. The
/// prefix is kept: it says what kind of key was there.
static PREFIXED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(sk_live_|sk_test_|rk_live_|rk_test_|gh[pousr]_|github_pat_|xox[abprs]-|glpat-)[A-Za-z0-9_-]{8,}",
    )
});

/// AWS access key ids.
static AWS: LazyLock<Regex> = LazyLock::new(|| re(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"));

/// `key=value` after a start, a space, `?`, `&`, `;`, `,`, a quote or `(`;
/// the key may be a flag (`--password=x`, `-Dapp.secret=x`).
static PAIR: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(^|[\s?&;,'"(])(-{0,2}[A-Za-z_][A-Za-z0-9_.\-]*)=([^\s&;,'"]+)"#));

pub fn redact_shapes(text: &str) -> String {
    let t = PEM.replace_all(text, format!("${{1}}{REDACTED}${{3}}"));
    let t = JWT.replace_all(&t, REDACTED);
    let t = PREFIXED.replace_all(&t, format!("${{1}}{REDACTED}"));
    let t = AWS.replace_all(&t, format!("${{1}}{REDACTED}"));
    PAIR.replace_all(&t, |c: &Captures| {
        let key = &c[2];
        if looks_secret(key.trim_start_matches('-')) {
            format!("{}{key}={REDACTED}", &c[1])
        } else {
            c[0].to_string()
        }
    })
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let r = redact_shapes;
        assert_eq!(
            r("-----BEGIN RSA PRIVATE KEY-----\nabc"),
            "-----BEGIN RSA PRIVATE KEY-----<redacted>"
        );
        assert_eq!(
            r("-----BEGIN PUBLIC KEY-----\nabc"),
            "-----BEGIN PUBLIC KEY-----\nabc"
        );
        assert_eq!(r("a=1 password=x b=2"), "a=1 password=<redacted> b=2");
        assert_eq!(r("password="), "password=", "nothing to hide");
        assert_eq!(r("ghp_short"), "ghp_short");
    }
}
