//! Funders' templates: the rows a funder's form asks for, each a figure of
//! the report (a JSON path of `tournee report --format json`), a sum of
//! figures, a figure per another ("seringues par visite") or a share with
//! its target (the naloxone kits left with people at risk, against the
//! MSSS's 80 %). A template is data: a TOML file, built in under
//! `assets/templates/` or added by an organization under
//! `DATA/templates/`, read without code. It is written as a [`Sheet`], so
//! the page, the print and the spreadsheet CSV show it as they show the
//! report, from the same published tallies: no second counting path, and
//! in the external version a computed row is shown only when every figure
//! it is made of is published.

use super::figures::Unit;
use super::markdown::Names;
use super::published::{Cell, PublishedTally};
use super::sheet::{Kind, Row, Sheet, Table, Value};
use crate::domain::i18n::Lang;
use serde::Deserialize;
use serde_json::Value as Json;

/// The templates shipped with Tournée, by file name.
pub const BUILT_IN: [(&str, &str); 3] = [
    (
        "cami.toml",
        include_str!("../../../assets/templates/cami.toml"),
    ),
    (
        "naloxone.toml",
        include_str!("../../../assets/templates/naloxone.toml"),
    ),
    (
        "travail-de-rue.toml",
        include_str!("../../../assets/templates/travail-de-rue.toml"),
    ),
];

/// A text in both languages.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub fr: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Its address: `/report?template=ID`; lowercase letters, digits, `-`.
    pub id: String,
    pub title: Text,
    /// Who asks for it and how often, under the title.
    pub about: Text,
    #[serde(rename = "section")]
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub title: Text,
    #[serde(rename = "row")]
    pub rows: Vec<TemplateRow>,
}

/// One row: exactly one of `value`, `sum`, `per` or `share`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TemplateRow {
    pub label: Text,
    /// A figure: `contacts`, `materials.seringues`, `by_gender.femme.contacts`.
    pub value: Option<String>,
    /// The sum of figures.
    pub sum: Option<Vec<String>>,
    /// The first figure per the second, with one decimal.
    pub per: Option<[String; 2]>,
    /// The first figure as a percentage of the sum of all the figures.
    pub share: Option<Vec<String>>,
    /// A share's target, in percent, said beside it.
    pub target: Option<u64>,
}

/// A template file that cannot be read, said with its file and field.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TemplateError {
    #[error("{file}: {message}")]
    Syntax { file: String, message: String },
    #[error("{file}: {field}: {message}")]
    Field {
        file: String,
        field: String,
        message: String,
    },
}

/// The first JSON section names a path may start with.
const SECTIONS: [&str; 17] = [
    "contacts",
    "people_reached",
    "contacts_with_code",
    "contacts_without_code",
    "unique_people",
    "new_people",
    "returning_people",
    "returned_syringes",
    "materials",
    "referrals",
    "interventions",
    "by_zone",
    "by_age_band",
    "by_gender",
    "overdoses",
    "field_work",
    "details",
];

impl Template {
    /// Reads and checks one template file named `file`.
    pub fn parse(file: &str, text: &str) -> Result<Template, TemplateError> {
        let template: Template = toml::from_str(text).map_err(|e| TemplateError::Syntax {
            file: file.to_string(),
            message: e.message().to_string(),
        })?;
        let bad = |field: String, message: &str| TemplateError::Field {
            file: file.to_string(),
            field,
            message: message.to_string(),
        };
        let id_ok = !template.id.is_empty()
            && template.id.len() <= 48
            && template
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !id_ok {
            return Err(bad("id".into(), "1 to 48 of a-z, 0-9 and -"));
        }
        for (s, section) in template.sections.iter().enumerate() {
            for (r, row) in section.rows.iter().enumerate() {
                let at = |what: &str| format!("section {} row {} {what}", s + 1, r + 1);
                let kinds = [
                    row.value.is_some(),
                    row.sum.is_some(),
                    row.per.is_some(),
                    row.share.is_some(),
                ];
                if kinds.iter().filter(|&&k| k).count() != 1 {
                    return Err(bad(at(""), "exactly one of value, sum, per, share"));
                }
                for path in row.paths() {
                    let first = path.split('.').next().unwrap_or_default();
                    if !SECTIONS.contains(&first) {
                        return Err(bad(
                            at(&format!("\"{path}\"")),
                            "not a figure of tournee report --format json",
                        ));
                    }
                }
                if row.target.is_some_and(|t| t > 100) {
                    return Err(bad(at("target"), "a percentage from 0 to 100"));
                }
            }
        }
        Ok(template)
    }

    /// The built-in templates, then `extra` files (name, text), an extra
    /// one replacing a built-in of the same id.
    pub fn all(extra: &[(String, String)]) -> Result<Vec<Template>, TemplateError> {
        let mut all: Vec<Template> = BUILT_IN
            .iter()
            .map(|(file, text)| Template::parse(file, text))
            .collect::<Result<_, _>>()?;
        for (file, text) in extra {
            let template = Template::parse(file, text)?;
            all.retain(|t| t.id != template.id);
            all.push(template);
        }
        Ok(all)
    }

    /// The template's tables for the published tallies of the period and
    /// its two comparisons.
    pub fn sheet(&self, lang: Lang, published: [&PublishedTally; 3]) -> Sheet {
        let json = published.map(super::json::render);
        let names = Names::of(published[0], lang);
        let tables = self
            .sections
            .iter()
            .map(|section| Table {
                kind: Kind::Section,
                section: Some(section.title.get(lang).to_string()),
                title: section.title.get(lang).to_string(),
                measures: vec![
                    crate::domain::i18n::Msg::ReportFigure
                        .text(lang)
                        .to_string(),
                ],
                rows: section
                    .rows
                    .iter()
                    .map(|row| Row {
                        key: String::new(),
                        label: row.label(lang),
                        values: json.iter().map(|j| row.value_in(j)).collect(),
                    })
                    .collect(),
            })
            .collect();
        Sheet { names, tables }
    }
}

