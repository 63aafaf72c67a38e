//! A tally as it leaves the server: every figure is an exact count, `<5`
//! (a count from 1 to 4) or `x` (a count hidden to protect the small ones).
//!
//! [`PublishedTally`] mirrors [`Tally`] field for field, so that the
//! JSON, CSV and Markdown writers share one shape whether suppression is on
//! or off; [`PublishedTally::exact`] is the unsuppressed form and
//! [`super::suppress()`] the suppressed one.

use super::overdose::PublishedOverdoses;
use super::tally::{Breakdown, Comparison, Tally};
use crate::domain::catalog::Section;
use std::collections::BTreeMap;
use std::fmt;

/// The smallest count a report leaving the organization shows
/// (`[reports] suppress_below`): 5, as CIHI asks, or 10, as several
/// provinces' health ministries do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Threshold {
    #[default]
    Five,
    Ten,
}

impl Threshold {
    pub const ALL: [Threshold; 2] = [Threshold::Five, Threshold::Ten];

    /// The threshold of `suppress_below = n`, if `n` is one allowed.
    pub fn of(n: u64) -> Option<Threshold> {
        Threshold::ALL.into_iter().find(|t| t.value() == n)
    }

    pub fn value(self) -> u64 {
        match self {
            Threshold::Five => 5,
            Threshold::Ten => 10,
        }
    }

    /// The largest count written as the marker: 4 or 9.
    pub fn largest_small(self) -> u64 {
        self.value() - 1
    }

    /// Whether `n` is hidden by primary suppression (1 to 4, or 1 to 9).
    pub fn is_small(self, n: u64) -> bool {
        (1..self.value()).contains(&n)
    }

    /// The marker of a small count: `<5` or `<10`.
    pub fn marker(self) -> &'static str {
        match self {
            Threshold::Five => "<5",
            Threshold::Ten => "<10",
        }
    }

    /// What a legend of the markers names.
    pub fn legend(self) -> Legend {
        Legend {
            small: self.marker(),
            largest: self.largest_small(),
            hidden: Cell::HIDDEN,
        }
    }
}

/// The words a legend of the markers fills in: `{small}`, `{largest}`
/// (the largest count it stands for) and `{hidden}`.
pub struct Legend {
    pub small: &'static str,
    pub largest: u64,
    pub hidden: &'static str,
}

impl Legend {
    pub fn words(&self) -> [(&'static str, &dyn fmt::Display); 3] {
        [
            ("small", &self.small),
            ("largest", &self.largest),
            ("hidden", &self.hidden),
        ]
    }
}

/// How one figure is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// The exact count (0 included: a true zero is published).
    Count(u64),
    /// A count from 1 to just under the threshold, written `<5` or `<10`
    /// ([`Threshold::marker`]).
    Small(Threshold),
    /// A count hidden so that no small one can be worked out from the
    /// others, written [`Cell::HIDDEN`].
    Hidden,
    /// No figure exists: a comparison period before the server held any
    /// data, or people over a span that includes a purged month. Written
    /// "n.d." or "n/a" (not 0, which would say nothing happened).
    Missing,
}

impl Cell {
    /// The marker of a secondarily hidden count. Statistics Canada's "x":
    /// short, the same in French and English, and it claims no value.
    pub const HIDDEN: &'static str = "x";
    /// "Non disponible", "not available".
    pub const MISSING_FR: &'static str = "n.d.";
    pub const MISSING_EN: &'static str = "n/a";

    /// The count, its marker, or "n.d." / "n/a", as a reader sees it.
    pub fn missing_text(lang: crate::domain::i18n::Lang) -> &'static str {
        match lang {
            crate::domain::i18n::Lang::Fr => Cell::MISSING_FR,
            crate::domain::i18n::Lang::En => Cell::MISSING_EN,
        }
    }

    /// The count, when it is published.
    pub fn count(self) -> Option<u64> {
        match self {
            Cell::Count(n) => Some(n),
            Cell::Small(_) | Cell::Hidden | Cell::Missing => None,
        }
    }

    /// The marker written instead of the count, when there is one.
    pub fn marker(self) -> Option<&'static str> {
        match self {
            Cell::Count(_) | Cell::Missing => None,
            Cell::Small(t) => Some(t.marker()),
            Cell::Hidden => Some(Cell::HIDDEN),
        }
    }

    /// Primary suppression alone: 1 to 4 (or 9) become [`Cell::Small`].
    pub fn primary(count: u64, threshold: Threshold) -> Cell {
        if threshold.is_small(count) {
            Cell::Small(threshold)
        } else {
            Cell::Count(count)
        }
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Count(n) => write!(f, "{n}"),
            Cell::Small(_) | Cell::Hidden => f.write_str(self.marker().unwrap_or_default()),
            Cell::Missing => f.write_str(Cell::MISSING_FR),
        }
    }
}

