//! Who stands behind a process on macOS, from the Mac's own tools: the
//! launchd job that owns it, the power assertions it holds, the signature of
//! its executable and the quarantine mark on it. Plain data; Linux has none
//! of it, so there it is absent (and not shown).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The launchd job whose process it is, when one of the domains whytop
    /// can list owns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launchd: Option<LaunchdJob>,
    /// Power assertions it holds, or a daemon holds on its behalf.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub power: Vec<PowerAssertion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<CodeSignature>,
    /// The `com.apple.quarantine` attribute of its executable, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarantine: Option<Quarantine>,
    /// What could not be read, with why (`codesign: no answer within 5s`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LaunchdJob {
    pub label: String,
    /// `system` or `gui/501`: where `launchctl print DOMAIN/LABEL` finds it.
    pub domain: String,
    /// launchd starts it again when it exits.
    pub keep_alive: bool,
    /// The property list it was loaded from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plist: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `(never exited)`, `0`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_exit: Option<String>,
}

impl LaunchdJob {
    /// What killing it does, for a job that launchd keeps alive.
    pub(crate) fn restart_note(&self) -> Option<&'static str> {
        self.keep_alive
            .then_some("killing it makes launchd start it again")
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerAssertion {
    /// `PreventUserIdleSystemSleep`, `PreventUserIdleDisplaySleep`, ...
    pub kind: String,
    /// What its owner called it.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_secs: Option<u64>,
    /// The daemon holding it on this process's behalf (`414 coreaudiod`),
    /// when it is not the process itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_by: Option<String>,
    /// Keeps the whole Mac awake, not only its display.
    pub prevents_sleep: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSignature {
    /// False for "code object is not signed at all".
    pub signed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// The certificate chain, leaf first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorities: Vec<String>,
    pub adhoc: bool,
    pub hardened_runtime: bool,
    /// Part of macOS itself.
    pub platform_binary: bool,
    /// A notarization ticket is stapled to it.
    pub notarized: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quarantine {
    /// The flag word, as `xattr` prints it (hex).
    pub flags: u16,
    /// The app that downloaded it (`Safari`), when named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// When it was marked, seconds since the Unix epoch (0 or unreadable: None).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marked_at: Option<u64>,
    /// The user has approved opening it once (flag 0x40).
    pub user_approved: bool,
}
