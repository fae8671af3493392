//! `codesign -dv --verbose=4 PATH` (it writes to stderr): who signed an
//! executable, parsed from the tool's `Key=value` lines.

/// What the signature says.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Signature {
    /// False for "code object is not signed at all".
    pub signed: bool,
    pub identifier: Option<String>,
    /// `TeamIdentifier`, None when "not set".
    pub team: Option<String>,
    /// The certificate chain, leaf first (`Authority=` lines).
    pub authorities: Vec<String>,
    /// Ad-hoc signed (`Signature=adhoc`): no identity behind it.
    pub adhoc: bool,
    /// Hardened runtime (`runtime` in the CodeDirectory flags).
    pub hardened_runtime: bool,
    /// Part of the OS (`Platform identifier=`).
    pub platform_binary: bool,
    /// `Notarization Ticket=stapled`.
    pub notarization_stapled: bool,
}

pub(crate) fn parse_codesign(text: &str) -> Signature {
    let mut s = Signature {
        signed: !text.contains("is not signed at all") && text.contains('='),
        ..Signature::default()
    };
    for line in text.lines() {
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.trim();
        match k.trim() {
            "Identifier" => s.identifier = Some(v.to_string()),
            "TeamIdentifier" if v != "not set" => s.team = Some(v.to_string()),
            "Authority" => s.authorities.push(v.to_string()),
            "Signature" if v == "adhoc" => s.adhoc = true,
            "CodeDirectory v" => {
                s.hardened_runtime =
                    v.contains("(runtime)") || v.contains(",runtime") || v.contains("runtime,");
                s.adhoc |= v.contains("adhoc");
            }
            "Platform identifier" => s.platform_binary = true,
            "Notarization Ticket" => s.notarization_stapled = v == "stapled",
            _ => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_system_binary() {
        // The fields and their spelling as codesign prints them for /bin/sleep
        // (hashes and sizes made up).
        let text = "Executable=/bin/sleep
Identifier=com.apple.sleep
Format=Mach-O universal (x86_64 arm64e)
CodeDirectory v=20400 size=417 flags=0x0(none) hashes=7+7 location=embedded
Platform identifier=15
VersionPlatform=1
VersionMin=918528
VersionSDK=918528
Hash type=sha256 size=32
CandidateCDHash sha256=9c1f9d0b8a3b1e6e2f0c5d9a7b4e3c2a1f0e9d8c
CandidateCDHashFull sha256=9c1f9d0b8a3b1e6e2f0c5d9a7b4e3c2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c
Hash choices=sha256
CMSDigest=9c1f9d0b8a3b1e6e2f0c5d9a7b4e3c2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c
CMSDigestType=2
Executable Segment base=0
Executable Segment limit=16384
Executable Segment flags=0x1
Page size=4096
CDHash=9c1f9d0b8a3b1e6e2f0c5d9a7b4e3c2a1f0e9d8c
Signature size=4442
Authority=Software Signing
Authority=Apple Code Signing Certification Authority
Authority=Apple Root CA
Signed Time=Sep 14, 2026 at 08:12:54
Info.plist=not bound
TeamIdentifier=not set
Sealed Resources=none
Internal requirements count=1 size=64
";
        let s = parse_codesign(text);
        assert!(s.signed && s.platform_binary && !s.adhoc);
        assert_eq!(s.identifier.as_deref(), Some("com.apple.sleep"));
        assert_eq!(s.team, None);
        assert_eq!(s.authorities[0], "Software Signing");
    }

    #[test]
    fn developer_id_adhoc_and_unsigned() {
        let dev = "Identifier=com.example.syncd
CodeDirectory v=20500 size=1234 flags=0x10000(runtime) hashes=30+7 location=embedded
Authority=Developer ID Application: Example Ltd (AB12CD34EF)
Authority=Developer ID Certification Authority
Authority=Apple Root CA
Timestamp=24 Nov 2026 at 10:00:00
Notarization Ticket=stapled
TeamIdentifier=AB12CD34EF
";
        let s = parse_codesign(dev);
        assert!(s.hardened_runtime && s.notarization_stapled && !s.platform_binary);
        assert_eq!(s.team.as_deref(), Some("AB12CD34EF"));
        assert_eq!(
            s.authorities[0],
            "Developer ID Application: Example Ltd (AB12CD34EF)"
        );
        let adhoc = "Identifier=a.out-55554944\nCodeDirectory v=20400 size=300 flags=0x20002(adhoc,linker-signed) hashes=6+0 location=embedded\nSignature=adhoc\nTeamIdentifier=not set\n";
        let s = parse_codesign(adhoc);
        assert!(s.adhoc && !s.hardened_runtime);
        let none = parse_codesign("/tmp/x: code object is not signed at all\n");
        assert!(!none.signed);
    }
}
