//! The periods a report covers: a month, a quarter (calendar or fiscal),
//! Québec's fiscal year (April to March), the fiscal year to date, or any
//! range of days; each one a span of local dates, its comparison periods,
//! and the whole months and loose days it is made of (how the server
//! reads its rollups).

use super::tally::YearMonth;
use crate::domain::i18n::{Lang, Msg};
use chrono::{Datelike, Months, NaiveDate};
use std::fmt;

/// The month the fiscal year starts in (April, as the Québec government's
/// and its health network's).
pub const FISCAL_START: u32 = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    Month(YearMonth),
    /// Calendar quarter 1 to 4 (Q1 is January to March).
    Quarter {
        year: i32,
        quarter: u32,
    },
    /// Quarter 1 to 4 of the fiscal year starting in April of `year`
    /// (Q1 is April to June).
    FiscalQuarter {
        year: i32,
        quarter: u32,
    },
    /// April of `year` to March of the next year.
    FiscalYear(i32),
    /// The fiscal year starting in April of `year`, through `to`.
    YearToDate {
        year: i32,
        to: NaiveDate,
    },
    /// Any days, both ends included.
    Range {
        from: NaiveDate,
        to: NaiveDate,
    },
}

/// Why a text is not a period; the message says what is allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadPeriod(pub String);

/// A run of whole months, or days inside one month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Months { first: YearMonth, last: YearMonth },
    Days { from: NaiveDate, to: NaiveDate },
}

impl Period {
    /// Reads `2026-11`, `2026-Q3`, `FY2026-2027`, `FY2026-2027-Q1`, `YTD`
    /// (the fiscal year to `today`) or `2026-04-01..2026-09-30`.
    pub fn parse(text: &str, today: NaiveDate) -> Result<Period, BadPeriod> {
        let text = text.trim();
        let upper = text.to_ascii_uppercase();
        let bad = || BadPeriod(text.to_string());
        let period = if upper == "YTD" {
            let year = fiscal_year_of(today);
            Period::YearToDate { year, to: today }
        } else if let Some(rest) = upper.strip_prefix("FY") {
            let (years, quarter) = match rest.split_once("-Q") {
                Some((years, q)) => (years, Some(quarter_number(q).ok_or_else(bad)?)),
                None => (rest, None),
            };
            let (start, end) = years.split_once('-').ok_or_else(bad)?;
            let start = year_number(start).ok_or_else(bad)?;
            if year_number(end) != Some(start + 1) {
                return Err(bad());
            }
            match quarter {
                Some(quarter) => Period::FiscalQuarter {
                    year: start,
                    quarter,
                },
                None => Period::FiscalYear(start),
            }
        } else if let Some((from, to)) = text.split_once("..") {
            let from = date(from).ok_or_else(bad)?;
            let to = date(to).ok_or_else(bad)?;
            if to < from {
                return Err(bad());
            }
            Period::Range { from, to }
        } else if let Some((year, q)) = upper.split_once("-Q") {
            Period::Quarter {
                year: year_number(year).ok_or_else(bad)?,
                quarter: quarter_number(q).ok_or_else(bad)?,
            }
        } else {
            Period::Month(YearMonth::parse(text).ok_or_else(bad)?)
        };
        let (from, to) = period.span();
        let readable = |d: NaiveDate| YearMonth::YEARS.contains(&d.year());
        if readable(from) && readable(to) {
            Ok(period)
        } else {
            Err(bad())
        }
    }

    /// The first and last days, both included.
    pub fn span(self) -> (NaiveDate, NaiveDate) {
        match self {
            Period::Month(m) => (first_day(m), last_day(m)),
            Period::Quarter { year, quarter } => {
                let first = month(year, 3 * quarter - 2);
                (first_day(first), last_day(first.months_after(2)))
            }
            Period::FiscalQuarter { year, quarter } => {
                let first = month(year, FISCAL_START).months_after(3 * (quarter - 1));
                (first_day(first), last_day(first.months_after(2)))
            }
            Period::FiscalYear(year) => {
                let first = month(year, FISCAL_START);
                (first_day(first), last_day(first.months_after(11)))
            }
            Period::YearToDate { year, to } => (first_day(month(year, FISCAL_START)), to),
            Period::Range { from, to } => (from, to),
        }
    }

    /// Its number of days.
    pub fn days(self) -> i64 {
        let (from, to) = self.span();
        (to - from).num_days() + 1
    }

