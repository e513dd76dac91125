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
pub type Stdout = QuietPipe<io::StdoutLock<'static>>;

/// A buffered writer that stops quietly when its reader goes away ([`Stdout`] is the one used).
pub struct QuietPipe<W: Write> {
    /// `None` once writing stopped (the reader went away, or another error): later writes are dropped.
    inner: Option<BufWriter<W>>,
    /// The first write error other than a closed pipe.
    error: Option<io::Error>,
}

/// Stdout, locked for the life of the writer (one command writes it from one thread).
pub fn stdout() -> Stdout {
    QuietPipe::new(io::stdout().lock())
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

impl<W: Write> QuietPipe<W> {
    pub fn new(writer: W) -> Self {
        QuietPipe { inner: Some(BufWriter::with_capacity(64 * 1024, writer)), error: None }
    }

    /// Flushes; the first write error other than a closed pipe, if any.
    pub fn finish(mut self) -> io::Result<()> {
        let _ = self.flush();
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Stops writing (unwritten bytes are dropped, not flushed again) and keeps `e` unless it is a
    /// closed pipe; the error to return to the caller.
    fn failed(&mut self, e: io::Error) -> io::Result<()> {
        if let Some(w) = self.inner.take() {
            let _ = w.into_parts();
        }
        if e.kind() == io::ErrorKind::BrokenPipe {
            return Ok(());
        }
        let returned = io::Error::new(e.kind(), e.to_string());
        self.error.get_or_insert(e);
        Err(returned)
    }
}

impl<W: Write> Write for QuietPipe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(w) = self.inner.as_mut() else { return Ok(buf.len()) };
        match w.write(buf) {
            Ok(n) => Ok(n),
            Err(e) => self.failed(e).map(|()| buf.len()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        let Some(w) = self.inner.as_mut() else { return Ok(()) };
        match w.flush() {
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

#[cfg(test)]
mod tests {
    use super::QuietPipe;
    use std::io::{self, Write};

    /// Accepts `room` bytes, then fails every write with `kind`.
    struct Failing {
        room: usize,
        kind: io::ErrorKind,
        written: Vec<u8>,
        attempts: usize,
    }

    impl Write for &mut Failing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.attempts += 1;
            if self.room == 0 {
                return Err(self.kind.into());
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            self.written.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn write_lines(kind: io::ErrorKind) -> (io::Result<()>, Failing) {
        let mut sink = Failing { room: 10, kind, written: Vec::new(), attempts: 0 };
        let mut out = QuietPipe::new(&mut sink);
        for i in 0..100_000 {
            if writeln!(out, "line {i}").is_err() {
                break;
            }
        }
        let result = out.finish();
        (result, sink)
    }

    #[test]
    fn a_closed_pipe_stops_the_output_quietly() {
        let (result, sink) = write_lines(io::ErrorKind::BrokenPipe);
        assert!(result.is_ok());
        assert_eq!(sink.written, b"line 0\nlin");
        assert_eq!(sink.attempts, 2, "no write after the pipe closed, not even when dropped");
    }

    #[test]
    fn other_write_errors_are_returned() {
        let (result, sink) = write_lines(io::ErrorKind::StorageFull);
        assert_eq!(result.map_err(|e| e.kind()), Err(io::ErrorKind::StorageFull));
        assert_eq!(sink.attempts, 2);
    }
}