/// The breakdowns of contacts and people reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Axis {
    Zone,
    AgeBand,
    Gender,
}

impl Axis {
    pub const ALL: [Axis; 3] = [Axis::Zone, Axis::AgeBand, Axis::Gender];

    /// The field name in [`Tally`] and its JSON.
    pub fn key(self) -> &'static str {
        match self {
            Axis::Zone => "by_zone",
            Axis::AgeBand => "by_age_band",
            Axis::Gender => "by_gender",
        }
    }

    /// The catalog section whose labels name the rows.
    pub fn section(self) -> Section {
        match self {
            Axis::Zone => Section::Zones,
            Axis::AgeBand => Section::AgeBands,
            Axis::Gender => Section::Genders,
        }
    }

    pub fn of(self, tally: &Tally) -> &BTreeMap<String, Breakdown> {
        match self {
            Axis::Zone => &tally.by_zone,
            Axis::AgeBand => &tally.by_age_band,
            Axis::Gender => &tally.by_gender,
        }
    }
}

/// The two columns of a breakdown row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Measure {
    Contacts,
    PeopleReached,
}

impl Measure {
    pub const ALL: [Measure; 2] = [Measure::Contacts, Measure::PeopleReached];

    /// The field name in [`Breakdown`] and its JSON.
    pub fn key(self) -> &'static str {
        match self {
            Measure::Contacts => "contacts",
            Measure::PeopleReached => "people_reached",
        }
    }

    pub fn of(self, row: &Breakdown) -> u64 {
        match self {
            Measure::Contacts => row.contacts,
            Measure::PeopleReached => row.people_reached,
        }
    }
}

/// The equations "total = sum of parts" that bind published figures, and
/// so the places where a hidden figure could be recomputed by subtraction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkedGroup {
    /// `contacts` (or `people_reached`) = the column summed over the
    /// breakdown: every contact has exactly one zone, age band and gender.
    Breakdown(Axis, Measure),
    /// `contacts` = `contacts_with_code` + `contacts_without_code`.
    ContactsByCode,
    /// `unique_people` = `new_people` + `returning_people`.
    PeopleByHistory,
}

/// A breakdown row as published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreakdownCells {
    pub contacts: Cell,
    pub people_reached: Cell,
}

impl BreakdownCells {
    pub fn get(&self, measure: Measure) -> Cell {
        match measure {
            Measure::Contacts => self.contacts,
            Measure::PeopleReached => self.people_reached,
        }
    }

    pub(super) fn get_mut(&mut self, measure: Measure) -> &mut Cell {
        match measure {
            Measure::Contacts => &mut self.contacts,
            Measure::PeopleReached => &mut self.people_reached,
        }
    }
}

/// A comparison period as published: [`Cell::Missing`] where it has no
/// figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryCells {
    /// The period's canonical text.
    pub period: String,
    pub contacts: Cell,
    pub people_reached: Cell,
    pub unique_people: Cell,
}

impl SummaryCells {
    /// Whether the comparison has figures at all.
    pub fn available(&self) -> bool {
        self.contacts != Cell::Missing
    }
}

/// [`Tally`] with each figure as a [`Cell`]; same fields, same names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedTally {
    pub period: String,
    pub from: String,
    pub to: String,
    pub contacts: Cell,
    pub people_reached: Cell,
    pub contacts_with_code: Cell,
    pub contacts_without_code: Cell,
    pub unique_people: Cell,
    pub new_people: Cell,
    pub returning_people: Cell,
    pub returned_syringes: Cell,
    pub materials: BTreeMap<String, Cell>,
    pub referrals: BTreeMap<String, Cell>,
    pub interventions: BTreeMap<String, Cell>,
    pub by_zone: BTreeMap<String, BreakdownCells>,
    pub by_age_band: BTreeMap<String, BreakdownCells>,
    pub by_gender: BTreeMap<String, BreakdownCells>,
    pub previous: SummaryCells,
    pub last_year: SummaryCells,
    /// Groups withheld whole: every part `x`, zeros included (see
    /// [`super::suppress`](mod@super::suppress)). Not in the JSON: a reader
    /// sees a breakdown, or the code or history pair, entirely in `x`.
    pub withheld: Vec<LinkedGroup>,
    /// The threshold of the markers, `None` when nothing was suppressed.
    pub threshold: Option<Threshold>,
    /// With their own suppression rule (see [`super::overdose`]).
    pub overdoses: PublishedOverdoses,
    /// Exact in both versions; incidents in the internal one only (see
    /// [`super::field_work`]).
    pub field_work: super::figures::Figures,
    /// Modes, places, materials for others, naloxone kits, with their own
    /// rule (see [`super::details`]).
    pub details: super::figures::Figures,
}