    /// The period of the same length just before: the previous month,
    /// quarter or fiscal year; for a range (or the year to date), as many
    /// days ending the day before it starts.
    pub fn previous(self) -> Period {
        match self {
            Period::Month(m) => Period::Month(m.previous()),
            Period::Quarter { year, quarter: 1 } => Period::Quarter {
                year: year - 1,
                quarter: 4,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter - 1,
            },
            Period::FiscalQuarter { year, quarter: 1 } => Period::FiscalQuarter {
                year: year - 1,
                quarter: 4,
            },
            Period::FiscalQuarter { year, quarter } => Period::FiscalQuarter {
                year,
                quarter: quarter - 1,
            },
            Period::FiscalYear(year) => Period::FiscalYear(year - 1),
            Period::YearToDate { .. } | Period::Range { .. } => {
                let (from, _) = self.span();
                let to = from.pred_opt().unwrap_or(from);
                let from = to - chrono::Duration::days(self.days() - 1);
                Period::Range { from, to }
            }
        }
    }

    /// The same period a year earlier (a range ending on 29 February ends
    /// on the 28th).
    pub fn a_year_before(self) -> Period {
        let back = |d: NaiveDate| d.checked_sub_months(Months::new(12)).unwrap_or(d);
        match self {
            Period::Month(m) => Period::Month(m.a_year_before()),
            Period::Quarter { year, quarter } => Period::Quarter {
                year: year - 1,
                quarter,
            },
            Period::FiscalQuarter { year, quarter } => Period::FiscalQuarter {
                year: year - 1,
                quarter,
            },
            Period::FiscalYear(year) => Period::FiscalYear(year - 1),
            Period::YearToDate { year, to } => Period::YearToDate {
                year: year - 1,
                to: back(to),
            },
            Period::Range { from, to } => Period::Range {
                from: back(from),
                to: back(to),
            },
        }
    }

    /// The period as whole months and loose days: at most one run of
    /// months, with days before and after it.
    pub fn parts(self) -> Vec<Part> {
        let (from, to) = self.span();
        let (first, last) = (YearMonth::of(from), YearMonth::of(to));
        if first == last {
            return vec![if from == first_day(first) && to == last_day(last) {
                Part::Months { first, last }
            } else {
                Part::Days { from, to }
            }];
        }
        let mut parts = Vec::new();
        let mut whole_from = first;
        if from != first_day(first) {
            parts.push(Part::Days {
                from,
                to: last_day(first),
            });
            whole_from = first.months_after(1);
        }
        let mut whole_to = last;
        let tail = (to != last_day(last)).then(|| {
            whole_to = last.months_before(1);
            Part::Days {
                from: first_day(last),
                to,
            }
        });
        if whole_from <= whole_to {
            parts.push(Part::Months {
                first: whole_from,
                last: whole_to,
            });
        }
        parts.extend(tail);
        parts
    }

    /// The month, when the period is exactly one.
    pub fn as_month(self) -> Option<YearMonth> {
        match self {
            Period::Month(m) => Some(m),
            _ => None,
        }
    }

    /// The months the period touches, first and last.
    pub fn months(self) -> (YearMonth, YearMonth) {
        let (from, to) = self.span();
        (YearMonth::of(from), YearMonth::of(to))
    }

    /// Reads a period's canonical text (what [`fmt::Display`] writes):
    /// every form but `YTD`, which a report has already turned into days.
    pub fn canonical(text: &str) -> Option<Period> {
        let fixed = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date");
        (!text.trim().eq_ignore_ascii_case("YTD"))
            .then(|| Period::parse(text, fixed).ok())
            .flatten()
    }

    /// The period's name for a reader: "novembre 2026", "2e trimestre
    /// 2026", "exercice 2026-2027", "du 1er avril au 30 septembre 2026".
    pub fn name(self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        let fy = |year: i32| {
            if fr {
                format!("exercice {year}-{}", year + 1)
            } else {
                format!("fiscal year {year}-{}", year + 1)
            }
        };
        let nth = |q: u32| match (fr, q) {
            (true, 1) => "1er".to_string(),
            (true, q) => format!("{q}e"),
            (false, q) => format!("Q{q}"),
        };
        match self {
            Period::Month(m) => month_name(m, lang),
            Period::Quarter { year, quarter } if fr => {
                format!("{} trimestre {year}", nth(quarter))
            }
            Period::Quarter { year, quarter } => format!("{} {year}", nth(quarter)),
            Period::FiscalQuarter { year, quarter } if fr => {
                format!("{} trimestre de l'{}", nth(quarter), fy(year))
            }
            Period::FiscalQuarter { year, quarter } => format!("{} of {}", nth(quarter), fy(year)),
            Period::FiscalYear(year) => fy(year),
            Period::YearToDate { year, to } if fr => {
                format!("{} jusqu'au {}", fy(year), day_name(to, lang))
            }
            Period::YearToDate { year, to } => {
                format!("{} through {}", fy(year), day_name(to, lang))
            }
            Period::Range { from, to } if fr => {
                format!("du {} au {}", day_name(from, lang), day_name(to, lang))
            }
            Period::Range { from, to } => {
                format!("{} to {}", day_name(from, lang), day_name(to, lang))
            }
        }
    }
}

