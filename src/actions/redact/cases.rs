//! The redaction table: real-looking command lines and environment values,
//! what must go and, as many again, what must stay as it is.

use super::{REDACTED, redact_env, redact_text};

/// (command line, what it must become): secrets by name and by shape.
const COMMANDS: &[(&str, &str)] = &[
    ("mysql -u root -phunter2 app", "mysql -u root -p<R> app"),
    (
        "/usr/bin/mysqldump -u root -p hunter2 app",
        "/usr/bin/mysqldump -u root -p <R> app",
    ),
    (
        "sshpass -p hunter2 ssh deploy@host",
        "sshpass -p <R> ssh deploy@host",
    ),
    (
        "redis-cli -h cache -a s3cr3t ping",
        "redis-cli -h cache -a <R> ping",
    ),
    (
        "ldapsearch -x -D cn=admin -w hunter2 -b dc=x",
        "ldapsearch -x -D cn=admin -w <R> -b dc=x",
    ),
    (
        "curl -u admin:hunter2 https://x.example.com",
        "curl -u admin:<R> https://x.example.com",
    ),
    (
        "app --password=hunter2 --verbose",
        "app --password=<R> --verbose",
    ),
    (
        "app --password hunter2 --verbose",
        "app --password <R> --verbose",
    ),
    ("app --db-password secret1", "app --db-password <R>"),
    ("gh --token abc123def api /user", "gh --token <R> api /user"),
    ("client --api-key=abc123", "client --api-key=<R>"),
    (
        "oauth2-proxy --client-secret abc123def --upstream=http://127.0.0.1:8080",
        "oauth2-proxy --client-secret <R> --upstream=http://127.0.0.1:8080",
    ),
    ("tool --secret=xyz789", "tool --secret=<R>"),
    (
        "java -Djavax.net.ssl.keyStorePassword=changeit -jar app.jar",
        "java -Djavax.net.ssl.keyStorePassword=<R> -jar app.jar",
    ),
    (
        "curl -H Authorization: Bearer abc.def.ghi https://api.example.com",
        "curl -H Authorization: Bearer <R> https://api.example.com",
    ),
    (
        "curl -H Authorization: Basic YWRtaW46aHVudGVyMg== https://api.example.com",
        "curl -H Authorization: Basic <R> https://api.example.com",
    ),
    (
        "curl -H X-Api-Key: 0123456789abcdef https://api.example.com",
        "curl -H X-Api-Key: <R> https://api.example.com",
    ),
    (
        "curl https://api.example.com/v1/items?token=abc123&page=2",
        "curl https://api.example.com/v1/items?token=<R>&page=2",
    ),
    (
        "notify https://abc123key@sentry.io/1",
        "notify https://<R>@sentry.io/1",
    ),
    (
        "notify https://hooks.slack.com/services/T0123ABC/B0456DEF/xyzXYZ123456",
        "notify https://hooks.slack.com/services/<R>",
    ),
    (
        "bot https://discord.com/api/webhooks/123456789/abcDEF-ghi_jkl",
        "bot https://discord.com/api/webhooks/<R>",
    ),
    (
        "psql postgres://app:pw@db:5432/app",
        "psql postgres://app:<R>@db:5432/app",
    ),
    (
        "deploy --jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
        "deploy --jwt <R>",
    ),
    ("charge sk_live_51HabcdefGHIJKLmnop", "charge sk_live_<R>"),
    (
        "git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r",
        "git clone https://<R>@github.com/o/r",
    ),
    (
        "push ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "push ghp_<R>",
    ),
    (
        "push github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
        "push github_pat_<R>",
    ),
    (
        "glab-cli --header PRIVATE-TOKEN: glpat-abcdefghij1234567890",
        "glab-cli --header PRIVATE-TOKEN: <R>",
    ),
    ("runner glpat-abcdefghij1234567890", "runner glpat-<R>"),
    (
        "slackcat xoxb-123456789012-abcdefghijkl",
        "slackcat xoxb-<R>",
    ),
    (
        "slackcat xoxp-123456789012-abcdefghijkl",
        "slackcat xoxp-<R>",
    ),
    ("s3sync AKIAIOSFODNN7EXAMPLE", "s3sync AKIA<R>"),
];

