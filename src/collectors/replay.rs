//! The replay source: in place of the sampler, a thread that moves through a
//! recording when told to and sends the app the snapshots of where it lands.
//! A jump sends the samples before it too (up to the history's length), so
//! the charts, the WHY timeline and the Ended view hold the recorded past; a
//! step of one sample on sends that sample alone.

use crate::model::Snapshot;
use crate::model::history::DEFAULT_CAPACITY;
use crate::store::StoreError;
use crate::store::replay::{Landing, Position, Recording, Timeline};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// Where to go in the recording.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ReplayCmd {
    /// This many samples on (back when negative).
    Step(i64),
    /// This many seconds of recorded time on (back when negative).
    StepSecs(f64),
    /// The sample at or before this time (seconds since the epoch).
    Seek(f64),
}

/// What the app gets after a move.
#[derive(Clone, Debug, Default)]
pub struct ReplayFrame {
    /// The history starts again from the first of these (a jump).
    pub reset: bool,
    /// Oldest first; the last is the moment shown.
    pub snapshots: Vec<Arc<Snapshot>>,
    pub position: Position,
    /// What to tell the user: an end of the recording reached, an error.
    pub note: Option<String>,
}

pub struct ReplayHandle {
    pub frames: UnboundedReceiver<ReplayFrame>,
    pub commands: Sender<ReplayCmd>,
}

/// Samples sent for a jump, the one it lands on last: as many as the
/// history keeps, fewer where there are many processes (a jump reads and
/// derives every process of every sample: about 5 us each, measured), never
/// fewer than a minute's worth at 1 s.
fn window(procs: u32) -> usize {
    const PROCESS_ROWS: usize = 60_000;
    (PROCESS_ROWS / procs.max(1) as usize).clamp(60, DEFAULT_CAPACITY)
}

/// Starts the replay thread on `rec`, first at `at` (the newest sample when None).
pub fn spawn(rec: Recording, at: Option<f64>) -> std::io::Result<ReplayHandle> {
    let (cmd_tx, cmd_rx) = channel();
    let (frame_tx, frames) = unbounded_channel();
    // Ends when the app drops its sender (a read in progress is short).
    std::thread::Builder::new()
        .name("replay".into())
        .spawn(move || serve(rec, at, &cmd_rx, &frame_tx))?;
    Ok(ReplayHandle {
        frames,
        commands: cmd_tx,
    })
}

struct Replayer {
    rec: Recording,
    timeline: Timeline,
    /// The sample shown, by id (indices move when the recorder prunes).
    shown: Option<i64>,
}

fn serve(
    rec: Recording,
    at: Option<f64>,
    commands: &Receiver<ReplayCmd>,
    frames: &UnboundedSender<ReplayFrame>,
) {
    let mut r = Replayer {
        rec,
        timeline: Timeline::default(),
        shown: None,
    };
    let first = ReplayCmd::Seek(at.unwrap_or(f64::INFINITY));
    if frames.send(r.go(&[first])).is_err() {
        return;
    }
    while let Ok(cmd) = commands.recv() {
        // Keys pressed while a move was being read are taken together: the
        // snapshots are read once, for where they lead.
        let mut cmds = vec![cmd];
        cmds.extend(commands.try_iter());
        if frames.send(r.go(&cmds)).is_err() {
            return;
        }
    }
}

impl Replayer {
    fn go(&mut self, cmds: &[ReplayCmd]) -> ReplayFrame {
        match self.try_go(cmds) {
            Ok(f) => f,
            Err(e) => ReplayFrame {
                position: self.timeline.position(self.index().unwrap_or(0)),
                note: Some(format!("replay: {e}")),
                ..Default::default()
            },
        }
    }

    /// The index of the sample shown in the timeline as it is now.
    fn index(&self) -> Option<usize> {
        let id = self.shown?;
        self.timeline.marks.binary_search_by_key(&id, |m| m.id).ok()
    }

    /// Where `cmd` leads from the sample `from` (an id), reading the samples
    /// again first when it may go past the end known (a recorder may still
    /// be writing).
    fn land(&mut self, from: Option<i64>, cmd: ReplayCmd) -> Result<Landing, StoreError> {
        let find =
            |t: &Timeline| from.and_then(|id| t.marks.binary_search_by_key(&id, |m| m.id).ok());
        let at_end = find(&self.timeline).is_none_or(|i| i + 1 >= self.timeline.len());
        let onward = match cmd {
            ReplayCmd::Step(n) => n > 0 && at_end,
            ReplayCmd::StepSecs(s) => s > 0.0 && at_end,
            ReplayCmd::Seek(_) => true,
        };
        if onward {
            self.timeline = self.rec.timeline()?;
        }
        let here = find(&self.timeline).unwrap_or(0);
        Ok(match cmd {
            ReplayCmd::Step(n) => self.timeline.step(here, n),
            ReplayCmd::StepSecs(s) => self.timeline.step_secs(here, s),
            ReplayCmd::Seek(t) => self.timeline.at(t),
        })
    }