impl PublishedTally {
    /// Every figure exactly as counted.
    pub fn exact(tally: &Tally) -> PublishedTally {
        PublishedTally::map(tally, &Cell::Count)
    }

    /// Every figure under the threshold as its marker, nothing else
    /// hidden yet.
    pub(super) fn primary(tally: &Tally, threshold: Threshold) -> PublishedTally {
        PublishedTally {
            overdoses: PublishedOverdoses::suppressed(&tally.overdoses, threshold),
            field_work: tally.field_work.published(false),
            details: tally.details.published(tally.contacts, Some(threshold)),
            threshold: Some(threshold),
            ..PublishedTally::map(tally, &|n| Cell::primary(n, threshold))
        }
    }

    fn map(tally: &Tally, cell: &dyn Fn(u64) -> Cell) -> PublishedTally {
        let counts = |map: &BTreeMap<String, u64>| {
            map.iter()
                .map(|(id, &n)| (id.clone(), cell(n)))
                .collect::<BTreeMap<_, _>>()
        };
        let rows = |map: &BTreeMap<String, Breakdown>| {
            map.iter()
                .map(|(id, row)| {
                    let cells = BreakdownCells {
                        contacts: cell(row.contacts),
                        people_reached: cell(row.people_reached),
                    };
                    (id.clone(), cells)
                })
                .collect::<BTreeMap<_, _>>()
        };
        let summary = |c: &Comparison| match &c.figures {
            Some(s) => SummaryCells {
                period: c.period.clone(),
                contacts: cell(s.contacts),
                people_reached: cell(s.people_reached),
                unique_people: if c.people_unknown {
                    Cell::Missing
                } else {
                    cell(s.unique_people)
                },
            },
            None => SummaryCells {
                period: c.period.clone(),
                contacts: Cell::Missing,
                people_reached: Cell::Missing,
                unique_people: Cell::Missing,
            },
        };
        PublishedTally {
            period: tally.period.clone(),
            from: tally.from.clone(),
            to: tally.to.clone(),
            contacts: cell(tally.contacts),
            people_reached: cell(tally.people_reached),
            contacts_with_code: cell(tally.contacts_with_code),
            contacts_without_code: cell(tally.contacts_without_code),
            unique_people: cell(tally.unique_people),
            new_people: cell(tally.new_people),
            returning_people: cell(tally.returning_people),
            returned_syringes: cell(tally.returned_syringes),
            materials: counts(&tally.materials),
            referrals: counts(&tally.referrals),
            interventions: counts(&tally.interventions),
            by_zone: rows(&tally.by_zone),
            by_age_band: rows(&tally.by_age_band),
            by_gender: rows(&tally.by_gender),
            previous: summary(&tally.previous),
            last_year: summary(&tally.last_year),
            withheld: Vec::new(),
            threshold: None,
            overdoses: PublishedOverdoses::exact(&tally.overdoses),
            field_work: tally.field_work.published(true),
            details: tally.details.published(tally.contacts, None),
        }
    }

    /// The same figures, every one [`Cell::Missing`]: a comparison period
    /// before the server held data.
    pub fn missing(mut self) -> PublishedTally {
        for cell in [
            &mut self.contacts,
            &mut self.people_reached,
            &mut self.contacts_with_code,
            &mut self.contacts_without_code,
            &mut self.unique_people,
            &mut self.new_people,
            &mut self.returning_people,
            &mut self.returned_syringes,
        ] {
            *cell = Cell::Missing;
        }
        for map in [
            &mut self.materials,
            &mut self.referrals,
            &mut self.interventions,
        ] {
            map.values_mut().for_each(|c| *c = Cell::Missing);
        }
        for rows in [
            &mut self.by_zone,
            &mut self.by_age_band,
            &mut self.by_gender,
        ] {
            for row in rows.values_mut() {
                (row.contacts, row.people_reached) = (Cell::Missing, Cell::Missing);
            }
        }
        for s in [&mut self.previous, &mut self.last_year] {
            (s.contacts, s.people_reached, s.unique_people) =
                (Cell::Missing, Cell::Missing, Cell::Missing);
        }
        self.withheld.clear();
        self.overdoses.set_missing();
        self.field_work.set_missing();
        self.details.set_missing();
        self
    }

