//! Following one file: its last lines first, then what is appended. Offsets
//! are bytes of the file, never of its decoded text; memory stays bounded
//! whatever is written (a line is held up to `LINE_LIMIT`, the rest counted).

use super::Event;
use super::assemble::Assembler;
use super::backlog::last_lines;
use crate::model::logline::{LINE_LIMIT, LogLine};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

/// Read at most this much per poll, so one busy file cannot starve the others
/// or the check for the process's exit.
const PER_POLL: u64 = 16 << 20;
const CHUNK: usize = 64 * 1024;

pub(crate) struct FileTail {
    file: File,
    pos: u64,
    label: String,
    line: Assembler,
    /// Bytes held of the unfinished line when it was last shown (None: not shown).
    shown: Option<usize>,
}

impl FileTail {
    /// Opens at the end, emitting the last `backlog` lines first (an unfinished
    /// last line among them, as partial). With no backlog, an unfinished last
    /// line is still taken in, unshown, so it is whole when its newline comes.
    pub fn open(
        path: &Path,
        label: &str,
        backlog: usize,
        emit: &mut impl FnMut(Event),
    ) -> std::io::Result<FileTail> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        let mut t = FileTail {
            file,
            pos: len,
            label: label.into(),
            line: Assembler::new(LINE_LIMIT),
            shown: None,
        };
        let spans = last_lines(&t.file, len, backlog.max(1))?;
        let mut buf = vec![0u8; LINE_LIMIT];
        for s in &spans {
            let whole = s.end - s.start;
            let head = &mut buf[..whole.min(LINE_LIMIT as u64) as usize];
            t.file.read_exact_at(head, s.start)?;
            let cut = whole - head.len() as u64;
            if s.end == len {
                // The unfinished last line.
                t.line.feed(head, |_, _| {});
                t.line.skip(cut);
                if backlog > 0 {
                    t.show_partial(emit);
                }
            } else if backlog > 0 {
                emit(Event::Line(LogLine::from_raw(label, head, cut, false)));
            }
        }
        Ok(t)
    }

    /// When the file was last written (None: unknown).
    pub(crate) fn modified(&self) -> Option<std::time::SystemTime> {
        self.file.metadata().and_then(|m| m.modified()).ok()
    }

    pub fn poll(&mut self, emit: &mut impl FnMut(Event)) {
        let Ok(len) = self.file.metadata().map(|m| m.len()) else {
            return;
        };
        if len < self.pos {
            emit(Event::Note(format!(
                "{} was truncated; reading from its start",
                self.label
            )));
            self.pos = 0;
            self.line.clear();
            self.shown = None;
        }
        let mut buf = vec![0u8; usize::try_from(len - self.pos).map_or(CHUNK, |n| n.min(CHUNK))];
        let stop = len.min(self.pos + PER_POLL);
        while self.pos < stop {
            let want = buf.len().min((stop - self.pos) as usize);
            let n = match self.file.read_at(&mut buf[..want], self.pos) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            self.pos += n as u64;
            let (label, shown) = (&self.label, &mut self.shown);
            self.line.feed(&buf[..n], |head, cut| {
                *shown = None;
                emit(Event::Line(LogLine::from_raw(label, head, cut, false)));
            });
        }
        self.show_partial(emit);
    }

    /// Shows the unfinished line when it holds more than when last shown.
    fn show_partial(&mut self, emit: &mut impl FnMut(Event)) {
        if let Some((head, cut)) = self.line.pending()
            && self.shown != Some(head.len())
        {
            self.shown = Some(head.len());
            emit(Event::Line(LogLine::from_raw(&self.label, head, cut, true)));
        }
    }
}
