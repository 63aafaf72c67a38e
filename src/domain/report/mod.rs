//! Monthly tallies, the figures funders ask for ("reddition de comptes"):
//! what they hold ([`tally`]), and how they are written out.
//!
//! The server computes a [`MonthTally`] from its rollups; this module only
//! shapes it. Field names of the JSON form are stable: scripts and funders'
//! templates depend on them.

pub mod tally;

pub use tally::{Breakdown, MonthTally, Summary, YearMonth};
