//! `whytop logs PID [--follow]`: what a process writes, as long as it lives.

use crate::actions::logtail::{self, Event};
use crate::model::Pid;
use crate::model::logline::{LogLine, for_terminal};
use crate::platform::cancel::CancelToken;
use std::io::{IsTerminal, Write};

#[derive(clap::Args, Debug)]
pub struct LogsArgs {
    pub pid: Pid,
    /// Keep following until the process exits.
    #[arg(short, long)]
    pub follow: bool,
    /// Lines of backlog to show first.
    #[arg(short = 'n', long, default_value_t = 20)]
    pub lines: usize,
    /// One JSON object a line.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &LogsArgs) -> anyhow::Result<i32> {
    let named = match super::target::named("logs", args.pid)? {
        Ok(n) => n,
        Err(code) => return Ok(code),
    };
    let p = named.sample();
    let plan = logtail::plan(std::path::Path::new(crate::platform::PROC_ROOT), p.pid);
    let stop = CancelToken::new();
    let stdout = std::io::stdout();
    let mut out = Printer {
        tty: stdout.is_terminal(),
        out: stdout.lock(),
        json: args.json,
        open: None,
    };
    let err_tty = std::io::stderr().is_terminal();
    let note = |n: &str| {
        let n = if err_tty { for_terminal(n) } else { n.into() };
        errln!("whytop logs: {n}");
    };
    let mut broken = false;
    logtail::tail(p.key(), &plan, args.lines, args.follow, &stop, |ev| {
        if broken {
            return;
        }
        let r = match ev {
            Event::Line(l) => out.line(&l),
            Event::Note(n) => {
                note(&n);
                Ok(())
            }
            Event::Ended(why) => {
                let r = out.end();
                if args.follow {
                    note(&why);
                }
                r
            }
        };
        broken = r.and_then(|_| out.out.flush()).is_err();
        if broken {
            stop.cancel();
        }
    });
    Ok(if plan.sources.is_empty() { 1 } else { 0 })
}

/// Prints lines as `[source] text`. A partial line is printed without its
/// newline, and what its source adds to it later is appended, so a line is
/// never printed twice (unless another source's line comes between).
struct Printer<W: Write> {
    out: W,
    /// Control characters are replaced only on a terminal: a file or a pipe
    /// gets the bytes as written.
    tty: bool,
    json: bool,
    /// The source and text of the partial line the output ends in.
    open: Option<(String, String)>,
}

impl<W: Write> Printer<W> {
    fn line(&mut self, l: &LogLine) -> std::io::Result<()> {
        if self.json {
            let s = serde_json::to_string(l).map_err(std::io::Error::other)?;
            return writeln!(self.out, "{s}");
        }
        let text = if self.tty {
            for_terminal(&l.text)
        } else {
            l.text.as_str().into()
        };
        let shown = match self.open.take() {
            Some((source, shown)) if source == l.source && text.starts_with(shown.as_str()) => {
                Some(shown.len())
            }
            Some(_) => {
                writeln!(self.out)?;
                None
            }
            None => None,
        };
        match shown {
            Some(n) => write!(self.out, "{}", &text[n..])?,
            None => write!(self.out, "[{}] {text}", l.source)?,
        }
        if l.partial {
            self.open = Some((l.source.clone(), text.into_owned()));
            return Ok(());
        }
        if let Some(cut) = l.cut_marker() {
            write!(self.out, "{cut}")?;
        }
        writeln!(self.out)
    }

    /// Ends a partial line the output stopped in.
    fn end(&mut self) -> std::io::Result<()> {
        match self.open.take() {
            Some(_) => writeln!(self.out),
            None => Ok(()),
        }
    }
}
