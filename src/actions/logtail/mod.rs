//! Following what a process writes: journald when it runs, else the files its
//! stdout and stderr point to; saying plainly when they are a terminal or a pipe.
//! The tail ends when the process exits. Memory is bounded whatever the
//! process writes: lines are cut at `LINE_LIMIT`, and the backlog is found by
//! reading backwards, holding offsets only.
//!
//! Files are opened through `/proc/PID/fd/N`, not the path the link shows: that
//! reaches the very file the process writes, even deleted or in another mount
//! namespace.

mod assemble;
mod backlog;
mod file;
mod journal;
mod maclog;

use crate::model::ProcKey;
use crate::model::logline::{LogLine, parse_journal_json, parse_macos_ndjson};
use crate::platform::cancel::CancelToken;
use crate::platform::handle;
use file::FileTail;
use journal::Journal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Source {
    Journal,
    /// macOS unified logging: `log show` for the backlog, `log stream` to follow.
    MacLog,
    File {
        /// What to open: `/proc/PID/fd/N`.
        path: PathBuf,
        label: String,
    },
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Plan {
    pub sources: Vec<Source>,
    /// Why some output cannot be followed, in words for the user.
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A line; a partial one (`LogLine::partial`) is replaced by the next line
    /// of its source.
    Line(LogLine),
    Note(String),
    /// The tail is over, and why.
    Ended(String),
}

/// Where a process's output can be read. `root`: the proc root.
pub fn plan(root: &std::path::Path, pid: i32) -> Plan {
    let mut p = Plan::default();
    if crate::platform::os::MACOS {
        p.sources.push(Source::MacLog);
        if !root.exists() {
            p.notes.push(
                "stdout and stderr files are not followed on macOS yet: showing the unified log"
                    .into(),
            );
            return p;
        }
    }
    if std::path::Path::new("/run/systemd/journal/socket").exists() && which("journalctl") {
        p.sources.push(Source::Journal);
    }
    // (device, inode) of each file followed, so stdout and stderr on one file are one source.
    let mut seen: Vec<((u64, u64), usize)> = Vec::new();
    for (fd, name) in [(1, "stdout"), (2, "stderr")] {
        let fd_path = root.join(pid.to_string()).join("fd").join(fd.to_string());
        let link = match std::fs::read_link(&fd_path) {
            Ok(l) => l,
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                p.notes.push(format!(
                    "{name}: permission denied ({})",
                    crate::platform::privilege::denied_hint()
                ));
                continue;
            }
            Err(_) => {
                p.notes.push(format!("{name} is closed"));
                continue;
            }
        };
        let text = link.to_string_lossy().into_owned();
        match classify_target(&text, &fd_path) {
            Target::File(id) => {
                if let Some((_, i)) = seen.iter().find(|(seen_id, _)| *seen_id == id) {
                    if let Some(Source::File { label, .. }) = p.sources.get_mut(*i) {
                        label.push('+');
                        label.push_str(name);
                    }
                    continue;
                }
                if let Some(gone) = text.strip_suffix(" (deleted)") {
                    p.notes.push(format!(
                        "{name} is {gone}, which was deleted: following it through {}",
                        fd_path.display()
                    ));
                }
                seen.push((id, p.sources.len()));
                p.sources.push(Source::File {
                    path: fd_path,
                    label: name.into(),
                });
            }
            Target::Terminal => p.notes.push(format!("{name} is the terminal {text}: its output is on that screen, there is no file to follow")),
            Target::Pipe => p.notes.push(format!("{name} is a pipe ({text}): only its reader sees that output; it cannot be followed from here")),
            Target::Socket => p.notes.push(format!("{name} is a socket ({text}), probably a log collector: look there")),
            Target::Null => p.notes.push(format!("{name} goes to /dev/null: it is discarded")),
            Target::Other => p.notes.push(format!("{name} is {text}: not a file that can be followed")),
        }
    }
    p
}

enum Target {
    /// A regular file, by (device, inode).
    File((u64, u64)),
    Terminal,
    Pipe,
    Socket,
    Null,
    Other,
}

/// What `link` (the text of `/proc/PID/fd/N`, at `fd_path`) is; files are
/// looked at through `fd_path`, which works when the path does not.
fn classify_target(link: &str, fd_path: &std::path::Path) -> Target {
    use std::os::unix::fs::MetadataExt;
    if link.starts_with("pipe:") {
        Target::Pipe
    } else if link.starts_with("socket:") {
        Target::Socket
    } else if link == "/dev/null" {
        Target::Null
    } else if link.starts_with("/dev/pts/")
        || link.starts_with("/dev/tty")
        || link == "/dev/console"
    {
        Target::Terminal
    } else if let Some(m) = std::fs::metadata(fd_path).ok().filter(|m| m.is_file()) {
        Target::File((m.dev(), m.ino()))
    } else {
        Target::Other
    }
}

fn which(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
}

