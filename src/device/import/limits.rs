//! The bounds an import reads within, enforced on the bytes themselves
//! before the CSV parser sees them, and the file's tag taken on the way.

use crate::device::vault::TagStream;
use crate::domain::Problem;
use std::io::{self, Read};

/// Longest line: a typed tally-sheet row is about 100 bytes.
pub const MAX_LINE_BYTES: usize = 4 * 1024;
/// Largest file: 10,000 rows of 400 bytes.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Most contacts in one file: months of a team's paper sheets.
pub const MAX_ROWS: usize = 10_000;
/// Problems kept to report; the others are only counted.
pub const MAX_PROBLEMS: usize = 100;

/// A reader that fails, and remembers why, as soon as a line or the file
/// goes over its limit, so the parser's buffers never grow past them.
pub struct Bounded<R> {
    inner: R,
    total: u64,
    line: u64,
    line_len: usize,
    tripped: Option<(u64, Problem)>,
}

impl<R> Bounded<R> {
    pub fn new(inner: R) -> Bounded<R> {
        Bounded {
            inner,
            total: 0,
            line: 1,
            line_len: 0,
            tripped: None,
        }
    }

    /// The limit that stopped reading, with the line it was on.
    pub fn tripped(&self) -> Option<(u64, Problem)> {
        self.tripped.clone()
    }

    /// The line reading has reached.
    pub fn line(&self) -> u64 {
        self.line
    }

    fn trip(&mut self, problem: Problem) -> io::Error {
        self.tripped = Some((self.line, problem));
        io::Error::new(io::ErrorKind::InvalidData, "over an import limit")
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.tripped.is_some() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "over an import limit",
            ));
        }
        let n = self.inner.read(buf)?;
        for &byte in &buf[..n] {
            if byte == b'\n' {
                self.line += 1;
                self.line_len = 0;
            } else {
                self.line_len += 1;
                if self.line_len > MAX_LINE_BYTES {
                    return Err(self.trip(Problem::LineTooLong {
                        max_kib: MAX_LINE_BYTES / 1024,
                    }));
                }
            }
        }
        self.total += n as u64;
        if self.total > MAX_FILE_BYTES {
            return Err(self.trip(Problem::FileTooLarge {
                max_mib: (MAX_FILE_BYTES / (1024 * 1024)) as usize,
            }));
        }
        Ok(n)
    }
}

/// A reader that feeds every byte it passes on to the file's tag, so the
/// store can recognize a file already imported without holding it.
pub struct Tagging<R> {
    pub inner: R,
    pub tag: TagStream,
}

impl<R: Read> Read for Tagging<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.tag.update(&buf[..n]);
        Ok(n)
    }
}
