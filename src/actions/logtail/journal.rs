//! A log command (journalctl, macOS `log`) read line by line on its own
//! thread, in bounded memory: a line is held up to `RAW_LIMIT` (a JSON entry
//! longer than that cannot be parsed and is reported), a parsed message up to
//! `LINE_LIMIT`, and at most `QUEUE` parsed lines wait for the follower.
//! When the command ends with a failure, what it wrote to stderr (its first
//! `STDERR_LIMIT` bytes) is shown through the `explain` it was started with.

use super::Event;
use super::assemble::Assembler;
use crate::model::logline::LogLine;
use std::io::Read;
use std::time::Duration;

const RAW_LIMIT: usize = 4 << 20;
const QUEUE: usize = 64;
const STDERR_LIMIT: usize = 4096;
/// Without `--follow`, the longest whytop waits for a command that should end
/// by itself (`log show`, `journalctl` without `-f`).
const DRAIN_LIMIT: Duration = Duration::from_secs(60);

/// What a command's exit status and stderr mean for the user; None when all is well.
pub(crate) type Explain = fn(Option<i32>, &str) -> Option<String>;

/// The plain explanation: the status and what the command said.
pub(crate) fn explain_plainly(code: Option<i32>, stderr: &str) -> Option<String> {
    match code {
        Some(0) => None,
        Some(c) if stderr.trim().is_empty() => Some(format!("exited with status {c}")),
        Some(c) => Some(format!("exited with status {c}: {}", stderr.trim())),
        None => Some("killed by a signal".into()),
    }
}

enum Item {
    Line(LogLine),
    TooLong(u64),
}

pub(crate) struct Journal {
    child: std::process::Child,
    rx: std::sync::mpsc::Receiver<Item>,
    stderr: Option<std::thread::JoinHandle<Vec<u8>>>,
    explain: Explain,
    ended: bool,
    /// The command's name, for what is said about it.
    name: String,
}

impl Journal {
    pub fn start(
        mut cmd: std::process::Command,
        parse: fn(&str) -> Option<LogLine>,
        explain: Explain,
        emit: &mut impl FnMut(Event),
    ) -> Option<Journal> {
        let name = std::path::Path::new(cmd.get_program())
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let mut child = match cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
        {
            Ok(c) => c,
            Err(e) => {
                emit(Event::Note(format!(
                    "{}: {e}",
                    cmd.get_program().to_string_lossy()
                )));
                return None;
            }
        };
        let mut out = child.stdout.take()?;
        // The two readers below drain this one child's pipes and end with them
        // (the child is killed when the tail ends): part of running the tool,
        // not effects, so they stay off the app's worker pool.
        let stderr = child.stderr.take().map(|mut err| {
            std::thread::spawn(move || {
                let mut kept = Vec::new();
                let mut buf = [0u8; 1024];
                while let Ok(n @ 1..) = err.read(&mut buf) {
                    let room = STDERR_LIMIT.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
                kept
            })
        });
        let (tx, rx) = std::sync::mpsc::sync_channel(QUEUE);
        std::thread::spawn(move || {
            let mut line = Assembler::new(RAW_LIMIT);
            let mut buf = vec![0u8; 64 * 1024];
            let mut open = true;
            while open {
                let n = match out.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                line.feed(&buf[..n], |raw, cut| {
                    let item = if cut > 0 {
                        Some(Item::TooLong(raw.len() as u64 + cut))
                    } else {
                        parse(&String::from_utf8_lossy(raw)).map(Item::Line)
                    };
                    if let Some(item) = item {
                        open &= tx.send(item).is_ok();
                    }
                });
            }
        });
        Some(Journal {
            child,
            rx,
            stderr,
            explain,
            ended: false,
            name,
        })
    }

    pub fn poll(&mut self, emit: &mut impl FnMut(Event)) {
        loop {
            match self.rx.try_recv() {
                Ok(item) => emit_item(item, emit),
                Err(std::sync::mpsc::TryRecvError::Empty) => return,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => return self.finish(emit),
            }
        }
    }

    /// Everything up to the command's end of output (it exits by itself),
    /// then what its exit status means.
    pub fn drain(&mut self, emit: &mut impl FnMut(Event)) {
        let deadline = std::time::Instant::now() + DRAIN_LIMIT;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(item) => emit_item(item, emit),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return self.finish(emit),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    emit(Event::Note(format!(
                        "{}: no end of output after {} s; stopped waiting",
                        self.name,
                        DRAIN_LIMIT.as_secs()
                    )));
                    return;
                }
            }
        }
    }

    /// The output ended: reap the command and say why it failed, if it did.
    fn finish(&mut self, emit: &mut impl FnMut(Event)) {
        if std::mem::replace(&mut self.ended, true) {
            return;
        }
        let code = self.child.wait().ok().and_then(|s| s.code());
        let stderr = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        if let Some(why) = (self.explain)(code, &String::from_utf8_lossy(&stderr)) {
            emit(Event::Note(format!("{}: {why}", self.name)));
        }
    }
}

fn emit_item(item: Item, emit: &mut impl FnMut(Event)) {
    emit(match item {
        Item::Line(l) => Event::Line(l),
        Item::TooLong(n) => Event::Note(format!("a log entry of {n} bytes was too long to read")),
    });
}

impl Drop for Journal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
