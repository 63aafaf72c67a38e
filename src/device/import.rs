//! Back-filling from paper tally sheets.
