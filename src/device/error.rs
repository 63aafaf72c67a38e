//! What can go wrong in the device store, and what to tell the worker.

use crate::domain::i18n::{Lang, Msg, tr};
use crate::domain::{FieldError, RecordId};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("wrong PIN")]
    WrongPin,
    #[error("{0}")]
    BadPin(FieldError),
    #[error("no store at {0}")]
    Missing(PathBuf),
    #[error("a store already exists at {0}")]
    Exists(PathBuf),
    #[error("the store's schema {found} is newer than this app's {supported}")]
    Newer { found: i64, supported: i64 },
    #[error("the store is damaged: {0}")]
    Damaged(String),
    #[error("no record {0}")]
    NotFound(RecordId),
    #[error("record {0} is already voided")]
    AlreadyVoided(RecordId),
    #[error("record {0} was already delivered and erased from this device")]
    AlreadySent(RecordId),
    #[error("record {0} is a void")]
    VoidOfVoid(RecordId),
    #[error("this file was already imported")]
    AlreadyImported,
    #[error("no shift is under way")]
    NoShift,
    #[error("storage error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("storage error: {0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// True when the person can fix it by typing something else (the CLI's
    /// exit code 2); false when the device or its files are at fault.
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self,
            StoreError::Damaged(_)
                | StoreError::Sqlite(_)
                | StoreError::Io(_)
                | StoreError::Newer { .. }
        )
    }

    pub fn message(&self, lang: Lang) -> String {
        let path = |p: &PathBuf| p.display().to_string();
        match self {
            StoreError::WrongPin => Msg::WrongPin.text(lang).to_string(),
            StoreError::BadPin(error) => error.message(lang),
            StoreError::Missing(p) => tr(lang, Msg::StoreMissing, &[("path", &path(p))]),
            StoreError::Exists(p) => tr(lang, Msg::StoreExists, &[("path", &path(p))]),
            StoreError::Newer { found, .. } => tr(lang, Msg::StoreNewer, &[("value", found)]),
            StoreError::Damaged(what) => tr(lang, Msg::StoreDamaged, &[("value", what)]),
            StoreError::NotFound(id) => tr(lang, Msg::RecordNotFound, &[("value", id)]),
            StoreError::AlreadyVoided(id) => tr(lang, Msg::AlreadyVoided, &[("value", id)]),
            StoreError::AlreadySent(id) => tr(lang, Msg::AlreadySent, &[("value", id)]),
            StoreError::VoidOfVoid(id) => tr(lang, Msg::CannotVoidVoid, &[("value", id)]),
            StoreError::AlreadyImported => Msg::AlreadyImported.text(lang).to_string(),
            StoreError::NoShift => Msg::NoShift.text(lang).to_string(),
            StoreError::Sqlite(e) => tr(lang, Msg::StoreIo, &[("value", e)]),
            StoreError::Io(e) => tr(lang, Msg::StoreIo, &[("value", e)]),
        }
    }
}
