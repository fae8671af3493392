//! Parsers of stack tools' text into `CallTree`: pure, portable, and total (any
//! input gives a tree or an error, never a panic).

use crate::platform::decode_error::DecodeError;

pub(crate) mod eu_stack;
pub(crate) mod gdb;
pub mod jstack;
pub(crate) mod kernel;
pub(crate) mod leaf;
pub(crate) mod py_spy;
pub(crate) mod sample_macos;
pub(crate) mod spindump;

use crate::model::callstack::{CallTree, Frame};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Gdb,
    EuStack,
    PySpy,
    Jstack,
    Kernel,
    SampleMacos,
    Spindump,
}

impl Format {
    /// The tool's name as `whytop sample` prints it.
    pub fn tool(self) -> &'static str {
        match self {
            Format::Gdb => "gdb",
            Format::EuStack => "eu-stack",
            Format::PySpy => "py-spy",
            Format::Jstack => "jstack",
            Format::Kernel => "kernel",
            Format::SampleMacos => "sample",
            Format::Spindump => "spindump",
        }
    }
}

/// Which tool wrote `text`, from the marks each one's output always has;
/// None when none fits.
pub(crate) fn detect(text: &str) -> Option<Format> {
    let lines = || text.lines().map(str::trim_start);
    let any = |p: &dyn Fn(&str) -> bool| lines().any(p);
    if any(&|l| l.starts_with("Full thread dump ")) {
        return Some(Format::Jstack);
    }
    if any(&|l| l.starts_with("Python v")) && any(&|l| l.starts_with("Process ")) {
        return Some(Format::PySpy);
    }
    if any(&|l| l.starts_with("Call graph:")) {
        return Some(Format::SampleMacos);
    }
    if any(&|l| l.starts_with("Process:")) && any(&|l| l.starts_with("Thread 0x")) {
        return Some(Format::Spindump);
    }
    if any(&|l| l.starts_with("PID ") && l.ends_with(" - process"))
        || (any(&|l| l.starts_with("TID ") && l.ends_with(':'))
            && any(&|l| frame_line(l).is_some()))
    {
        return Some(Format::EuStack);
    }
    let gdb_thread = |l: &str| {
        l.strip_prefix("Thread ").is_some_and(|r| {
            r.split_once(" (")
                .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
        })
    };
    if any(&gdb_thread)
        || (any(&|l| frame_line(l).is_some()) && any(&|l| l.contains(" in ") || l.contains(" at ")))
    {
        return Some(Format::Gdb);
    }
    if any(&|l| l.starts_with("[<")) && lines().all(|l| l.is_empty() || l.starts_with("[<")) {
        return Some(Format::Kernel);
    }
    None
}

/// Parses `text` as `format`; an empty tree is an error naming the format.
pub fn parse(format: Format, text: &str) -> Result<CallTree, DecodeError> {
    let tree = match format {
        Format::Gdb => gdb::parse(text),
        Format::EuStack => eu_stack::parse(text),
        Format::PySpy => py_spy::parse(text),
        Format::Jstack => jstack::parse(text),
        Format::Kernel => kernel::parse(text),
        Format::SampleMacos => sample_macos::parse(text),
        Format::Spindump => spindump::parse(text),
    };
    if tree.threads.iter().all(|t| t.frames.is_empty()) {
        return Err(DecodeError::NoFrames {
            tool: format.tool(),
        });
    }
    Ok(tree)
}

/// From frames listed outermost first with their indentation depth and their
/// children heaviest first: the heaviest path (each first child, down to the
/// leaf), innermost first.
pub(crate) fn heaviest_path(lines: &[(usize, Frame)]) -> Vec<Frame> {
    let mut path: Vec<Frame> = Vec::new();
    let mut depth = None;
    for (d, f) in lines {
        match depth {
            Some(prev) if *d <= prev => break,
            _ => {
                path.push(f.clone());
                depth = Some(*d);
            }
        }
    }
    path.reverse();
    path
}

/// `#12 ` or `#3  ` at the start of a line: the frame number and the rest.
pub(crate) fn frame_line(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('#')?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    Some(rest[digits..].trim_start())
}

#[cfg(test)]
mod detect_tests {
    use super::*;

    use crate::model::testutil::stack_fixture as fixture;

    #[test]
    fn every_recorded_capture_is_recognised() {
        for (file, want) in [
            ("gdb-sleep.txt", Format::Gdb),
            ("gdb-bash-wait.txt", Format::Gdb),
            ("gdb-cpp.txt", Format::Gdb),
            ("eu-stack-sleep.txt", Format::EuStack),
            ("eu-stack-bash-wait.txt", Format::EuStack),
            ("eu-stack-cpp.txt", Format::EuStack),
            ("py-spy-threads.txt", Format::PySpy),
            ("jstack-jdk17-sleep.txt", Format::Jstack),
            ("jcmd-jdk17-sleep.txt", Format::Jstack),
            ("kernel-sleep.txt", Format::Kernel),
            ("kernel-bash-wait.txt", Format::Kernel),
            ("sample-macos.txt", Format::SampleMacos),
            ("spindump-heavy.txt", Format::Spindump),
        ] {
            let text = fixture(file);
            assert_eq!(detect(&text), Some(want), "{file}");
            assert!(parse(want, &text).is_ok(), "{file} parses as {want:?}");
        }
    }

    #[test]
    fn text_that_is_no_capture() {
        assert_eq!(detect(""), None);
        assert_eq!(detect("hello\nworld\n"), None);
        assert_eq!(detect(&fixture("jcmd-not-a-jvm.stderr.txt")), None);
    }
}

#[cfg(test)]
pub(crate) mod fuzz {
    /// Every prefix and a spread of byte flips of `text` must parse without panicking.
    pub(crate) fn no_panics(text: &str, parse: impl Fn(&str) -> crate::model::callstack::CallTree) {
        for end in (0..=text.len()).filter(|i| text.is_char_boundary(*i)) {
            parse(&text[..end]);
        }
        let bytes = text.as_bytes();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..500 {
            let mut b = bytes.to_vec();
            for _ in 0..4 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                if !b.is_empty() {
                    let i = (seed as usize) % b.len();
                    b[i] = (seed >> 32) as u8;
                }
            }
            parse(&String::from_utf8_lossy(&b));
        }
    }
}
