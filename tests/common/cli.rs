//! `tournee device` as a script runs it: the real binary on a home
//! directory, the PIN from `TOURNEE_PIN`, messages in French.

use std::path::Path;
use std::process::{Command, Output};

/// The PIN every scripted phone is made with.
pub const PIN: &str = "482193";

pub fn device(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tournee"))
        .arg("device")
        .arg("--home")
        .arg(home)
        .args(args)
        .env("TOURNEE_PIN", PIN)
        .env_remove("TOURNEE_LANG")
        .output()
        .unwrap()
}

/// A command that must succeed; its standard output.
pub fn device_ok(home: &Path, args: &[&str]) -> String {
    let out = device(home, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
