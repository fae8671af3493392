//! A log command (journalctl, macOS `log`) read line by line on its own
//! thread, in bounded memory: a line is held up to `RAW_LIMIT` (a JSON entry
//! longer than that cannot be parsed and is reported), a parsed message up to
//! `LINE_LIMIT`, and at most `QUEUE` parsed lines wait for the follower.

use super::Event;
use super::assemble::Assembler;
use crate::model::logline::LogLine;
use std::io::Read;
use std::time::Duration;

const RAW_LIMIT: usize = 4 << 20;
const QUEUE: usize = 64;

enum Item {
    Line(LogLine),
    TooLong(u64),
}

pub struct Journal {
    child: std::process::Child,
    rx: std::sync::mpsc::Receiver<Item>,
}

impl Journal {
    pub fn start(
        mut cmd: std::process::Command,
        parse: fn(&str) -> Option<LogLine>,
        emit: &mut impl FnMut(Event),
    ) -> Option<Journal> {
        let mut child = match cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
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
        Some(Journal { child, rx })
    }

    pub fn poll(&mut self, emit: &mut impl FnMut(Event)) {
        while let Ok(item) = self.rx.try_recv() {
            emit_item(item, emit);
        }
    }

    pub fn drain(&mut self, emit: &mut impl FnMut(Event)) {
        while let Ok(item) = self.rx.recv_timeout(Duration::from_secs(5)) {
            emit_item(item, emit);
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
