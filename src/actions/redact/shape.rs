//! Secrets known by their shape wherever they stand: PEM private keys, JWTs,
//! tokens with a well-known prefix, and `key=value` pairs whose key looks secret.

use super::scan::{aws_key, issuer_token, jwt, key_value, pem, replace_each};
use super::{REDACTED, looks_secret};

/// PEM private keys, JWTs, issuer-prefixed tokens, AWS key ids, then
/// secret-looking `key=value` pairs, each pass over the last one's output.
pub(crate) fn redact_shapes(text: &str) -> String {
    let t = replace_each(text, |t, i| pem(t, i, REDACTED));
    let t = replace_each(&t, |t, i| jwt(t, i, REDACTED));
    let t = replace_each(&t, |t, i| issuer_token(t, i, REDACTED));
    let t = replace_each(&t, |t, i| aws_key(t, i, REDACTED));
    replace_each(&t, |t, i| key_value(t, i, REDACTED, looks_secret))
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::{Captures, Regex};

    fn re(p: &str) -> Regex {
        Regex::new(p).unwrap()
    }

    /// The regexes the scans stand for: the oracle they are held against.
    static ORACLE: std::sync::LazyLock<[Regex; 5]> = std::sync::LazyLock::new(|| {
        [
            re(
                r"(?s)(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)(.*?)(-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)",
            ),
            re(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
            re(
                r"\b(sk_live_|sk_test_|rk_live_|rk_test_|gh[pousr]_|github_pat_|xox[abprs]-|glpat-)[A-Za-z0-9_-]{8,}",
            ),
            re(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
            re(r#"(^|[\s?&;,'"(])(-{0,2}[A-Za-z_][A-Za-z0-9_.\-]*)=([^\s&;,'"]+)"#),
        ]
    });

    pub(crate) fn by_regex(text: &str) -> String {
        let [pem, jwt, prefixed, aws, pair] = &*ORACLE;
        let t = pem.replace_all(text, format!("${{1}}{REDACTED}${{3}}"));
        let t = jwt.replace_all(&t, REDACTED);
        let t = prefixed.replace_all(&t, format!("${{1}}{REDACTED}"));
        let t = aws.replace_all(&t, format!("${{1}}{REDACTED}"));
        pair.replace_all(&t, |c: &Captures| {
            let key = &c[2];
            if looks_secret(key.trim_start_matches('-')) {
                format!("{}{key}={REDACTED}", &c[1])
            } else {
                c[0].to_string()
            }
        })
        .into_owned()
    }

    /// One piece of text near an edge of one of the shapes: a length one short
    /// or one over, a missing delimiter, a prefix glued to a word.
    fn piece() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let b64 = |n: std::ops::Range<usize>| {
            proptest::collection::vec(prop::sample::select(&b"aZ9_-"[..]), n)
                .prop_map(|v| String::from_utf8(v).unwrap())
        };
        let pick = |xs: &'static [&'static str]| prop::sample::select(xs).prop_map(String::from);
        prop_oneof![
            (
                pick(&["-----BEGIN ", "-----END "]),
                pick(&["", "RSA ", "EC ", "rsa "]),
                pick(&["PRIVATE KEY", "PUBLIC KEY", "PRIVATE KEY "]),
                pick(&["-----", "----", "-----\n"])
            )
                .prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}")),
            (
                pick(&["", "x", " "]),
                b64(3..7),
                pick(&[".", ""]),
                pick(&["eyJ", "eyj"]),
                b64(3..7),
                pick(&[".", ""]),
                b64(0..3)
            )
                .prop_map(|(l, a, d1, e, b, d2, c)| format!("{l}eyJ{a}{d1}{e}{b}{d2}{c}")),
            (
                pick(&["", "x", " ", "_"]),
                pick(&[
                    "sk_live_",
                    "sk_test_",
                    "rk_live_",
                    "ghp_",
                    "gho_",
                    "ghx_",
                    "github_pat_",
                    "xoxb-",
                    "xoxq-",
                    "glpat-"
                ]),
                b64(6..10)
            )
                .prop_map(|(l, p, t)| format!("{l}{p}{t}")),
            (
                pick(&["", "x", " "]),
                pick(&["AKIA", "ASIA", "AKIB"]),
                15usize..18,
                pick(&["", " ", "a", "Z", "é"])
            )
                .prop_map(|(l, p, n, t)| format!("{l}{p}{}{t}", &"0123456789ABCDEFGH"[..n])),
            (
                pick(&[
                    "", " ", "?", "&", ";", ",", "'", "\"", "(", "x", "\t", "=", "é"
                ]),
                0usize..4,
                pick(&[
                    "password",
                    "token",
                    "key",
                    "user",
                    "_x",
                    "9x",
                    "a.b-c",
                    "app.secret"
                ]),
                pick(&["=", "", "=="]),
                pick(&["", "v", "hunter2", "a&b", "x'y", "(p)"])
            )
                .prop_map(|(l, d, k, e, v)| format!("{l}{}{k}{e}{v}", "-".repeat(d))),
            pick(&[" ", "\n", "x", "é", "-", "="]),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn scans_match_the_regexes(parts in proptest::collection::vec(piece(), 0..6)) {
            let text: String = parts.concat();
            proptest::prop_assert_eq!(redact_shapes(&text), by_regex(&text), "{:?}", text);
        }
    }

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
