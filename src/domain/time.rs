//! When a contact happened: text to a date with its UTC offset, and the
//! bounds a plausible contact time must fall within.
//!
//! The offset is kept (never converted to UTC) because months and days are
//! counted by the worker's local date, and the offset changes twice a year.

use super::error::{Field, FieldError, Problem};
use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime, TimeZone};

/// How far ahead of the device clock a contact may be dated: a day covers a
/// phone whose clock or zone is slightly off, and nothing more.
pub const MAX_FUTURE: Duration = Duration::hours(24);

/// How far back a contact may be dated: paper sheets are back-filled within
/// weeks; older dates are typing mistakes (1926 for 2026).
pub const MAX_PAST: Duration = Duration::days(366);

/// Parses RFC 3339 (`2026-11-21T23:30:00-05:00`), or a local date and time
/// without offset (`2026-11-21 23:30`) read in `zone`, as typed on paper
/// sheets. A local time that does not exist (the spring-forward hour) is
/// refused rather than guessed.
pub fn parse_occurred_at<Tz: TimeZone>(
    text: &str,
    zone: &Tz,
) -> Result<DateTime<FixedOffset>, FieldError> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at);
    }
    for format in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format)
            && let Some(local) = zone.from_local_datetime(&naive).earliest()
        {
            return Ok(local.fixed_offset());
        }
    }
    Err(FieldError::new(
        Field::OccurredAt,
        Problem::BadDateTime {
            value: text.to_string(),
        },
    ))
}

/// Checks that `at` is within [`MAX_PAST`] before and [`MAX_FUTURE`] after `now`.
pub fn check_plausible(
    at: DateTime<FixedOffset>,
    now: DateTime<FixedOffset>,
) -> Result<(), FieldError> {
    let shown = at.format("%Y-%m-%d %H:%M %:z").to_string();
    if at > now + MAX_FUTURE {
        return Err(FieldError::new(
            Field::OccurredAt,
            Problem::TooFarInFuture { value: shown },
        ));
    }
    if at < now - MAX_PAST {
        return Err(FieldError::new(
            Field::OccurredAt,
            Problem::TooFarInPast { value: shown },
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est() -> FixedOffset {
        FixedOffset::west_opt(5 * 3600).unwrap()
    }

    #[test]
    fn rfc3339_keeps_its_own_offset() {
        let at = parse_occurred_at("2026-11-21T23:30:00-05:00", &chrono::Utc).unwrap();
        assert_eq!(at.offset(), &est());
        assert_eq!(at.date_naive().to_string(), "2026-11-21");
    }

    #[test]
    fn a_time_without_offset_is_read_in_the_given_zone() {
        let at = parse_occurred_at("2026-11-21 23:30", &est()).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-21T23:30:00-05:00");
    }

    #[test]
    fn garbage_names_the_field_and_the_format() {
        let error = parse_occurred_at("hier soir", &est()).unwrap_err();
        assert_eq!(error.field, Field::OccurredAt);
        assert!(
            error
                .message(crate::domain::Lang::Fr)
                .contains("2026-11-21T23:30:00-05:00")
        );
    }

    #[test]
    fn more_than_a_day_ahead_is_refused_but_a_day_is_fine() {
        let now = parse_occurred_at("2026-11-21T12:00:00-05:00", &est()).unwrap();
        assert!(check_plausible(now + Duration::hours(24), now).is_ok());
        let error = check_plausible(now + Duration::hours(25), now).unwrap_err();
        assert!(matches!(error.problem, Problem::TooFarInFuture { .. }));
    }

    #[test]
    fn a_typo_century_in_the_past_is_refused() {
        let now = parse_occurred_at("2026-11-21T12:00:00-05:00", &est()).unwrap();
        let old = parse_occurred_at("1926-11-21T12:00:00-05:00", &est()).unwrap();
        assert!(matches!(
            check_plausible(old, now).unwrap_err().problem,
            Problem::TooFarInPast { .. }
        ));
    }
}
