//! The sync chip: what is waiting and when it last went out, in plain
//! words, never "synced" when it was not.

use crate::device::Status;
use crate::domain::i18n::{Lang, Msg, tr};
use chrono::{DateTime, FixedOffset};

/// "il y a 3 min" / "3 min ago", from an RFC 3339 time.
pub fn relative(at: &str, now: DateTime<FixedOffset>, lang: Lang) -> String {
    let Ok(at) = DateTime::parse_from_rfc3339(at) else {
        return at.to_string();
    };
    let minutes = (now - at).num_minutes().max(0);
    match minutes {
        0 => Msg::RelJustNow.text(lang).to_string(),
        1..=59 => tr(lang, Msg::RelMinutes, &[("count", &minutes)]),
        60..=1439 => tr(lang, Msg::RelHours, &[("count", &(minutes / 60))]),
        _ => tr(lang, Msg::RelDays, &[("count", &(minutes / 1440))]),
    }
}

/// The chip's style class and its words.
pub fn chip(
    status: &Status,
    syncing: bool,
    now: DateTime<FixedOffset>,
    lang: Lang,
) -> (&'static str, String) {
    let waiting = tr(
        lang,
        Msg::ChipWaiting,
        &[("count", &status.waiting_records)],
    );
    let last = match &status.last_sync_at {
        Some(at) => tr(
            lang,
            Msg::ChipLastSync,
            &[("value", &relative(at, now, lang))],
        ),
        None => Msg::ChipNeverSynced.text(lang).to_string(),
    };
    if status.revoked {
        return ("chip bad", Msg::ChipRevoked.text(lang).to_string());
    }
    if !status.enrolled {
        return (
            "chip warn",
            format!("{} · {waiting}", Msg::ChipNotEnrolled.text(lang)),
        );
    }
    if syncing {
        return (
            "chip busy",
            format!("{} · {waiting}", Msg::ChipSyncing.text(lang)),
        );
    }
    match status.last_error_kind.as_deref() {
        Some("offline") => (
            "chip warn",
            format!("{} · {waiting} · {last}", Msg::ChipOffline.text(lang)),
        ),
        Some(_) => (
            "chip bad",
            format!("{} · {waiting}", Msg::ChipProblem.text(lang)),
        ),
        // "All sent · never sent" would contradict itself on a phone that
        // is enrolled but has logged nothing yet.
        None if status.waiting_records == 0 && status.last_sync_at.is_none() => (
            "chip ok",
            format!("{} · {last}", Msg::ChipNothingWaiting.text(lang)),
        ),
        None if status.waiting_records == 0 => (
            "chip ok",
            format!("{} · {last}", Msg::ChipAllSent.text(lang)),
        ),
        None => ("chip warn", format!("{waiting} · {last}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    #[test]
    fn an_enrolled_phone_that_never_sent_anything_does_not_say_all_sent() {
        let status = Status {
            waiting_records: 0,
            waiting_batches: 0,
            last_sync_at: None,
            last_error: None,
            last_error_kind: None,
            enrolled: true,
            revoked: false,
            server: Some("https://tournee.example".into()),
            device_id: None,
            catalog_version: 1,
            today: Default::default(),
            usual: Default::default(),
        };
        let now = at("2026-11-21T23:00:00-05:00");
        let (class, words) = chip(&status, false, now, Lang::Fr);
        assert_eq!(
            (class, words.as_str()),
            ("chip ok", "Rien en attente · jamais envoyé")
        );
        let sent = Status {
            last_sync_at: Some("2026-11-21T22:57:00-05:00".into()),
            ..status
        };
        let (_, words) = chip(&sent, false, now, Lang::En);
        assert_eq!(words, "All sent · last sent 3 min ago");
    }

    #[test]
    fn relative_time_reads_as_a_worker_would_say_it() {
        let now = at("2026-11-21T23:00:00-05:00");
        assert_eq!(
            relative("2026-11-21T22:57:00-05:00", now, Lang::Fr),
            "il y a 3 min"
        );
        assert_eq!(
            relative("2026-11-21T20:00:00-05:00", now, Lang::En),
            "3 h ago"
        );
        assert_eq!(
            relative("2026-11-21T23:00:00-05:00", now, Lang::Fr),
            "à l'instant"
        );
    }
}
