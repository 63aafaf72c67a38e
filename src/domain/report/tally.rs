//! The month's figures, exact, before any formatting or suppression.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A calendar month, `YYYY-MM`, in the contacts' local dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    /// The years a report can be asked for; the server applies no contact
    /// dated outside them, so every stored month can be read back.
    pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2999;

    /// Parses `YYYY-MM` (years 2000 to 2999, months 01 to 12).
    pub fn parse(text: &str) -> Option<YearMonth> {
        let (year, month) = text.trim().split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        let month: u32 = month.parse().ok()?;
        (YearMonth::YEARS.contains(&year) && (1..=12).contains(&month))
            .then_some(YearMonth { year, month })
    }

    /// Whether a report can show this month (its year is in [`YearMonth::YEARS`]).
    pub fn is_readable(self) -> bool {
        YearMonth::YEARS.contains(&self.year)
    }

    /// The month `n` months earlier.
    pub fn months_before(self, n: u32) -> YearMonth {
        let index = self.year as i64 * 12 + i64::from(self.month) - 1 - i64::from(n);
        YearMonth {
            year: index.div_euclid(12) as i32,
            month: index.rem_euclid(12) as u32 + 1,
        }
    }

    pub fn of(date: chrono::NaiveDate) -> YearMonth {
        use chrono::Datelike;
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn previous(self) -> YearMonth {
        if self.month == 1 {
            YearMonth {
                year: self.year - 1,
                month: 12,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn a_year_before(self) -> YearMonth {
        YearMonth {
            year: self.year - 1,
            month: self.month,
        }
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl TryFrom<String> for YearMonth {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        YearMonth::parse(&text).ok_or_else(|| format!("\"{text}\" is not a month (YYYY-MM)"))
    }
}

impl From<YearMonth> for String {
    fn from(month: YearMonth) -> String {
        month.to_string()
    }
}

/// Contacts and people reached within one zone, age band or gender.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    pub contacts: u64,
    pub people_reached: u64,
}

/// The three headline figures of a comparison period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub contacts: u64,
    pub people_reached: u64,
    pub unique_people: u64,
}

/// A comparison period: its canonical text and its figures, `None` when
/// the server held no data yet then ("n.d.": not the same as 0). Its
/// `unique_people` is `None` alone when people cannot be counted over it
/// (see [`Tally::people_unknown`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub period: String,
    pub figures: Option<Summary>,
    #[serde(default)]
    pub people_unknown: bool,
}

impl Comparison {
    /// A comparison period with figures.
    pub fn of(period: &str, figures: Summary) -> Comparison {
        Comparison {
            period: period.to_string(),
            figures: Some(figures),
            people_unknown: false,
        }
    }
}

/// One period's exact figures. Every active catalog id is present in the
/// maps, with zero when nothing was recorded; retired ids appear only when
/// they have a count in the period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// The period's canonical text (see [`super::period::Period`]): a
    /// month is `YYYY-MM`, as in the month-only release.
    pub period: String,
    /// Its first and last local dates, `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
    /// The distinct, new and returning people could not be counted (they
    /// read 0): the period spans several months and one of them was
    /// purged, its person codes gone, only its own month's figures kept.
    #[serde(default)]
    pub people_unknown: bool,
    pub contacts: u64,
    /// Sum of people counts (a group of 5 reaches 5 people).
    pub people_reached: u64,
    pub contacts_with_code: u64,
    pub contacts_without_code: u64,
    /// Distinct person codes (pseudonyms) seen this month: an estimate of
    /// people, since not every contact carries a code.
    pub unique_people: u64,
    /// Of those, never seen in an earlier month.
    pub new_people: u64,
    /// Of those, seen in an earlier month.
    pub returning_people: u64,
    pub returned_syringes: u64,
    /// Material id -> quantity handed out.
    pub materials: BTreeMap<String, u64>,
    /// Referral id -> contacts with that referral.
    pub referrals: BTreeMap<String, u64>,
    /// Intervention id -> contacts with that intervention.
    pub interventions: BTreeMap<String, u64>,
    pub by_zone: BTreeMap<String, Breakdown>,
    pub by_age_band: BTreeMap<String, Breakdown>,
    /// Contacts without a gender are counted under `inconnu`.
    pub by_gender: BTreeMap<String, Breakdown>,
    /// The period of the same length just before.
    pub previous: Comparison,
    /// The same period a year earlier.
    pub last_year: Comparison,
    /// Since schema 2; a tally written before has none.
    #[serde(default)]
    pub overdoses: super::overdose::OverdoseTally,
    /// Since shifts and incidents; a tally written before has none.
    #[serde(default)]
    pub field_work: super::field_work::FieldWorkTally,
    /// Since contact version 2; a tally written before has none.
    #[serde(default)]
    pub details: super::details::DetailsTally,
}

/// The key under which contacts without a gender are counted.
pub const NO_GENDER: &str = "inconnu";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_months_back_crosses_years() {
        let march = YearMonth::parse("2026-03").unwrap();
        assert_eq!(march.months_before(0), march);
        assert_eq!(march.months_before(2).to_string(), "2026-01");
        assert_eq!(march.months_before(3).to_string(), "2025-12");
        assert_eq!(march.months_before(24).to_string(), "2024-03");
        assert_eq!(march.months_before(27).to_string(), "2023-12");
        assert!(!YearMonth::of(chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()).is_readable());
    }

    #[test]
    fn months_parse_strictly_and_step_across_years() {
        let january = YearMonth::parse("2026-01").unwrap();
        assert_eq!(january.previous().to_string(), "2025-12");
        assert_eq!(january.a_year_before().to_string(), "2025-01");
        for bad in ["2026-13", "2026-1", "26-01", "2026/01", "1999-12", ""] {
            assert!(YearMonth::parse(bad).is_none(), "{bad}");
        }
    }
}
