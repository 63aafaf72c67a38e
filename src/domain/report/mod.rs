//! Monthly tallies, the figures funders ask for ("reddition de comptes"):
//! what they hold ([`tally`]), how they are published ([`published`], with
//! small-cell suppression in [`suppress`](mod@suppress)), and how they are
//! written out ([`json`], [`csv`], [`markdown`]).
//!
//! The server computes a [`Tally`] from its rollups; this module only
//! shapes it, without I/O. Field names of the JSON form are stable: scripts
//! and funders' templates depend on them. The three writers share one
//! [`PublishedTally`], so a figure hidden in one format is hidden in all.

pub mod csv;
pub mod details;
pub mod field_work;
pub mod figures;
#[cfg(test)]
mod fixtures;
pub mod json;
pub mod markdown;
pub mod overdose;
pub mod period;
pub mod published;
pub mod regional;
pub mod sheet;
pub mod span;
pub mod spreadsheet;
pub mod suppress;
pub mod tally;
pub mod template;

pub use csv::{CsvError, to_csv};
pub use details::DetailsTally;
pub use field_work::FieldWorkTally;
pub use figures::Figures;
pub use json::to_json;
pub use markdown::to_markdown;
pub use overdose::{OverdoseTally, PublishedOverdoses};
pub use period::{BadPeriod, Part, Period};
pub use published::{
    Axis, BreakdownCells, Cell, Legend, LinkedGroup, Measure, PublishedTally, SummaryCells,
    Threshold,
};
pub use suppress::{publish, suppress};
pub use tally::{Breakdown, Comparison, Summary, Tally, YearMonth};
