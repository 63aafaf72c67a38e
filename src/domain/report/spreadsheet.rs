//! The spreadsheet CSV: the report's tables ([`super::sheet`]) one under
//! the other, as a director pastes them into Excel or LibreOffice. Labels
//! are in the reader's language and every row has its comparison columns.
//! In French, fields are separated by `;` and hours take a decimal comma,
//! as Excel in fr-CA expects; in English, `,` and a decimal point. Both
//! start with a UTF-8 byte-order mark, without which Excel reads the
//! accents as another encoding. A label that a spreadsheet would run as a
//! formula is neutralized. The machine CSV ([`super::csv`]) stays as it
//! is for scripts.

use super::figures::{Unit, shown};
use super::published::Cell;
use super::sheet::{Sheet, Value};
use crate::domain::escape::spreadsheet_text;
use crate::domain::i18n::{Lang, Msg};

/// The byte-order mark Excel needs to read UTF-8.
pub const BOM: &str = "\u{feff}";

/// The field separator of the reader's spreadsheet.
pub fn separator(lang: Lang) -> u8 {
    match lang {
        Lang::Fr => b';',
        Lang::En => b',',
    }
}

/// The sheet as one CSV text: `preamble` lines first (the organization,
/// the period, the version), each alone in its first column, then each
/// table with its header row, a blank line between.
pub fn to_spreadsheet(sheet: &Sheet, lang: Lang, preamble: &[String]) -> String {
    let mut out = csv::WriterBuilder::new()
        .delimiter(separator(lang))
        .flexible(true)
        .from_writer(Vec::new());
    let mut lines: Vec<Vec<String>> = vec![vec![sheet.names.title.clone()]];
    lines.extend(preamble.iter().map(|line| vec![line.clone()]));
    for table in &sheet.tables {
        lines.push(Vec::new());
        let mut header = vec![table.caption()];
        header.extend(table.headers(&sheet.names));
        lines.push(header);
        if table.rows.is_empty() {
            lines.push(vec![Msg::ReportNothing.text(lang).to_string()]);
        }
        for row in &table.rows {
            let mut line = vec![row.label.clone()];
            line.extend(row.values.iter().map(|v| value(*v, lang)));
            lines.push(line);
        }
    }
    for line in lines {
        let fields: Vec<String> = line
            .iter()
            .map(|f| spreadsheet_text(f).into_owned())
            .collect();
        // An empty record is written as a blank line; the writer would
        // otherwise quote an empty field to keep it.
        if fields.is_empty() {
            out.write_record([""; 0]).expect("csv into memory");
        } else {
            out.write_record(&fields).expect("csv into memory");
        }
    }
    let bytes = out.into_inner().expect("csv into memory");
    format!(
        "{BOM}{}",
        String::from_utf8(bytes).expect("csv of UTF-8 text")
    )
}

/// A figure as a spreadsheet reads it: a bare number (no thousands
/// separator, which would make it text), hours with the reader's decimal
/// mark, or the marker as text; nothing where there is no comparison.
fn value(value: Value, lang: Lang) -> String {
    match value {
        Value::NotCompared => String::new(),
        Value::Figure(Unit::Count, Cell::Count(n)) => n.to_string(),
        Value::Figure(unit @ (Unit::Minutes | Unit::Tenths), cell @ Cell::Count(_)) => {
            shown(unit, cell, lang)
        }
        // "85 %" with a plain space, which a spreadsheet reads as 0.85.
        Value::Figure(Unit::Percent, Cell::Count(n)) => match lang {
            Lang::Fr => format!("{n} %"),
            Lang::En => format!("{n}%"),
        },
        Value::Figure(_, Cell::Missing) => Cell::missing_text(lang).to_string(),
        Value::Figure(_, cell) => cell.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Catalog;
    use crate::domain::report::fixtures::sample;
    use crate::domain::report::sheet::sheet;
    use crate::domain::report::{Threshold, publish};

    fn written(lang: Lang, suppress: Option<Threshold>) -> String {
        let tally = sample();
        let p = publish(&tally, suppress);
        let s = sheet(&Catalog::default_quebec(), lang, [&p, &p, &p]);
        to_spreadsheet(&s, lang, &["Organisme".to_string()])
    }

    fn records(text: &str, lang: Lang) -> Vec<csv::StringRecord> {
        csv::ReaderBuilder::new()
            .delimiter(separator(lang))
            .has_headers(false)
            .flexible(true)
            .from_reader(text.trim_start_matches(BOM).as_bytes())
            .records()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn french_is_semicolons_a_bom_labels_and_comparisons_on_every_row() {
        let text = written(Lang::Fr, None);
        assert!(text.starts_with(BOM));
        let rows = records(&text, Lang::Fr);
        let find = |label: &str| {
            rows.iter()
                .find(|r| &r[0] == label)
                .unwrap_or_else(|| panic!("{label}"))
        };
        let materials = rows
            .iter()
            .find(|r| r[0].starts_with("Matériel remis"))
            .unwrap();
        assert_eq!(materials.len(), 4, "label and three periods: {materials:?}");
        let syringes = find("Seringues");
        assert_eq!(syringes.len(), 4);
        assert!(
            syringes.iter().skip(1).all(|f| !f.is_empty()),
            "{syringes:?}"
        );
        // A zone row: contacts then people reached, three periods each.
        assert_eq!(find("Gatineau").len(), 7);
        assert!(text.contains("Personnes rejointes — "), "{text}");
    }

    #[test]
    fn markers_stay_text_and_english_uses_commas() {
        let text = written(Lang::En, Some(Threshold::Five));
        let rows = records(&text, Lang::En);
        assert!(rows.iter().any(|r| r.iter().any(|f| f == "<5")), "{text}");
        assert!(text.contains("Contacts,"), "{text}");
    }
}
