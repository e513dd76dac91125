//! The one place that writes to the process's stdout and stderr (the `print_stdout`,
//! `print_stderr` and `disallowed_methods` lints hold the rest of `src/` to it).
//!
//! A closed stdout (`latticelint rules | head -1`) is not an error: the rest of the output is
//! dropped and the command finishes its other work (`-o` files) with its usual exit status. Any
//! other write error is kept and returned by [`Stdout::finish`], so the command can report it.
#![allow(clippy::disallowed_methods)]

use std::fmt;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

/// Locked, buffered stdout that turns `BrokenPipe` into "stop writing, quietly".
pub struct Stdout {
    inner: BufWriter<io::StdoutLock<'static>>,
    /// The reader went away: every later write is dropped.
    closed: bool,
    /// The first other write error; later writes are dropped.
    error: Option<io::Error>,
}

/// Stdout, locked for the life of the writer (one command writes it from one thread).
pub fn stdout() -> Stdout {
    Stdout { inner: BufWriter::with_capacity(64 * 1024, io::stdout().lock()), closed: false, error: None }
}

/// True when stdout is a terminal (for the default format and colour).
pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

/// Writes all of `text` to stdout and flushes it (see [`Stdout`] for a closed pipe).
pub fn write_stdout(text: &str) -> io::Result<()> {
    let mut out = stdout();
    let _ = out.write_all(text.as_bytes());
    out.finish()
}

impl Stdout {
    /// Flushes; the first write error other than a closed pipe, if any.
    pub fn finish(mut self) -> io::Result<()> {
        // (Dropping it would flush too, ignoring errors: a closed writer's buffer is dropped that way.)
        let _ = self.flush();
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Keeps `e` (a closed pipe only closes the writer); the error to return to the caller.
    fn failed(&mut self, e: io::Error) -> io::Result<()> {
        if e.kind() == io::ErrorKind::BrokenPipe {
            self.closed = true;
            return Ok(());
        }
        let returned = io::Error::new(e.kind(), e.to_string());
        self.error.get_or_insert(e);
        Err(returned)
    }

    fn stopped(&self) -> bool {
        self.closed || self.error.is_some()
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.stopped() {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Ok(n) => Ok(n),
            Err(e) => self.failed(e).map(|()| buf.len()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.stopped() {
            return Ok(());
        }
        match self.inner.flush() {
            Ok(()) => Ok(()),
            Err(e) => self.failed(e),
        }
    }
}

/// `status`, or (with an error message on stderr) exit status 2 when writing stdout failed.
pub fn exit_status(written: io::Result<()>, status: ExitCode) -> ExitCode {
    match written {
        Ok(()) => status,
        Err(e) => {
            write_stderr_line(format_args!("error: cannot write to stdout: {e}"));
            ExitCode::from(2)
        }
    }
}

/// Writes one line to stderr, ignoring failures (there is nowhere left to report them).
pub fn write_stderr_line(args: fmt::Arguments) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

/// `stderr_line!("error: {e}")`: one line to stderr that never panics (unlike `eprintln!`).
macro_rules! stderr_line {
    ($($arg:tt)*) => {
        $crate::output::write_stderr_line(format_args!($($arg)*))
    };
}
pub(crate) use stderr_line;