    fn try_go(&mut self, cmds: &[ReplayCmd]) -> Result<ReplayFrame, StoreError> {
        let mut to = self.shown;
        let mut last = None;
        for cmd in cmds {
            let l = self.land(to, *cmd)?;
            to = self.timeline.marks.get(l.index).map(|m| m.id);
            last = Some((*cmd, l));
        }
        if self.timeline.is_empty() {
            return Ok(ReplayFrame {
                note: Some(format!(
                    "{}: the recording holds no samples yet",
                    self.rec.path().display()
                )),
                ..Default::default()
            });
        }
        let Some((cmd, landing)) = last else {
            return Ok(ReplayFrame::default());
        };
        let to = landing.index;
        let position = self.timeline.position(to);
        let note = note(cmd, landing, &self.timeline);
        let here = self.index();
        let frame = if here == Some(to) {
            ReplayFrame {
                position,
                note,
                ..Default::default()
            }
        } else if let Some(h) = here.filter(|h| h + 1 == to) {
            let (prev, cur) = (self.timeline.marks[h], self.timeline.marks[to]);
            ReplayFrame {
                reset: false,
                snapshots: vec![Arc::new(self.rec.snapshot(&cur, Some(&prev))?)],
                position,
                note,
            }
        } else {
            let from = (to + 1).saturating_sub(window(self.timeline.marks[to].procs));
            let mut snapshots = Vec::with_capacity(to + 1 - from);
            let mut prev = None;
            for m in &self.timeline.marks[from..=to] {
                snapshots.push(Arc::new(self.rec.snapshot(m, prev.as_ref())?));
                prev = Some(*m);
            }
            ReplayFrame {
                reset: true,
                snapshots,
                position,
                note,
            }
        };
        self.shown = Some(self.timeline.marks[to].id);
        Ok(frame)
    }
}

/// What to say when a move could not go as far as asked, or a time typed
/// falls where the recorder was not running.
fn note(cmd: ReplayCmd, l: Landing, t: &Timeline) -> Option<String> {
    let local = crate::platform::localtime::format;
    let m = t.marks.get(l.index)?;
    match cmd {
        ReplayCmd::Seek(at) if at.is_infinite() => None,
        ReplayCmd::Seek(at) if l.clamped => Some(format!(
            "{} is before the recording, which starts at {}",
            local(at),
            local(m.taken_at)
        )),
        ReplayCmd::Seek(at) if at - m.taken_at > (2.0 * m.interval_s).max(m.interval_s + 2.0) => {
            Some(format!(
                "nothing recorded near {}: showing {}, the sample before it",
                local(at),
                local(m.taken_at)
            ))
        }
        _ if l.clamped && l.index == 0 => Some("the start of the recording".into()),
        _ if l.clamped => Some("the end of the recording".into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::replay::Mark;

    fn timeline() -> Timeline {
        Timeline {
            marks: [100.0, 101.0, 102.0, 500.0]
                .iter()
                .enumerate()
                .map(|(i, t)| Mark {
                    id: i as i64 + 1,
                    taken_at: *t,
                    interval_s: 1.0,
                    procs: 1,
                })
                .collect(),
        }
    }

    #[test]
    fn a_jump_sends_fewer_samples_where_there_are_many_processes() {
        assert_eq!(window(100), DEFAULT_CAPACITY);
        assert_eq!(window(0), DEFAULT_CAPACITY);
        assert_eq!(window(1000), 60);
        assert_eq!(window(5000), 60);
    }

    #[test]
    fn a_move_that_cannot_go_as_asked_says_why() {
        let t = timeline();
        let say = |cmd, l| note(cmd, l, &t).unwrap_or_default();
        let at = |x: f64| ReplayCmd::Seek(x);
        assert!(say(at(50.0), t.at(50.0)).contains("before the recording, which starts at"));
        assert!(
            say(at(300.0), t.at(300.0)).contains("nothing recorded near"),
            "the recorder was not running then"
        );
        assert_eq!(say(at(101.5), t.at(101.5)), "");
        assert_eq!(say(ReplayCmd::Seek(f64::INFINITY), t.at(f64::INFINITY)), "");
        assert_eq!(
            say(ReplayCmd::Step(1), t.step(3, 1)),
            "the end of the recording"
        );
        assert_eq!(
            say(ReplayCmd::StepSecs(-60.0), t.step_secs(1, -60.0)),
            "the start of the recording"
        );
        assert_eq!(say(ReplayCmd::Step(1), t.step(1, 1)), "");
    }
}