/// The canonical text, which [`Period::parse`] reads back; a year to date
/// is written as its range, so a link names the same days tomorrow.
impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Month(m) => write!(f, "{m}"),
            Period::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
            Period::FiscalQuarter { year, quarter } => {
                write!(f, "FY{year}-{}-Q{quarter}", year + 1)
            }
            Period::FiscalYear(year) => write!(f, "FY{year}-{}", year + 1),
            Period::YearToDate { .. } | Period::Range { .. } => {
                let (from, to) = self.span();
                write!(f, "{from}..{to}")
            }
        }
    }
}

impl fmt::Display for BadPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.0)
    }
}

impl YearMonth {
    /// The month `n` months later.
    pub fn months_after(self, n: u32) -> YearMonth {
        let index = self.year as i64 * 12 + i64::from(self.month) - 1 + i64::from(n);
        YearMonth {
            year: index.div_euclid(12) as i32,
            month: index.rem_euclid(12) as u32 + 1,
        }
    }
}

/// The start year of the fiscal year holding `day`.
pub fn fiscal_year_of(day: NaiveDate) -> i32 {
    if day.month() >= FISCAL_START {
        day.year()
    } else {
        day.year() - 1
    }
}

pub fn first_day(m: YearMonth) -> NaiveDate {
    NaiveDate::from_ymd_opt(m.year, m.month, 1).expect("a month's first day")
}

pub fn last_day(m: YearMonth) -> NaiveDate {
    first_day(m.months_after(1))
        .pred_opt()
        .expect("a month's last day")
}

/// "novembre 2026", "November 2026".
pub fn month_name(month: YearMonth, lang: Lang) -> String {
    match MONTHS.get(month.month.saturating_sub(1) as usize) {
        Some(name) => format!("{} {}", name.text(lang), month.year),
        None => month.to_string(),
    }
}

/// "1er avril 2026", "April 1, 2026".
pub fn day_name(day: NaiveDate, lang: Lang) -> String {
    let name = MONTHS[day.month0() as usize].text(lang);
    match (lang, day.day()) {
        (Lang::Fr, 1) => format!("1er {name} {}", day.year()),
        (Lang::Fr, d) => format!("{d} {name} {}", day.year()),
        (Lang::En, d) => format!("{name} {d}, {}", day.year()),
    }
}

const MONTHS: [Msg; 12] = [
    Msg::MonthJanuary,
    Msg::MonthFebruary,
    Msg::MonthMarch,
    Msg::MonthApril,
    Msg::MonthMay,
    Msg::MonthJune,
    Msg::MonthJuly,
    Msg::MonthAugust,
    Msg::MonthSeptember,
    Msg::MonthOctober,
    Msg::MonthNovember,
    Msg::MonthDecember,
];

fn month(year: i32, month: u32) -> YearMonth {
    YearMonth { year, month }
}

