//! The worker's day: a night shift from 20:00 to 04:00 is one day, so a
//! day ends at a chosen hour of the next morning (06:00 unless the worker
//! picks another), not at midnight. Delivered records stay on the phone
//! until their day is over, so the night's work stays visible and voidable.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// The hour (local time) at which a worker's day is over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct DayEnd(u8);

impl DayEnd {
    /// 06:00: after the latest night shift, before the earliest day one.
    pub const DEFAULT: DayEnd = DayEnd(6);
    /// The latest hour a day may end at: noon the next day.
    pub const LATEST: u8 = 12;

    /// `hour` from 0 (midnight) to [`DayEnd::LATEST`].
    pub fn at(hour: u8) -> Option<DayEnd> {
        (hour <= Self::LATEST).then_some(DayEnd(hour))
    }

    pub fn hour(self) -> u8 {
        self.0
    }

    /// The worker's day a moment belongs to, named by the date it began:
    /// with the default, 03:00 on the 5th belongs to the 4th. The moment's
    /// own wall clock counts (the offset it was saved with), as the worker
    /// saw it.
    pub fn day_of(self, at: &DateTime<FixedOffset>) -> NaiveDate {
        (at.naive_local() - Duration::hours(i64::from(self.0))).date()
    }

    /// When the day that began on `day` is over, on the local wall clock.
    pub fn ends_at(self, day: NaiveDate) -> NaiveDateTime {
        (day + Duration::days(1))
            .and_hms_opt(u32::from(self.0), 0, 0)
            .expect("an hour from 0 to 12 is a time of day")
    }

    /// Whether the day holding `at` is over at `now` (the phone's time).
    pub fn is_over(self, at: &DateTime<FixedOffset>, now: &DateTime<FixedOffset>) -> bool {
        self.day_of(at) < self.day_of(now)
    }
}

impl Default for DayEnd {
    fn default() -> DayEnd {
        DayEnd::DEFAULT
    }
}

impl TryFrom<u8> for DayEnd {
    type Error = String;
    fn try_from(hour: u8) -> Result<DayEnd, String> {
        DayEnd::at(hour).ok_or_else(|| format!("day end hour {hour} is past {}", Self::LATEST))
    }
}

impl From<DayEnd> for u8 {
    fn from(end: DayEnd) -> u8 {
        end.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    #[test]
    fn a_shift_from_20_00_to_04_00_is_one_day_over_at_06_00() {
        let end = DayEnd::DEFAULT;
        let start = at("2026-03-04T20:00:00-05:00");
        let late = at("2026-03-05T04:00:00-05:00");
        assert_eq!(end.day_of(&start), end.day_of(&late));
        assert!(!end.is_over(&start, &at("2026-03-05T05:59:59-05:00")));
        assert!(end.is_over(&start, &at("2026-03-05T06:00:00-05:00")));
        assert!(end.is_over(&late, &at("2026-03-05T06:00:00-05:00")));
        assert_eq!(
            end.ends_at(end.day_of(&late)),
            at("2026-03-05T06:00:00-05:00").naive_local()
        );
    }

    #[test]
    fn a_day_ending_at_midnight_is_the_calendar_day() {
        let end = DayEnd::at(0).unwrap();
        let evening = at("2026-03-04T23:59:00-05:00");
        assert_eq!(end.day_of(&evening), evening.date_naive());
        assert!(end.is_over(&evening, &at("2026-03-05T00:00:00-05:00")));
        assert_eq!(DayEnd::at(13), None);
    }
}
