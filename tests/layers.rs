//! The boundaries of DESIGN.md, read from the sources: a module imports only
//! its own tree and the floors below it, and no two files import each other
//! (round any circle); `unsafe`, `cfg(target_os)` and the `/proc` root are
//! written only under `src/platform/`.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

use std::path::{Path, PathBuf};

/// Top to bottom. `ui` is drawn by the binary alone (it hands `ui::render` to
/// the app's event loop) and reads the app, not the actions or collectors
/// beneath it; `present` is what the app, the ui and the CLI share.
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
            // The ui reads `&App`: what it shows comes through the app.
            let reads_app = tree != "ui" || !["actions", "collectors"].contains(&used.as_str());
            if !down || !ui_ok || !reads_app {
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

/// `a::{b, c::{d, e}}` as the paths it names: `a::b`, `a::c::d`, `a::c::e`.
fn expand(path: &str) -> Vec<String> {
    let Some(open) = path.find('{') else {
        return vec![path.to_string()];
    };
    let (head, inner) = (&path[..open], &path[open + 1..path.len() - 1]);
    let (mut items, mut depth, mut cur) = (Vec::new(), 0, String::new());
    for ch in inner.chars() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    items.push(cur);
    items
        .iter()
        .filter(|i| !i.is_empty())
        .flat_map(|i| expand(&format!("{head}{i}")))
        .collect()
}

#[test]
fn no_import_circles_between_files() {
    // Module path (`model::why::fds`) of every file but lib.rs and main.rs.
    let mut files = std::collections::BTreeMap::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (_, path, text) in sources() {
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        if rel == "lib.rs" || rel == "main.rs" {
            continue;
        }
        let m = rel
            .trim_end_matches(".rs")
            .trim_end_matches("/mod")
            .replace('/', "::");
        files.insert(m, code(&text));
    }
    let resolve = |parts: &[&str]| {
        (1..=parts.len())
            .rev()
            .map(|k| parts[..k].join("::"))
            .find(|c| files.contains_key(c))
    };
    let mut edges: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for (m, code) in &files {
        let parent = m.rsplit_once("::").map_or("", |(p, _)| p);
        let mut paths = Vec::new();
        for (at, _) in code.match_indices("use ") {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let stmt = code[at + 4..].split(';').next().unwrap();
            let stmt: String = stmt.chars().filter(|c| !c.is_whitespace()).collect();
            paths.extend(expand(&stmt));
        }
        for prefix in ["crate::", "super::"] {
            for (at, _) in code.match_indices(prefix) {
                let rest: String = code[at..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                paths.push(rest);
            }
        }
        for p in paths {
            let p = p.split(" as ").next().unwrap();
            let mut parts: Vec<&str> = p.split("::").filter(|s| !s.is_empty()).collect();
            match parts.first() {
                Some(&"crate") => {
                    parts.remove(0);
                }
                Some(&"super") => {
                    parts.remove(0);
                    let up: Vec<&str> = parent.split("::").filter(|s| !s.is_empty()).collect();
                    parts = up.into_iter().chain(parts).collect();
                }
                _ => continue,
            }
            let Some(to) = resolve(&parts) else { continue };
            // A module and its own files (declared in it, re-exported by it) are one.
            if to != *m && !m.starts_with(&format!("{to}::")) && !to.starts_with(&format!("{m}::"))
            {
                edges.entry(m.as_str()).or_default().push(to);
            }
        }
    }
    // Depth-first: a file met again while still on the path closes a circle.
    fn visit<'a>(
        m: &'a str,
        edges: &'a std::collections::BTreeMap<&'a str, Vec<String>>,
        path: &mut Vec<&'a str>,
        done: &mut std::collections::BTreeSet<&'a str>,
    ) -> Option<String> {
        if let Some(i) = path.iter().position(|p| *p == m) {
            return Some(format!("{} -> {m}", path[i..].join(" -> ")));
        }
        if !done.insert(m) {
            return None;
        }
        path.push(m);
        for to in edges.get(m).into_iter().flatten() {
            if let Some(c) = visit(to, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = Default::default();
    for m in files.keys() {
        if let Some(circle) = visit(m, &edges, &mut Vec::new(), &mut done) {
            panic!("an import circle: {circle}");
        }
    }
}
