//! The Mac's tool outputs as `model::provenance`: which launchd job owns a
//! pid (`launchctl list`, then `launchctl print DOMAIN/LABEL`), the power
//! assertions it holds (`pmset -g assertions`) and who signed its executable
//! (`codesign -dv --verbose=4`). Pure; the macOS backend runs the tools.

use super::{codesign, launchd, pmset};
use crate::model::provenance::{CodeSignature, LaunchdJob, PowerAssertion};

/// The label of the job `launchctl list` shows running as `pid`.
pub fn launchd_label(list: &str, pid: i32) -> Option<String> {
    let jobs = launchd::parse_list(list);
    launchd::job_of(&jobs, pid).map(|j| j.label.clone())
}

/// The job `label` of `domain` as `launchctl print` describes it.
pub fn launchd_job(label: &str, domain: &str, print: &str) -> LaunchdJob {
    let s = launchd::parse_print(print);
    LaunchdJob {
        label: label.to_string(),
        domain: domain.to_string(),
        keep_alive: s.keep_alive(),
        plist: s.path,
        state: s.state,
        last_exit: s.last_exit,
    }
}

/// The assertions `pid` holds, or a daemon holds for it.
pub fn power(assertions: &str, pid: i32) -> Vec<PowerAssertion> {
    let all = pmset::parse_assertions(assertions);
    pmset::held_by(&all, pid)
        .into_iter()
        .map(|a| PowerAssertion {
            kind: a.kind.clone(),
            name: a.name.clone(),
            held_secs: a.held_secs,
            held_by: (a.pid != pid).then(|| format!("{} {}", a.pid, a.process)),
            prevents_sleep: a.prevents_sleep(),
        })
        .collect()
}

/// What codesign said (on stderr) of an executable.
pub fn signature(text: &str) -> CodeSignature {
    let s = codesign::parse_codesign(text);
    CodeSignature {
        signed: s.signed,
        identifier: s.identifier,
        team: s.team,
        // `Authority=(unavailable)`: codesign could not read the chain.
        authorities: s
            .authorities
            .into_iter()
            .filter(|a| a != "(unavailable)")
            .collect(),
        adhoc: s.adhoc,
        hardened_runtime: s.hardened_runtime,
        platform_binary: s.platform_binary,
        notarized: s.notarization_stapled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/tests/fixtures/darwin/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn a_keepalive_daemon_from_recorded_launchctl_output() {
        let label = launchd_label(&fixture("launchctl-list-root.txt"), 54109);
        assert_eq!(label.as_deref(), Some("otelcol-sumo"));
        assert_eq!(launchd_label(&fixture("launchctl-list-root.txt"), 1), None);
        let job = launchd_job(
            "otelcol-sumo",
            "system",
            &fixture("launchctl-print-otelcol.txt"),
        );
        assert!(job.keep_alive);
        assert_eq!(
            job.restart_note(),
            Some("killing it makes launchd start it again")
        );
        assert_eq!(
            job.plist.as_deref(),
            Some("/Library/LaunchDaemons/com.sumologic.otelcol-sumo.plist")
        );
        assert_eq!(job.state.as_deref(), Some("running"));
        assert_eq!(job.last_exit.as_deref(), Some("(never exited)"));
    }

    #[test]
    fn assertions_from_recorded_pmset_output() {
        let text = fixture("pmset-assertions-macos26.txt");
        // Zen Browser (1006) plays audio: coreaudiod holds the assertion for it.
        let zen = power(&text, 1006);
        assert_eq!(zen.len(), 1);
        assert_eq!(zen[0].kind, "PreventUserIdleSystemSleep");
        assert_eq!(zen[0].held_by.as_deref(), Some("414 coreaudiod"));
        assert_eq!(zen[0].held_secs, Some(93));
        assert!(zen[0].prevents_sleep);
        let caf = power(&text, 72128);
        assert_eq!(caf[0].name, "caffeinate command-line tool");
        assert_eq!(caf[0].held_by, None);
        // Only processes that hold one.
        assert!(power(&text, 1).is_empty());
        // `caffeinate CMD` holds them for the command it runs.
        let text = fixture("pmset-assertions-caffeinate.txt");
        let own = power(&text, 57889);
        assert_eq!(
            own.iter().map(|a| a.kind.as_str()).collect::<Vec<_>>(),
            [
                "PreventUserIdleSystemSleep",
                "PreventSystemSleep",
                "PreventDiskIdle"
            ]
        );
        let claude = power(&text, 57888);
        assert_eq!(claude.len(), 3);
        assert!(
            claude
                .iter()
                .all(|a| a.held_by.as_deref() == Some("57889 caffeinate"))
        );
    }

    #[test]
    fn signatures_from_recorded_codesign_output() {
        let vs = signature(&fixture("codesign-vscode.txt"));
        assert!(vs.signed && vs.notarized && vs.hardened_runtime && !vs.adhoc);
        assert_eq!(vs.identifier.as_deref(), Some("com.microsoft.VSCode"));
        assert_eq!(vs.team.as_deref(), Some("UBF8T346G9"));
        assert_eq!(
            vs.authorities[0],
            "Developer ID Application: Microsoft Corporation (UBF8T346G9)"
        );
        assert_eq!(vs.authorities.len(), 3);
        let steam = signature(&fixture("codesign-authority-unavailable.txt"));
        assert!(steam.signed && steam.notarized);
        assert!(steam.authorities.is_empty());
        assert_eq!(steam.team.as_deref(), Some("PL47UP47QQ"));
        let none = signature("/tmp/a.out: code object is not signed at all\n");
        assert!(!none.signed);
    }
}
