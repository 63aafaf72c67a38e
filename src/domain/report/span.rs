//! The spans the server keeps who was seen by (month, quarter, fiscal
//! year), and a run of whole months cut into the fewest of them: a fiscal
//! year's distinct people are then one index range, not the union of its
//! twelve months.
//!
//! A quarter is named by its first month (`2026-04`); calendar and fiscal
//! quarters are the same three-month blocks under two names, since the
//! fiscal year starts on a quarter. A fiscal year is named by its April.

use super::period::FISCAL_START;
use super::tally::YearMonth;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Span {
    Month,
    Quarter,
    FiscalYear,
}

impl Span {
    /// Months in one span.
    pub fn months(self) -> u32 {
        match self {
            Span::Month => 1,
            Span::Quarter => 3,
            Span::FiscalYear => 12,
        }
    }

    /// The first month of the span of this kind holding `month`.
    pub fn start(self, month: YearMonth) -> YearMonth {
        match self {
            Span::Month => month,
            Span::Quarter => YearMonth {
                year: month.year,
                month: (month.month - 1) / 3 * 3 + 1,
            },
            Span::FiscalYear => YearMonth {
                year: if month.month >= FISCAL_START {
                    month.year
                } else {
                    month.year - 1
                },
                month: FISCAL_START,
            },
        }
    }
}

/// A run of spans of one kind, named by the first month of its first and
/// of its last span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub span: Span,
    pub first: YearMonth,
    pub last: YearMonth,
}

/// The whole months `first..=last` as the fewest runs: every fiscal year
/// they cover whole, then every quarter, then the months left.
pub fn runs(first: YearMonth, last: YearMonth) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    let mut at = first;
    while at <= last {
        let span = [Span::FiscalYear, Span::Quarter, Span::Month]
            .into_iter()
            .find(|s| s.start(at) == at && at.months_after(s.months() - 1) <= last)
            .expect("a month is always a whole span");
        match runs.last_mut() {
            Some(run) if run.span == span && run.last.months_after(span.months()) == at => {
                run.last = at
            }
            _ => runs.push(Run {
                span,
                first: at,
                last: at,
            }),
        }
        at = at.months_after(span.months());
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> YearMonth {
        YearMonth::parse(text).unwrap()
    }

    fn run(span: Span, first: &str, last: &str) -> Run {
        Run {
            span,
            first: m(first),
            last: m(last),
        }
    }

    #[test]
    fn a_fiscal_year_is_one_span() {
        assert_eq!(
            runs(m("2024-04"), m("2025-03")),
            [run(Span::FiscalYear, "2024-04", "2024-04")]
        );
        assert_eq!(
            runs(m("2024-04"), m("2026-03")),
            [run(Span::FiscalYear, "2024-04", "2025-04")]
        );
    }

    #[test]
    fn quarters_and_months_fill_the_rest() {
        // A calendar quarter, a calendar year, a fiscal year and a bit.
        assert_eq!(
            runs(m("2026-07"), m("2026-09")),
            [run(Span::Quarter, "2026-07", "2026-07")]
        );
        assert_eq!(
            runs(m("2025-01"), m("2025-12")),
            [run(Span::Quarter, "2025-01", "2025-10")]
        );
        assert_eq!(
            runs(m("2024-02"), m("2025-05")),
            [
                run(Span::Month, "2024-02", "2024-03"),
                run(Span::FiscalYear, "2024-04", "2024-04"),
                run(Span::Month, "2025-04", "2025-05"),
            ]
        );
        assert_eq!(
            runs(m("2024-07"), m("2025-01")),
            [
                run(Span::Quarter, "2024-07", "2024-10"),
                run(Span::Month, "2025-01", "2025-01"),
            ]
        );
        assert_eq!(
            runs(m("2024-06"), m("2024-06")),
            [run(Span::Month, "2024-06", "2024-06")]
        );
    }

    #[test]
    fn every_month_falls_in_exactly_one_run() {
        for (first, last) in [
            ("2023-11", "2026-02"),
            ("2024-04", "2024-05"),
            ("2025-03", "2025-04"),
        ] {
            let (first, last) = (m(first), m(last));
            let mut covered = Vec::new();
            for r in runs(first, last) {
                let mut at = r.first;
                while at <= r.last {
                    for k in 0..r.span.months() {
                        covered.push(at.months_after(k));
                    }
                    at = at.months_after(r.span.months());
                }
            }
            let mut expected = Vec::new();
            let mut at = first;
            while at <= last {
                expected.push(at);
                at = at.months_after(1);
            }
            assert_eq!(covered, expected);
        }
    }

    #[test]
    fn starts() {
        assert_eq!(Span::Quarter.start(m("2026-12")), m("2026-10"));
        assert_eq!(Span::Quarter.start(m("2026-01")), m("2026-01"));
        assert_eq!(Span::FiscalYear.start(m("2026-03")), m("2025-04"));
        assert_eq!(Span::FiscalYear.start(m("2026-04")), m("2026-04"));
    }
}
