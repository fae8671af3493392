//! The boundaries of DESIGN.md, read from the sources: a module imports only
//! its own tree and the floors below it; `unsafe`, `cfg(target_os)` and the
//! `/proc` root are written only under `src/platform/`.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

use std::path::{Path, PathBuf};

/// Top to bottom. `ui` is drawn by the binary alone (it hands `ui::render` to
/// the app's event loop); `present` is what the app, the ui and the CLI share.
const FLOORS: [&str; 10] = [
    "main",
    "cli",
    "ui",
    "app",
    "present",
    "actions",
    "collectors",
    "store",
    "platform",
    "model",
];

/// Every `.rs` file under `src/`, with the tree it belongs to (`main`, `lib`, or
/// the top-level module).
fn sources() -> Vec<(String, PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(&src).unwrap();
                let first = rel.components().next().unwrap().as_os_str();
                let tree = first.to_str().unwrap().trim_end_matches(".rs").to_string();
                out.push((tree, p.clone(), std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out
}

/// The code of a file without its comments and its unit tests (which may draw
/// a screen or call a layer above to check a result).
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap();
    text.lines()
        .map(|l| l.split("//").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

fn floor(m: &str) -> Option<usize> {
    FLOORS.iter().position(|f| *f == m)
}

#[test]
fn layers_point_down() {
    let mut wrong = Vec::new();
    for (tree, path, text) in sources() {
        let name = path.file_name().unwrap().to_str().unwrap();
        if tree == "lib" || name == "tests.rs" || name.ends_with("_tests.rs") {
            continue;
        }
        let me = floor(&tree).unwrap_or_else(|| panic!("{tree} is on no floor: add it to FLOORS"));
        let prefix = if tree == "main" {
            "whytop::"
        } else {
            "crate::"
        };
        let code = code(&text);
        for (at, _) in code.match_indices(prefix) {
            let rest = &code[at + prefix.len()..];
            let used: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let Some(theirs) = floor(&used) else { continue };
            let down = theirs > me || used == tree;
            let ui_ok = used != "ui" || tree == "main" || tree == "ui";
            if !down || !ui_ok {
                wrong.push(format!("{}: {tree} imports {used}", path.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that run up the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn unsafe_cfg_target_os_and_the_proc_root_only_under_platform() {
    let mut wrong = Vec::new();
    for (tree, path, text) in sources() {
        if tree == "platform" {
            continue;
        }
        let code: String = text
            .lines()
            .map(|l| l.split("//").next().unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        for bad in [
            "unsafe {",
            "unsafe fn",
            "unsafe impl",
            "unsafe extern",
            "target_os",
            "\"/proc\"",
            "\"/proc/{",
        ] {
            if code.contains(bad) {
                wrong.push(format!("{}: {bad}", path.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "outside src/platform/:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_tree_but_platform_forbids_unsafe_code() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let lines: Vec<&str> = lib.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        let Some(m) = l.strip_prefix("pub mod ").and_then(|m| m.strip_suffix(';')) else {
            continue;
        };
        let forbids = i > 0 && lines[i - 1] == "#[forbid(unsafe_code)]";
        assert_eq!(forbids, m != "platform", "src/lib.rs: {m}");
    }
    let main =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs")).unwrap();
    assert!(main.starts_with("#![forbid(unsafe_code)]"), "src/main.rs");
}
