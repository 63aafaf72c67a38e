//! One phone as the app sees it: its home and its engine
//! ([`crate::device::engine`]), which every view of the app (each
//! liveview connection, a desktop window) talks to through a
//! [`Session`] of its own.
//!
//! A new view starts locked whatever the others did, and locking one
//! leaves the others as they were; the wrong-PIN wait, the background
//! sync and enrollment are the engine's, so they are the phone's.

use super::state::Session;
use crate::device::engine::{EngineHandle, EngineOptions};
use std::path::{Path, PathBuf};

/// A cheap handle on one phone, shared by all its views.
#[derive(Clone)]
pub struct Phone {
    home: PathBuf,
    engine: EngineHandle,
}

impl Phone {
    /// Starts the phone's engine on its own thread.
    pub fn start(home: &Path, options: EngineOptions) -> std::io::Result<Phone> {
        Ok(Phone {
            home: home.to_path_buf(),
            engine: EngineHandle::start(home, options)?,
        })
    }

    /// [`Phone::start`] with the usual pace; only a system out of threads
    /// refuses, and nothing can run there anyway.
    pub fn new(home: &Path) -> Phone {
        Phone::start(home, EngineOptions::default()).expect("the engine's thread starts")
    }

    /// A new view of this phone (a connection, a window): locked.
    pub fn session(&self) -> Session {
        Session::over(self.engine.view())
    }

    /// The engine's counters, through a view made for the asking.
    pub async fn stats(&self) -> crate::device::engine::Stats {
        self.session().stats().await
    }

    pub fn home(&self) -> &Path {
        &self.home
    }
}