impl TemplateRow {
    fn paths(&self) -> Vec<&String> {
        let mut paths: Vec<&String> = Vec::new();
        paths.extend(&self.value);
        paths.extend(self.sum.iter().flatten());
        paths.extend(self.per.iter().flatten());
        paths.extend(self.share.iter().flatten());
        paths
    }

    fn label(&self, lang: Lang) -> String {
        match self.target {
            Some(target) => match lang {
                Lang::Fr => format!("{} (cible : {target} %)", self.label.get(lang)),
                Lang::En => format!("{} (target: {target}%)", self.label.get(lang)),
            },
            None => self.label.get(lang).to_string(),
        }
    }

    /// The row's value in one period's published JSON.
    fn value_in(&self, json: &Json) -> Value {
        let cells: Vec<Option<Cell>> = self.paths().iter().map(|p| cell_at(json, p)).collect();
        let figure = |unit, cell| Value::Figure(unit, cell);
        if let Some(path) = &self.value {
            // Minutes in the field are told as hours, as on the report.
            let unit = if path.ends_with("minutes") {
                Unit::Minutes
            } else {
                Unit::Count
            };
            return cell_at(json, path).map_or(Value::NotCompared, |c| figure(unit, c));
        }
        // Computed rows need every part published: a sum beside a marked
        // part would tell the marked part.
        let Some(cells) = cells.into_iter().collect::<Option<Vec<Cell>>>() else {
            return Value::NotCompared;
        };
        if cells.contains(&Cell::Missing) {
            return figure(Unit::Count, Cell::Missing);
        }
        let Some(counts) = cells
            .iter()
            .map(|c| c.count())
            .collect::<Option<Vec<u64>>>()
        else {
            return figure(Unit::Count, Cell::Hidden);
        };
        if self.sum.is_some() {
            return figure(Unit::Count, Cell::Count(counts.iter().sum()));
        }
        let (part, whole) = match (&self.per, &self.share) {
            (Some(_), _) => (counts[0], counts[1]),
            _ => (counts[0], counts.iter().sum()),
        };
        if whole == 0 {
            return figure(Unit::Count, Cell::Missing);
        }
        let unit = if self.per.is_some() {
            Unit::Tenths
        } else {
            Unit::Percent
        };
        let scale = if self.per.is_some() { 10 } else { 100 };
        figure(unit, Cell::Count((part * scale + whole / 2) / whole))
    }
}

/// The published figure at a JSON path: a count, a marker, "n.d." for
/// `null`; nothing where the path leads nowhere (an id this catalog
/// does not have).
fn cell_at(json: &Json, path: &str) -> Option<Cell> {
    let mut at = json;
    for part in path.split('.') {
        at = at.get(part)?;
    }
    Some(match at {
        Json::Number(n) => Cell::Count(n.as_u64()?),
        Json::Null => Cell::Missing,
        Json::String(s) if s == Cell::HIDDEN => Cell::Hidden,
        Json::String(s) => super::published::Threshold::ALL
            .into_iter()
            .find(|t| t.marker() == s)
            .map(Cell::Small)?,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report::fixtures::sample;
    use crate::domain::report::{Threshold, publish};

    #[test]
    fn the_built_in_templates_read() {
        let all = Template::all(&[]).unwrap();
        let ids: Vec<&str> = all.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["cami", "naloxone", "travail-de-rue"]);
    }

    #[test]
    fn a_bad_file_is_named_with_its_field() {
        let text = "id = \"x\"\ntitle = { fr = \"a\", en = \"a\" }\nabout = { fr = \"a\", en = \"a\" }\n\
                    [[section]]\ntitle = { fr = \"a\", en = \"a\" }\n[[section.row]]\n\
                    label = { fr = \"a\", en = \"a\" }\nvalue = \"seringues\"\n";
        let err = Template::parse("mine.toml", text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "mine.toml: section 1 row 1 \"seringues\": not a figure of tournee report --format json"
        );
        let err = Template::parse("mine.toml", "id = 3").unwrap_err();
        assert!(err.to_string().starts_with("mine.toml: "), "{err}");
    }

    #[test]
    fn computed_rows_follow_their_parts_and_hide_beside_a_marker() {
        let row = |text: &str| -> TemplateRow {
            toml::from_str(&format!("label = {{ fr = \"a\", en = \"a\" }}\n{text}")).unwrap()
        };
        let tally = sample();
        let exact = super::super::json::render(&publish(&tally, None));
        let c = tally.contacts;
        let s = tally.materials["seringues"];
        assert_eq!(
            row("per = [\"materials.seringues\", \"contacts\"]").value_in(&exact),
            Value::Figure(Unit::Tenths, Cell::Count((s * 10 + c / 2) / c))
        );
        assert_eq!(
            row("sum = [\"materials.seringues\", \"materials.condoms\"]").value_in(&exact),
            Value::Figure(Unit::Count, Cell::Count(s + tally.materials["condoms"]))
        );
        let external = super::super::json::render(&publish(&tally, Some(Threshold::Five)));
        assert_eq!(
            row("sum = [\"materials.seringues\", \"materials.condoms\"]").value_in(&external),
            Value::Figure(Unit::Count, Cell::Hidden),
            "condoms are <5 in the sample"
        );
        assert_eq!(
            row("value = \"materials.absent\"").value_in(&exact),
            Value::NotCompared
        );
    }
}