    /// People not counted over the period are "n.d.", never 0 (set after
    /// suppression: a 0 there hides nothing and reveals nothing).
    pub(super) fn mark_people_unknown(&mut self, tally: &Tally) {
        if tally.people_unknown {
            self.unique_people = Cell::Missing;
            self.new_people = Cell::Missing;
            self.returning_people = Cell::Missing;
        }
    }

    pub fn breakdown(&self, axis: Axis) -> &BTreeMap<String, BreakdownCells> {
        match axis {
            Axis::Zone => &self.by_zone,
            Axis::AgeBand => &self.by_age_band,
            Axis::Gender => &self.by_gender,
        }
    }

    pub(super) fn breakdown_mut(&mut self, axis: Axis) -> &mut BTreeMap<String, BreakdownCells> {
        match axis {
            Axis::Zone => &mut self.by_zone,
            Axis::AgeBand => &mut self.by_age_band,
            Axis::Gender => &mut self.by_gender,
        }
    }

    /// Whether any figure is `<5` (`<10`) or `x`.
    pub fn has_markers(&self) -> bool {
        let heads = [
            self.contacts,
            self.people_reached,
            self.contacts_with_code,
            self.contacts_without_code,
            self.unique_people,
            self.new_people,
            self.returning_people,
            self.returned_syringes,
        ];
        let summaries = [&self.previous, &self.last_year]
            .into_iter()
            .flat_map(|s| [s.contacts, s.people_reached, s.unique_people]);
        let maps = [&self.materials, &self.referrals, &self.interventions]
            .into_iter()
            .flat_map(|map| map.values().copied());
        let rows = Axis::ALL
            .into_iter()
            .flat_map(|axis| self.breakdown(axis).values())
            .flat_map(|row| [row.contacts, row.people_reached]);
        heads
            .into_iter()
            .chain(summaries)
            .chain(maps)
            .chain(rows)
            .chain(self.overdoses.has_markers().then_some(Cell::Hidden))
            .chain(self.field_work.has_markers().then_some(Cell::Hidden))
            .chain(self.details.has_markers().then_some(Cell::Hidden))
            .any(|cell| cell.marker().is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_suppression_marks_one_to_four_and_keeps_zero_and_five() {
        let five = Threshold::Five;
        assert_eq!(Cell::primary(0, five), Cell::Count(0));
        for n in 1..=4 {
            assert_eq!(Cell::primary(n, five), Cell::Small(five), "{n}");
        }
        assert_eq!(Cell::primary(5, five), Cell::Count(5));
        assert_eq!(Cell::primary(u64::MAX, five), Cell::Count(u64::MAX));
    }

    #[test]
    fn at_ten_one_to_nine_are_small_and_only_five_or_ten_are_thresholds() {
        let ten = Threshold::Ten;
        assert_eq!(Cell::primary(0, ten), Cell::Count(0));
        for n in 1..=9 {
            assert_eq!(Cell::primary(n, ten), Cell::Small(ten), "{n}");
        }
        assert_eq!(Cell::primary(10, ten), Cell::Count(10));
        assert_eq!(Cell::Small(ten).to_string(), "<10");
        assert_eq!(ten.legend().largest, 9);
        assert_eq!(Threshold::of(5), Some(Threshold::Five));
        assert_eq!(Threshold::of(10), Some(ten));
        assert_eq!(Threshold::of(7), None);
    }

    #[test]
    fn cells_display_as_their_count_or_marker() {
        assert_eq!(Cell::Count(12).to_string(), "12");
        assert_eq!(Cell::Small(Threshold::Five).to_string(), "<5");
        assert_eq!(Cell::Hidden.to_string(), "x");
    }

    #[test]
    fn the_exact_form_keeps_every_figure_and_has_no_marker() {
        let mut tally = Tally {
            period: "2026-03".into(),
            contacts: 3,
            ..Tally::default()
        };
        tally.by_zone.insert(
            "gatineau".into(),
            Breakdown {
                contacts: 3,
                people_reached: 4,
            },
        );
        let exact = PublishedTally::exact(&tally);
        assert_eq!(exact.contacts, Cell::Count(3));
        assert_eq!(exact.by_zone["gatineau"].people_reached, Cell::Count(4));
        assert!(!exact.has_markers());
        assert!(PublishedTally::primary(&tally, Threshold::Five).has_markers());
    }

    #[test]
    fn a_marker_in_the_naloxone_figures_alone_still_calls_for_the_legend() {
        let mut tally = Tally {
            contacts: 40,
            ..Tally::default()
        };
        tally.details.people_trained = 2;
        assert!(PublishedTally::primary(&tally, Threshold::Five).has_markers());
        assert!(!PublishedTally::exact(&tally).has_markers());
    }
}
