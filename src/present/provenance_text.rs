//! Words for a process's provenance (launchd job, power assertions,
//! signature, quarantine), shared by the detail pane and `whytop why`: one
//! labelled line each, nothing at all where the platform has none (Linux).

use super::format;
use crate::model::provenance::{CodeSignature, LaunchdJob, PowerAssertion, Provenance, Quarantine};

/// `(label, text)` lines, in the order the detail pane shows them.
pub fn lines(p: &Provenance) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(j) = &p.launchd {
        out.push(("Launchd", launchd(j)));
    }
    for a in &p.power {
        out.push(("Power", power(a)));
    }
    if let Some(s) = &p.signature {
        out.push(("Signed", signature(s)));
    }
    if let Some(q) = &p.quarantine {
        out.push(("Download", quarantine(q)));
    }
    if !p.unreadable.is_empty() {
        out.push(("Not read", p.unreadable.join("; ")));
    }
    out.into_iter()
        .map(|(l, t)| (l, format::printable(&t).into_owned()))
        .collect()
}

/// `job otelcol-sumo (system), KeepAlive: killing it makes launchd start it again; /Library/…plist`.
fn launchd(j: &LaunchdJob) -> String {
    let mut s = format!("job {} ({})", j.label, j.domain);
    match j.restart_note() {
        Some(note) => s.push_str(&format!(", KeepAlive: {note}")),
        None => s.push_str(", not kept alive"),
    }
    if let Some(state) = &j.state {
        s.push_str(&format!("; {state}"));
    }
    if let Some(p) = &j.plist {
        s.push_str(&format!("; {p}"));
    }
    s
}

/// `PreventUserIdleSystemSleep "Handoff" for 1 m, keeps the Mac awake (held by 414 coreaudiod for it)`.
fn power(a: &PowerAssertion) -> String {
    let mut s = a.kind.clone();
    if !a.name.is_empty() {
        s.push_str(&format!(" \"{}\"", a.name));
    }
    if let Some(t) = a.held_secs {
        s.push_str(&format!(" for {}", format::duration_secs(t)));
    }
    if a.prevents_sleep {
        s.push_str(", keeps the Mac awake");
    }
    if let Some(by) = &a.held_by {
        s.push_str(&format!(" (held by {by} for it)"));
    }
    s
}

/// `com.microsoft.VSCode, team UBF8T346G9, Developer ID Application: …, hardened runtime, notarized`.
fn signature(s: &CodeSignature) -> String {
    if !s.signed {
        return "not signed".into();
    }
    let mut parts: Vec<String> = Vec::new();
    if let Some(id) = &s.identifier {
        parts.push(id.clone());
    }
    if let Some(t) = &s.team {
        parts.push(format!("team {t}"));
    }
    if s.adhoc {
        parts.push("ad-hoc (no identity behind it)".into());
    } else if s.platform_binary {
        parts.push("Apple, part of macOS".into());
    } else if let Some(a) = s.authorities.first() {
        parts.push(a.clone());
    } else {
        parts.push("authority unreadable".into());
    }
    if s.hardened_runtime {
        parts.push("hardened runtime".into());
    }
    parts.push(
        if s.notarized {
            "notarized (ticket stapled)"
        } else {
            "no notarization ticket stapled"
        }
        .into(),
    );
    parts.join(", ")
}

/// `quarantined by Safari, 2026-… : Gatekeeper checks it when it is first opened`.
fn quarantine(q: &Quarantine) -> String {
    let mut s = String::from("quarantined");
    if let Some(a) = &q.agent {
        s.push_str(&format!(" by {a}"));
    }
    if let Some(t) = q.marked_at {
        s.push_str(&format!(" at {}", format::local_time(t as f64)));
    }
    s.push_str(&format!(" (flags {:04x}): ", q.flags));
    s.push_str(if q.user_approved {
        "the user approved opening it"
    } else {
        "Gatekeeper checks it when it is first opened"
    });
    s
}
