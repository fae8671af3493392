//! `whytop sample --from FILE`: a saved capture, its format detected, printed
//! as a live `whytop sample` prints one. A spindump of many processes is
//! listed; `--pid` picks one.

use crate::model::Pid;
use crate::platform::stackfmt::{self, Format, spindump};
use std::fmt::Write;
use std::path::Path;

const KNOWN: &str = "macOS sample or spindump, gdb, eu-stack, py-spy, jstack/jcmd, a kernel stack";

pub fn run(file: &Path, only_pid: Option<Pid>, json: bool) -> anyhow::Result<i32> {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            errln!("whytop sample: {}: {e}", file.display());
            return Ok(1);
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let Some(format) = stackfmt::detect(&text) else {
        errln!(
            "whytop sample: {}: not a capture whytop knows ({KNOWN})",
            file.display()
        );
        return Ok(1);
    };
    let mut process: Option<(Option<Pid>, String)> = None;
    let mut body: &str = &text;
    if format == Format::Spindump {
        let all = spindump::processes(&text);
        match (only_pid, all.len()) {
            (Some(pid), _) => match all.iter().find(|s| s.pid == Some(pid)) {
                Some(s) => {
                    process = Some((s.pid, s.name.clone()));
                    body = s.text;
                }
                None => {
                    errln!(
                        "whytop sample: {}: no process {pid} among its {} (run without --pid to list them)",
                        file.display(),
                        all.len()
                    );
                    return Ok(1);
                }
            },
            (None, 2..) => return list(file, &all, json),
            (None, _) => {
                if let Some(s) = all.first() {
                    process = Some((s.pid, s.name.clone()));
                    body = s.text;
                }
            }
        }
    } else if only_pid.is_some() {
        errln!(
            "whytop sample: --pid picks one process of a spindump; {} is {} output",
            file.display(),
            format.tool()
        );
        return Ok(2);
    }
    let tree = match stackfmt::parse(format, body) {
        Ok(t) => t,
        Err(e) => {
            errln!("whytop sample: {}: {e}", file.display());
            return Ok(1);
        }
    };
    let (pid, name) = process.unzip();
    if json {
        let v = serde_json::json!({
            "file": file,
            "format": format,
            "tool": format.tool(),
            "pid": pid.flatten(),
            "process": name,
            "tree": tree,
            // Per thread, what its innermost frames say it waits for (null: nothing known).
            "waits": tree
                .threads
                .iter()
                .map(|t| stackfmt::leaf::leaf_wait(&t.frames))
                .collect::<Vec<_>>(),
        });
        return super::emit(&(serde_json::to_string_pretty(&v)? + "\n"));
    }
    let mut out = String::new();
    write!(out, "{}: stacks by {}", file.display(), format.tool())?;
    match (pid.flatten(), &name) {
        (Some(p), Some(n)) => writeln!(out, " (pid {p} {n})")?,
        _ => writeln!(out)?,
    }
    super::stack_text::write_tree(&mut out, &tree, None)?;
    super::emit_printable(&out)
}

/// The processes of a many-process spindump: pid, name, threads.
fn list(file: &Path, all: &[spindump::Section<'_>], json: bool) -> anyhow::Result<i32> {
    let rows: Vec<_> = all
        .iter()
        .map(|s| {
            (
                s.pid,
                s.name.as_str(),
                spindump::parse(s.text).threads.len(),
            )
        })
        .collect();
    if json {
        let v = serde_json::json!({
            "file": file,
            "format": Format::Spindump,
            "tool": "spindump",
            "processes": rows
                .iter()
                .map(|(pid, name, threads)| serde_json::json!({"pid": pid, "process": name, "threads": threads}))
                .collect::<Vec<_>>(),
        });
        return super::emit(&(serde_json::to_string_pretty(&v)? + "\n"));
    }
    let mut out = format!(
        "{}: a spindump of {} processes; pick one with --pid PID\n\n    PID  THREADS  PROCESS\n",
        file.display(),
        rows.len()
    );
    for (pid, name, threads) in rows {
        let pid = pid.map_or_else(|| "?".into(), |p| p.to_string());
        writeln!(out, "{pid:>7}  {threads:>7}  {name}")?;
    }
    super::emit_printable(&out)
}