/// Command lines that hold nothing secret: they stay exactly as they are.
const INNOCENT_COMMANDS: &[&str] = &[
    "/usr/bin/python3 /opt/app/server.py --port 8080",
    "ssh -p 2222 git@github.com",
    "scp -P 2222 file host:/tmp/",
    "psql -p 5432 -h db app",
    "mkdir -p /var/lib/app/cache",
    "cp -p /etc/hosts /tmp/hosts",
    "nc -l -p 9000",
    "git checkout 3f2c1e9a8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e",
    "curl -H X-Request-Id: 123e4567-e89b-12d3-a456-426614174000 https://api.example.com/items",
    "git fetch ssh://git@github.com/o/r.git",
    "app --keyboard-layout dvorak",
    "sort -k 2 -t , file.csv",
    "wget --passive-ftp ftp://mirror.example.com/pub/file",
    "docker login --password-stdin -u me registry.example.com",
    "tar -czf backup.tar.gz /home/u/docs",
    "rsync -avz -e ssh src/ host:/dst/",
    "python3 -m http.server 8000",
    "java -Xmx2g -jar /opt/app.jar",
    "git log --author=bob --since=2.weeks",
    "grep -rn TOKEN src/",
    "app --config=/etc/app/config.toml",
    "kubectl get pods -n kube-system -o wide",
    "curl https://example.com/search?q=keyboard&page=2",
    "open https://host:8080/path/user@example.com",
    "sleep 300",
    "/usr/lib/firefox/firefox -contentproc -childID 3 -isForBrowser -prefsLen 31 -prefMapSize 244",
    "echo user:name",
];

/// (name, value, what the value must become) for names that do not look secret.
const VALUES: &[(&str, &str, &str)] = &[
    (
        "PGOPTS",
        "host=db password=hunter2 dbname=app",
        "host=db password=<R> dbname=app",
    ),
    (
        "ERROR_REPORTER",
        "https://abc123key@sentry.io/1",
        "https://<R>@sentry.io/1",
    ),
    (
        "HOOK_URL",
        "https://hooks.slack.com/services/T0/B0/XYZ123",
        "https://hooks.slack.com/services/<R>",
    ),
    (
        "TLS_PEM",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0BAQ\n-----END PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----<R>-----END PRIVATE KEY-----",
    ),
    (
        "SSH_ID",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\n",
        "-----BEGIN OPENSSH PRIVATE KEY-----<R>-----END OPENSSH PRIVATE KEY-----\n",
    ),
    (
        "BOOT_ARG",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
        "<R>",
    ),
    ("STRIPE", "sk_live_51Habcdefghijklmnop", "sk_live_<R>"),
    (
        "CURL_OPTS",
        "-H 'Authorization: Bearer abc123'",
        "-H 'Authorization: Bearer <R>'",
    ),
    (
        "ARGS",
        "--password hunter2 --retries 3",
        "--password <R> --retries 3",
    ),
    (
        "JAVA_OPTS",
        "-Xmx1g -Dapp.secret=shh -Dapp.name=x",
        "-Xmx1g -Dapp.secret=<R> -Dapp.name=x",
    ),
];

/// Values that stay as they are.
const INNOCENT_VALUES: &[(&str, &str)] = &[
    ("KEYBOARD", "us"),
    ("PATH", "/usr/local/bin:/usr/bin:/bin"),
    ("GIT_COMMIT", "3f2c1e9a8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e"),
    ("REQUEST_ID", "123e4567-e89b-12d3-a456-426614174000"),
    ("LANG", "en_US.UTF-8"),
    ("HOME", "/root"),
    ("PWD", "/home/u/keys"),
    ("GIT_AUTHOR_NAME", "Jane Doe"),
    ("SSH_URL", "ssh://git@host/x"),
    ("LS_COLORS", "rs=0:di=01;34:ln=01;36"),
    ("XDG_SESSION_TYPE", "wayland"),
    ("EDITOR", "vim -p"),
];

fn expand(s: &str) -> String {
    s.replace("<R>", REDACTED)
}

#[test]
fn redacts_by_shape_and_keeps_what_is_not_secret() {
    let mut wrong = Vec::new();
    for (cmd, want) in COMMANDS {
        let got = redact_text(cmd);
        if got != expand(want) {
            wrong.push(format!(
                "{cmd:?}\n   got {got:?}\n  want {:?}",
                expand(want)
            ));
        }
    }
    for cmd in INNOCENT_COMMANDS {
        let got = redact_text(cmd);
        if got != *cmd {
            wrong.push(format!("{cmd:?} must stay\n   got {got:?}"));
        }
    }
    let env = |n: &str, v: &str| redact_env(vec![(n.into(), v.into())], true).remove(0).1;
    for (name, value, want) in VALUES {
        let got = env(name, value);
        if got != expand(want) {
            wrong.push(format!(
                "{name}={value:?}\n   got {got:?}\n  want {:?}",
                expand(want)
            ));
        }
    }
    for (name, value) in INNOCENT_VALUES {
        let got = env(name, value);
        if got != *value {
            wrong.push(format!("{name}={value:?} must stay\n   got {got:?}"));
        }
    }
    let innocent = INNOCENT_COMMANDS.len() + INNOCENT_VALUES.len();
    let secret = COMMANDS.len() + VALUES.len();
    assert!(
        innocent >= 20 && innocent + secret >= 40,
        "{innocent} {secret}"
    );
    assert!(
        wrong.is_empty(),
        "{} of {}:\n{}",
        wrong.len(),
        innocent + secret,
        wrong.join("\n")
    );
}

#[test]
fn redacting_twice_changes_nothing_more() {
    for (cmd, _) in COMMANDS {
        let once = redact_text(cmd);
        assert_eq!(redact_text(&once), once, "{cmd}");
    }
}
