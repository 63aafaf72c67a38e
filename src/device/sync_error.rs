//! Why a sync or an enrollment did not go through, in words that tell the
//! worker what to do. Each kind has a stable name for `status --json`.

use super::error::StoreError;
use crate::domain::i18n::{Lang, Msg, tr};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("not enrolled with a server")]
    NotEnrolled,
    #[error("already enrolled")]
    AlreadyEnrolled,
    #[error("the enrollment code is not valid")]
    BadCode,
    #[error("the server refused the enrollment code")]
    CodeRefused,
    #[error("too many attempts; try again later")]
    TooManyAttempts,
    #[error("the server's identity does not match the enrollment code")]
    WrongServer,
    #[error("no network: {0}")]
    Offline(String),
    #[error("this device was revoked by the organization")]
    Revoked,
    #[error("the network answered with something that is not Tournée: {0}")]
    NotTournee(String),
    #[error("the server refused the upload (HTTP {0})")]
    Refused(u16),
    #[error("a receipt did not verify: {0}")]
    BadReceipt(String),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl SyncError {
    /// Stable name, for scripts and the app.
    pub fn kind(&self) -> &'static str {
        match self {
            SyncError::NotEnrolled => "not_enrolled",
            SyncError::AlreadyEnrolled => "already_enrolled",
            SyncError::BadCode => "bad_code",
            SyncError::CodeRefused => "code_refused",
            SyncError::TooManyAttempts => "too_many_attempts",
            SyncError::WrongServer => "wrong_server",
            SyncError::Offline(_) => "offline",
            SyncError::Revoked => "revoked",
            SyncError::NotTournee(_) => "not_tournee",
            SyncError::Refused(_) => "refused",
            SyncError::BadReceipt(_) => "bad_receipt",
            SyncError::Store(_) => "storage",
        }
    }

    /// Worth trying again within the same sync: the network or the server
    /// may be back in a few seconds.
    pub fn is_transient(&self) -> bool {
        matches!(self, SyncError::Offline(_))
            || matches!(self, SyncError::Refused(code) if *code >= 500 || *code == 429)
    }

    /// The person can fix it by typing something else (exit code 2).
    pub fn is_user_error(&self) -> bool {
        match self {
            SyncError::Store(e) => e.is_user_error(),
            other => matches!(
                other,
                SyncError::NotEnrolled
                    | SyncError::AlreadyEnrolled
                    | SyncError::BadCode
                    | SyncError::CodeRefused
            ),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        message_for(self.kind(), &self.detail(), lang)
    }

    /// The technical part worth keeping for `status --json` (never contact
    /// data). Worker messages only show it where it helps (an HTTP status,
    /// an offline reason in the reader's language), never raw English.
    pub fn detail(&self) -> String {
        match self {
            SyncError::Offline(d) | SyncError::NotTournee(d) | SyncError::BadReceipt(d) => {
                d.clone()
            }
            SyncError::Refused(code) => code.to_string(),
            SyncError::Store(e) => e.message(Lang::En),
            _ => String::new(),
        }
    }
}

/// The worker's message for a recorded error kind (the kind and detail are
/// what the store keeps, so the message follows the reader's language).
pub fn message_for(kind: &str, detail: &str, lang: Lang) -> String {
    let msg = match kind {
        "not_enrolled" => Msg::SyncNotEnrolled,
        "already_enrolled" => Msg::SyncAlreadyEnrolled,
        "bad_code" => Msg::SyncBadCode,
        "code_refused" => Msg::SyncCodeRefused,
        "too_many_attempts" => Msg::SyncTooManyAttempts,
        "wrong_server" => Msg::SyncWrongServer,
        "offline" => Msg::SyncOffline,
        "revoked" => Msg::SyncRevoked,
        "not_tournee" => Msg::SyncNotTournee,
        "refused" => Msg::SyncRefused,
        "bad_receipt" => Msg::SyncBadReceipt,
        _ => Msg::SyncStorage,
    };
    let detail = match (kind, detail) {
        ("offline", "timeout") => Msg::OfflineTimeout.text(lang),
        ("offline", "unreachable") => Msg::OfflineUnreachable.text(lang),
        ("offline", _) => Msg::OfflineCut.text(lang),
        _ => detail,
    };
    tr(lang, msg, &[("value", &detail)])
}
