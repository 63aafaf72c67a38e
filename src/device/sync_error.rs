//! Why a sync or an enrollment did not go through, in words that tell the
//! worker what to do. Each kind has a stable name for `status --json`.

use super::error::StoreError;
use crate::domain::i18n::{Lang, Msg, tr};
use crate::domain::{Field, FieldError, Problem};

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
    /// Not an address a request can go to: checked before any connection.
    #[error("{0}")]
    BadAddress(FieldError),
    /// This device could not set up its HTTPS client (TLS); nothing was sent.
    #[error("the HTTPS client could not be set up: {0}")]
    Client(String),
    /// The phone locked while an answer was on its way: the store is
    /// closed, so the receipt waits for the next sync (the server answers
    /// the same batch with the same receipt).
    #[error("the phone locked during the sync")]
    Locked,
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
            SyncError::BadAddress(_) => "bad_address",
            SyncError::Client(_) => "client",
            SyncError::Locked => "locked",
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
                    | SyncError::BadAddress(_)
            ),
        }
    }

    /// The worker's message. A bad address names the field by its label
    /// (the CLI adds the flag's name: [`FieldError::message_with_key`]).
    pub fn message(&self, lang: Lang) -> String {
        match self {
            SyncError::BadAddress(e) => e.message(lang),
            _ => message_for(self.kind(), &self.detail(), lang),
        }
    }

    /// The technical part worth keeping for `status --json` (never contact
    /// data). Worker messages only show it where it helps (an HTTP status,
    /// an offline reason in the reader's language), never raw English.
    pub fn detail(&self) -> String {
        match self {
            SyncError::Offline(d)
            | SyncError::NotTournee(d)
            | SyncError::BadReceipt(d)
            | SyncError::Client(d) => d.clone(),
            SyncError::BadAddress(e) => match &e.problem {
                Problem::BadAddress { value } => value.clone(),
                _ => String::new(),
            },
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
        "bad_address" => {
            let value = detail.to_string();
            return FieldError::new(Field::Server, Problem::BadAddress { value }).message(lang);
        }
        "client" => Msg::SyncClient,
        "locked" => Msg::SyncLocked,
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