/// Follows until `stop` is cancelled, the process exits, or (without `follow`) the
/// backlog is out. Blocking: run it on its own thread.
pub fn tail(
    key: ProcKey,
    plan: &Plan,
    backlog: usize,
    follow: bool,
    stop: &CancelToken,
    mut emit: impl FnMut(Event),
) {
    for n in &plan.notes {
        emit(Event::Note(n.clone()));
    }
    if plan.sources.is_empty() {
        emit(Event::Ended("nothing to follow".into()));
        return;
    }
    let proc_ = handle::open(key).ok();
    let mut files: Vec<FileTail> = Vec::new();
    // Each file's backlog, held until all are open: `backlog` lines in all.
    let mut held: Vec<Vec<Event>> = Vec::new();
    let mut journal = None;
    for s in &plan.sources {
        match s {
            Source::File { path, label } => {
                let mut lines = Vec::new();
                match FileTail::open(path, label, backlog, &mut |ev| match ev {
                    Event::Line(_) => lines.push(ev),
                    other => emit(other),
                }) {
                    Ok(t) => {
                        files.push(t);
                        held.push(lines);
                    }
                    Err(e) => emit(Event::Note(format!("{}: {e}", path.display()))),
                }
            }
            Source::Journal => {
                journal = Journal::start(
                    journal_cmd(key.pid, backlog, follow),
                    parse_journal_json,
                    journal::explain_plainly,
                    &mut emit,
                )
            }
            Source::MacLog => {
                let age = maclog::age_secs(key.start_time, std::time::SystemTime::now());
                let show = maclog::show_args(key.pid, maclog::backlog_minutes(age));
                let explain = maclog::explain_failure;
                let mut kept = std::collections::VecDeque::new();
                if let Some(mut j) =
                    Journal::start(mac_log_cmd(&show), parse_macos_ndjson, explain, &mut emit)
                {
                    j.drain(&mut |ev| match ev {
                        Event::Line(l) => maclog::push_capped(&mut kept, l, backlog),
                        other => emit(other),
                    });
                }
                for l in kept {
                    emit(Event::Line(l));
                }
                if follow {
                    let stream = maclog::stream_args(key.pid);
                    journal = Journal::start(
                        mac_log_cmd(&stream),
                        parse_macos_ndjson,
                        explain,
                        &mut emit,
                    );
                }
            }
        }
    }
    emit_backlog(&files, held, backlog, &mut emit);
    if !follow {
        if let Some(j) = journal.as_mut() {
            j.drain(&mut emit);
        }
        emit(Event::Ended("end of the backlog".into()));
        return;
    }
    let mut last_check = Instant::now();
    loop {
        for f in &mut files {
            f.poll(&mut emit);
        }
        if let Some(j) = journal.as_mut() {
            j.poll(&mut emit);
        }
        if stop.is_cancelled() {
            emit(Event::Ended("stopped".into()));
            return;
        }
        if last_check.elapsed() > Duration::from_millis(200) {
            last_check = Instant::now();
            if proc_.as_ref().is_none_or(|h| h.exited()) {
                for f in &mut files {
                    f.poll(&mut emit);
                }
                emit(Event::Ended(format!("pid {} exited", key.pid)));
                return;
            }
        }
        // A stop wakes this at once; the next turn sees it.
        stop.sleep_or_cancelled(Duration::from_millis(100));
    }
}

/// The files' backlogs as one: the last `backlog` lines in all. Separate
/// stdout and stderr files hold no time of their lines, so the order between
/// them is unknown (said in a note): the file written last comes last, its
/// lines nearest the present. One file written by both (`>log 2>&1`) is one
/// source, in the order it was written.
fn emit_backlog(
    files: &[FileTail],
    held: Vec<Vec<Event>>,
    backlog: usize,
    emit: &mut impl FnMut(Event),
) {
    let mut by_age: Vec<(Option<std::time::SystemTime>, Vec<Event>)> =
        files.iter().map(FileTail::modified).zip(held).collect();
    if by_age.iter().filter(|(_, l)| !l.is_empty()).count() > 1 {
        emit(Event::Note(
            "stdout and stderr are separate files, which keep no time of their lines: \
             each file's lines are in order, the file written last comes last; new lines \
             show as they come"
                .into(),
        ));
    }
    by_age.sort_by_key(|(m, _)| *m);
    let all: Vec<Event> = by_age.into_iter().flat_map(|(_, l)| l).collect();
    let skip = all.len().saturating_sub(backlog);
    for ev in all.into_iter().skip(skip) {
        emit(ev);
    }
}

fn journal_cmd(pid: i32, backlog: usize, follow: bool) -> std::process::Command {
    let mut cmd = std::process::Command::new("journalctl");
    cmd.args([
        "-o",
        "json",
        "-n",
        &backlog.to_string(),
        &format!("_PID={pid}"),
    ]);
    if follow {
        cmd.arg("-f");
    }
    cmd
}

/// `/usr/bin/log` with `args` (`maclog::show_args`, `stream_args`).
fn mac_log_cmd(args: &[String]) -> std::process::Command {
    let mut cmd = std::process::Command::new("/usr/bin/log");
    cmd.args(args);
    cmd
}
