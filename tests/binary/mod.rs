//! The real `tournee` binary for CLI tests: a command with the settings
//! that the developer's environment might hold removed, its input fed
//! from a string (never a terminal), and `serve` run until it has said
//! everything it says at start, then stopped with SIGINT.

#![allow(dead_code)] // each test file uses its own part

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output, Stdio};

/// `tournee ARGS` with no `TOURNEE_*` settings inherited.
pub fn tournee(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tournee"));
    command.args(args);
    for (name, _) in std::env::vars_os() {
        if name
            .to_string_lossy()
            .to_ascii_uppercase()
            .starts_with("TOURNEE_")
        {
            command.env_remove(name);
        }
    }
    command
}

/// Runs to the end with `input` on standard input.
pub fn run(mut command: Command, input: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // A command that exits before reading (bad input) closes the pipe.
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    child.wait_with_output().unwrap()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Starts `serve`, waits for its first line (it listens by then), stops it
/// with SIGINT and returns everything it printed on stdout.
#[cfg(unix)]
pub fn serve_start_lines(mut command: Command) -> String {
    let mut child = command
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    out.read_line(&mut text).unwrap();
    if text.is_empty() {
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        panic!("serve printed nothing: {err}");
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    out.read_to_string(&mut text).unwrap();
    assert!(child.wait().unwrap().success(), "{text}");
    text
}
