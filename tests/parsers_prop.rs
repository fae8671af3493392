//! Every parser of outside text or bytes never panics: on arbitrary input, and
//! on real recorded inputs with random bytes changed, cut or inserted (the
//! shape a truncated read, another kernel or a hostile name gives).
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

use proptest::prelude::*;
use whytop::platform::darwin_decode::{kinfo, procargs};
use whytop::platform::stackfmt::{self, Format};

/// Real inputs to mutate: the recorded stack captures and `/proc` fixtures.
fn fixtures(dir: &str) -> Vec<Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(b) = std::fs::read(&p) {
                out.push(b);
            }
        }
    }
    assert!(!out.is_empty(), "no fixtures under {dir}");
    out
}

/// One of `base`, with up to eight edits: a byte replaced, a cut, an insertion.
fn mutated(base: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let n = base.len();
    (
        0..n,
        prop::collection::vec((any::<u16>(), any::<u8>(), 0u8..3), 0..8),
    )
        .prop_map(move |(i, edits)| {
            let mut b = base[i].clone();
            for (at, byte, kind) in edits {
                let at = if b.is_empty() {
                    0
                } else {
                    usize::from(at) % b.len()
                };
                match kind {
                    0 if !b.is_empty() => b[at] = byte,
                    1 => b.truncate(at),
                    _ => b.insert(at.min(b.len()), byte),
                }
            }
            b
        })
}

const FORMATS: [Format; 7] = [
    Format::Gdb,
    Format::EuStack,
    Format::PySpy,
    Format::Jstack,
    Format::Kernel,
    Format::SampleMacos,
    Format::Spindump,
];

fn all_text_parsers(text: &str) {
    for f in FORMATS {
        let _ = stackfmt::parse(f, text);
    }
    let _ = stackfmt::jstack::threads(text);
    // The Mac's tools' text: launchctl, pmset, codesign, the quarantine attribute.
    {
        use whytop::platform::darwin_decode::{provenance, quarantine};
        let _ = provenance::launchd_label(text, 54109);
        let _ = provenance::launchd_job("label", "system", text);
        let _ = provenance::power(text, 1006);
        let _ = provenance::signature(text);
        let _ = quarantine::parse(text);
    }
    for line in text.lines() {
        let _ = whytop::model::logline::parse_journal_json(line);
        let _ = whytop::model::logline::parse_macos_ndjson(line);
        let _ = whytop::model::logline::guess_level(line);
        let _ = whytop::model::logline::for_terminal(line);
    }
    #[cfg(target_os = "linux")]
    {
        use whytop::model::syscalls::Arch;
        use whytop::platform::linux::{epoll_fdinfo, syscall_file};
        let _ = epoll_fdinfo::parse_epoll_fdinfo(text);
        for arch in [None, Some(Arch::X86_64), Some(Arch::Aarch64)] {
            let _ = syscall_file::parse_syscall(text, arch);
        }
    }
}

fn all_byte_parsers(bytes: &[u8]) {
    let _ = kinfo::decode_kinfo_proc(bytes);
    let _ = procargs::decode_procargs2(bytes);
    let _ = whytop::platform::darwin_decode::fdinfo::vnode_path(bytes);
    let _ = whytop::platform::darwin_decode::c_chars(bytes);
    #[cfg(target_os = "linux")]
    {
        use whytop::platform::linux::remote_mem;
        let _ = whytop::platform::linux::stat::parse_stat(bytes);
        let _ = remote_mem::decode_pollfds(bytes);
        for nfds in [0, 1, 64, 1024, 100_000] {
            let _ = remote_mem::decode_fd_set(bytes, nfds);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn text_parsers_take_any_text(text in "\\PC*") {
        all_text_parsers(&text);
    }

    #[test]
    fn text_parsers_take_mangled_real_captures(b in mutated(fixtures("tests/fixtures/stacks"))) {
        all_text_parsers(&String::from_utf8_lossy(&b));
    }

    #[test]
    fn text_parsers_take_mangled_real_mac_tool_outputs(b in mutated(fixtures("tests/fixtures/darwin"))) {
        all_text_parsers(&String::from_utf8_lossy(&b));
    }

    #[test]
    fn byte_parsers_take_any_bytes(b in prop::collection::vec(any::<u8>(), 0..2048)) {
        all_byte_parsers(&b);
    }

    #[test]
    fn byte_parsers_take_mangled_real_proc_files(b in mutated(fixtures("tests/fixtures"))) {
        all_byte_parsers(&b);
        all_text_parsers(&String::from_utf8_lossy(&b));
    }

    /// A `stat` line with any name (parentheses, spaces, newlines included)
    /// parses back to that name and the fields after it.
    #[cfg(target_os = "linux")]
    #[test]
    fn stat_round_trips_any_name(name in "[^\\x00]{0,15}", ppid in 0i32..4_000_000, state in "[RSDTtZXI]") {
        let line = format!(
            "42 ({name}) {state} {ppid} 42 42 0 -1 4194560 100 0 0 0 5 6 0 0 20 0 1 0 777 1000 10 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
        );
        let st = whytop::platform::linux::stat::parse_stat(line.as_bytes()).unwrap();
        prop_assert_eq!(st.comm, name);
        prop_assert_eq!(st.ppid, ppid);
        prop_assert_eq!(st.state, state.as_bytes()[0]);
        prop_assert_eq!(st.starttime, 777);
    }
}