fn year_number(text: &str) -> Option<i32> {
    (text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
        .filter(|y| YearMonth::YEARS.contains(y))
}

fn quarter_number(text: &str) -> Option<u32> {
    match text {
        "1" => Some(1),
        "2" => Some(2),
        "3" => Some(3),
        "4" => Some(4),
        _ => None,
    }
}

fn date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    (text.len() == 10)
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn parse(text: &str) -> Period {
        Period::parse(text, day("2026-12-03")).unwrap()
    }

    fn span(text: &str) -> String {
        let (from, to) = parse(text).span();
        format!("{from}..{to}")
    }

    #[test]
    fn every_form_reads_to_its_days() {
        assert_eq!(span("2026-11"), "2026-11-01..2026-11-30");
        assert_eq!(span("2024-02"), "2024-02-01..2024-02-29");
        assert_eq!(span("2026-Q3"), "2026-07-01..2026-09-30");
        assert_eq!(span("2026-q1"), "2026-01-01..2026-03-31");
        assert_eq!(span("FY2026-2027"), "2026-04-01..2027-03-31");
        assert_eq!(span("FY2026-2027-Q1"), "2026-04-01..2026-06-30");
        assert_eq!(span("FY2026-2027-Q4"), "2027-01-01..2027-03-31");
        assert_eq!(span("YTD"), "2026-04-01..2026-12-03");
        assert_eq!(span("2026-04-01..2026-09-30"), "2026-04-01..2026-09-30");
        let march = Period::parse("ytd", day("2027-03-02")).unwrap();
        assert_eq!(march.span().0, day("2026-04-01"));
    }

    #[test]
    fn the_canonical_text_reads_back_and_a_year_to_date_keeps_its_days() {
        for text in [
            "2026-11",
            "2026-Q3",
            "FY2026-2027",
            "FY2026-2027-Q2",
            "2026-04-01..2026-04-15",
        ] {
            assert_eq!(parse(text).to_string(), text);
            assert_eq!(parse(&parse(text).to_string()), parse(text));
        }
        assert_eq!(parse("YTD").to_string(), "2026-04-01..2026-12-03");
    }

    #[test]
    fn what_is_not_a_period_is_refused() {
        for bad in [
            "",
            "2026",
            "2026-13",
            "2026-Q5",
            "2026-Q0",
            "FY2026",
            "FY2026-2028",
            "FY2026-2027-Q5",
            "2026-09-30..2026-04-01",
            "2026-04-1..2026-04-30",
            "1999-01",
            "2026-02-30..2026-03-01",
        ] {
            assert!(Period::parse(bad, day("2026-12-03")).is_err(), "{bad}");
        }
    }

    #[test]
    fn comparisons_have_the_same_length_or_are_a_year_earlier() {
        assert_eq!(parse("2026-01").previous().to_string(), "2025-12");
        assert_eq!(parse("2026-Q1").previous().to_string(), "2025-Q4");
        assert_eq!(
            parse("FY2026-2027-Q1").previous().to_string(),
            "FY2025-2026-Q4"
        );
        assert_eq!(parse("FY2026-2027").previous().to_string(), "FY2025-2026");
        assert_eq!(
            parse("2026-04-11..2026-04-20").previous().to_string(),
            "2026-04-01..2026-04-10"
        );
        assert_eq!(
            parse("YTD").previous().to_string(),
            "2025-07-28..2026-03-31"
        );
        assert_eq!(parse("YTD").previous().days(), parse("YTD").days());
        assert_eq!(parse("2026-Q3").a_year_before().to_string(), "2025-Q3");
        assert_eq!(
            parse("YTD").a_year_before().to_string(),
            "2025-04-01..2025-12-03"
        );
        assert_eq!(
            parse("2024-02-01..2024-02-29").a_year_before().to_string(),
            "2023-02-01..2023-02-28"
        );
    }

    #[test]
    fn a_period_splits_into_whole_months_and_loose_days() {
        let months = |a: &str, b: &str| Part::Months {
            first: YearMonth::parse(a).unwrap(),
            last: YearMonth::parse(b).unwrap(),
        };
        let days = |a: &str, b: &str| Part::Days {
            from: day(a),
            to: day(b),
        };
        assert_eq!(
            parse("FY2026-2027").parts(),
            vec![months("2026-04", "2027-03")]
        );
        assert_eq!(parse("2026-11").parts(), vec![months("2026-11", "2026-11")]);
        assert_eq!(
            parse("2026-03-10..2026-03-20").parts(),
            vec![days("2026-03-10", "2026-03-20")]
        );
        assert_eq!(
            parse("YTD").parts(),
            vec![
                months("2026-04", "2026-11"),
                days("2026-12-01", "2026-12-03")
            ]
        );
        assert_eq!(
            parse("2026-01-15..2026-04-10").parts(),
            vec![
                days("2026-01-15", "2026-01-31"),
                months("2026-02", "2026-03"),
                days("2026-04-01", "2026-04-10")
            ]
        );
        assert_eq!(
            parse("2026-01-15..2026-02-10").parts(),
            vec![
                days("2026-01-15", "2026-01-31"),
                days("2026-02-01", "2026-02-10")
            ]
        );
    }

    #[test]
    fn names_are_written_for_the_reader() {
        assert_eq!(parse("2026-Q1").name(Lang::Fr), "1er trimestre 2026");
        assert_eq!(parse("2026-Q3").name(Lang::En), "Q3 2026");
        assert_eq!(parse("FY2026-2027").name(Lang::Fr), "exercice 2026-2027");
        assert_eq!(
            parse("FY2026-2027-Q2").name(Lang::Fr),
            "2e trimestre de l'exercice 2026-2027"
        );
        assert_eq!(
            parse("2026-04-01..2026-09-30").name(Lang::Fr),
            "du 1er avril 2026 au 30 septembre 2026"
        );
        assert_eq!(
            parse("YTD").name(Lang::En),
            "fiscal year 2026-2027 through December 3, 2026"
        );
    }
}
