//! Why a record in a kernel's or a tool's format could not be decoded. The
//! decoders do not know the path or pid they read; callers wrap this in
//! `PlatformError::Malformed { path, why }`, which does.

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Fewer bytes than the record's fixed layout.
    #[error("{what}: {got} bytes, expected {need}")]
    Short {
        what: &'static str,
        got: usize,
        need: usize,
    },
    /// A buffer of fixed-size records that ends inside one.
    #[error("{what}: {got} bytes, not a whole number of {record}-byte records")]
    Ragged {
        what: &'static str,
        got: usize,
        record: usize,
    },
    /// A field or delimiter the format always has is absent.
    #[error("no {0}")]
    Missing(&'static str),
    /// A field holds what its format does not allow.
    #[error("bad {what} {value:?}")]
    Invalid { what: &'static str, value: String },
    /// proc(5) numbers the fields of a stat line from 1.
    #[error("field {field} is not a number: {value:?}")]
    NotANumber { field: usize, value: String },
    #[error("only {got} fields after comm, expected {need}")]
    TooFewFields { got: usize, need: usize },
    /// A part of a record that should be JSON and is not.
    #[error("{what} is not JSON: {why}")]
    NotJson { what: &'static str, why: String },
    /// A tool's output that holds no stack frame of its format.
    #[error("no {tool} stack frames in the output")]
    NoFrames { tool: &'static str },
}
