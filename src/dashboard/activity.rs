//! Activity: synced contacts newest first, 50 a page, with filters (a GET
//! form, kept across pages); a contact's detail; voiding it with a reason.

use super::Dash;
use super::activity_rows::{Line, line, type_label};
use super::auth::{Posted, Signed};
use super::page::{self, Frame, Nav};
use super::words::Word;
use crate::domain::i18n::{Lang, Msg};
use crate::domain::{Catalog, RecordId, Section};
use crate::server::apply::prepare::ContactFacts;
use crate::server::console::activity::{ContactRow, Filter, RecordType, VoidOutcome};
use crate::server::now_ms;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, TimeZone};
use dioxus::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const PER_PAGE: u32 = 50;
pub const MAX_REASON_CHARS: usize = 200;

/// The filter form's fields, as typed (empty means "any").
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ActivityQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    zone: String,
    #[serde(default)]
    device: String,
    #[serde(default)]
    material: String,
    #[serde(default)]
    referral: String,
    #[serde(default)]
    intervention: String,
    #[serde(default)]
    record: String,
    #[serde(default, skip_serializing)]
    page: String,
}

impl ActivityQuery {
    /// This list's address at page `number`, with only the filters set.
    fn href(&self, number: u32) -> String {
        let mut pairs: Vec<(&str, String)> = [
            ("from", &self.from),
            ("to", &self.to),
            ("zone", &self.zone),
            ("device", &self.device),
            ("material", &self.material),
            ("referral", &self.referral),
            ("intervention", &self.intervention),
            ("record", &self.record),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k, v.trim().to_string()))
        .collect();
        pairs.push(("page", number.to_string()));
        format!(
            "/activity?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    }
}

fn chosen(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// The start of a local date, as UTC milliseconds.
fn local_midnight(date: NaiveDate) -> i64 {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    chrono::Local
        .from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.timestamp_millis())
        .unwrap_or_else(|| midnight.and_utc().timestamp_millis())
}

/// The query as a [`Filter`], or what is wrong with it in `lang`.
pub fn parse_filter(query: &ActivityQuery, lang: Lang) -> Result<Filter, String> {
    let date = |text: &str, field: Word| -> Result<Option<NaiveDate>, String> {
        match chosen(text) {
            None => Ok(None),
            Some(text) => NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| Word::BadDate.fill(lang, &[("field", &field.text(lang))])),
        }
    };
    let from = date(&query.from, Word::FilterFrom)?;
    let to = date(&query.to, Word::FilterTo)?;
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(Word::BadDateOrder.fill(
            lang,
            &[
                ("from", &Word::FilterFrom.text(lang)),
                ("to", &Word::FilterTo.text(lang)),
            ],
        ));
    }
    Ok(Filter {
        from_ms: from.map(local_midnight),
        // Inclusive: up to the start of the next day.
        until_ms: to.and_then(|d| d.succ_opt()).map(local_midnight),
        zone: chosen(&query.zone),
        // Only ever a value from the select; anything else matches no phone.
        device: chosen(&query.device).map(|text| Uuid::try_parse(&text).unwrap_or(Uuid::max())),
        material: chosen(&query.material),
        referral: chosen(&query.referral),
        intervention: chosen(&query.intervention),
        record: match chosen(&query.record) {
            None => None,
            Some(text) => Some(RecordType::parse(&text).ok_or_else(|| {
                let allowed: Vec<&str> = RecordType::ALL.iter().map(|t| t.key()).collect();
                Word::BadRecordType
                    .fill(lang, &[("value", &text), ("allowed", &allowed.join(", "))])
            })?),
        },
    })
}

/// "Seringues × 10, Condoms × 2", or "None".
pub fn materials_summary(
    materials: &std::collections::BTreeMap<String, u64>,
    catalog: &Catalog,
    lang: Lang,
) -> String {
    if materials.is_empty() {
        return Word::NoneGiven.text(lang).to_string();
    }
    materials
        .iter()
        .map(|(id, quantity)| {
            format!(
                "{} × {quantity}",
                catalog.label(Section::Materials, id, lang)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The options of one catalog select: every id, retired ones marked, so
/// older records stay filterable.
fn options(catalog: &Catalog, section: Section, lang: Lang) -> Vec<(String, String)> {
    catalog
        .section(section)
        .iter()
        .map(|e| {
            let label = if e.active {
                e.label(lang).to_string()
            } else {
                Word::RetiredMark.fill(lang, &[("label", &e.label(lang))])
            };
            (e.id.to_string(), label)
        })
        .collect()
}

fn select(
    lang: Lang,
    id: &'static str,
    word: Word,
    current: &str,
    choices: Vec<(String, String)>,
    // "Tous" or "Toutes", agreeing with the field.
    any: Word,
) -> Element {
    let current = current.trim().to_string();
    rsx! {
        div { class: "field",
            label { r#for: id, {word.text(lang)} }
            select { id: id, name: id,
                option { value: "", selected: current.is_empty(), {any.text(lang)} }
                for (value, label) in choices {
                    option { selected: value == current, value: "{value}", "{label}" }
                }
            }
        }
    }
}

fn filter_form(
    lang: Lang,
    query: &ActivityQuery,
    catalog: &Catalog,
    phones: Vec<(Uuid, String)>,
) -> Element {
    let phones = phones
        .into_iter()
        .map(|(id, label)| (id.to_string(), label))
        .collect();
    let (from, to) = (query.from.clone(), query.to.clone());
    let types = RecordType::ALL
        .iter()
        .map(|t| (t.key().to_string(), type_label(*t, lang).to_string()))
        .collect();
    rsx! {
        form { class: "filters", method: "get", action: "/activity",
            div { class: "field",
                label { r#for: "from", {Word::FilterFrom.text(lang)} }
                input { id: "from", name: "from", r#type: "date", value: "{from}",
                    "aria-describedby": "date-hint" }
            }
            div { class: "field",
                label { r#for: "to", {Word::FilterTo.text(lang)} }
                input { id: "to", name: "to", r#type: "date", value: "{to}",
                    "aria-describedby": "date-hint" }
            }
            {select(lang, "record", Word::FilterRecord, &query.record, types, Word::FilterAny)}
            {select(lang, "zone", Word::FilterZone, &query.zone, options(catalog, Section::Zones, lang), Word::FilterAnyFeminine)}
            {select(lang, "device", Word::FilterPhone, &query.device, phones, Word::FilterAny)}
            {select(lang, "material", Word::FilterMaterial, &query.material, options(catalog, Section::Materials, lang), Word::FilterAny)}
            {select(lang, "referral", Word::FilterReferral, &query.referral, options(catalog, Section::Referrals, lang), Word::FilterAnyFeminine)}
            {select(lang, "intervention", Word::FilterIntervention, &query.intervention, options(catalog, Section::Interventions, lang), Word::FilterAnyFeminine)}
            button { class: "primary", r#type: "submit", {Word::FilterApply.text(lang)} }
            a { class: "button", href: "/activity", {Word::FilterClear.text(lang)} }
        }
        p { class: "hint", id: "date-hint", {Word::FilterDateHint.text(lang)} }
    }
}

/// `GET /activity?from&to&zone&device&material&referral&intervention&page`.
pub async fn list(
    State(dash): State<Dash>,
    user: Signed,
    Query(query): Query<ActivityQuery>,
) -> Response {
    let lang = user.lang;
    let number = query.page.trim().parse::<u32>().unwrap_or(1).max(1);
    let filter = parse_filter(&query, lang);
    let offset = (number - 1).saturating_mul(PER_PAGE);
    let found = async {
        let storage = dash.server.storage();
        let catalog = storage.catalog(user.org).await?;
        let phones = storage.record_phones(user.org).await?;
        let rows = match filter.clone() {
            Ok(filter) => Some(
                storage
                    .activity_page(user.org, filter, offset, PER_PAGE)
                    .await?,
            ),
            Err(_) => None,
        };
        Ok::<_, crate::server::ServerError>((catalog, phones, rows))
    }
    .await;
    let (catalog, phones, rows) = match found {
        Ok(found) => found,
        Err(error) => return page::trouble(lang, &error),
    };
    let frame = Frame::signed(
        &user,
        dash.org_name(),
        Nav::Activity,
        Word::ActivityTitle.text(lang).into(),
    );
    let form = filter_form(lang, &query, &catalog, phones);
    let Ok(_) = &filter else {
        let message = filter.err().unwrap_or_default();
        let body = rsx! {
            p { class: "error", role: "alert", "{message}" }
            {form}
        };
        return (StatusCode::BAD_REQUEST, page::render(frame, body)).into_response();
    };
    let (rows, total) = rows.unwrap_or_default();
    let lines: Vec<(Line, String, String)> = rows
        .iter()
        .map(|row| {
            let line = line(row, &catalog, lang);
            let see = Word::SeeDetail.fill(lang, &[("when", &line.when)]);
            (line, see, row.phone.clone())
        })
        .collect();
    let count = Word::counted(lang, total, Word::ActivityCountOne, Word::ActivityCountMany);
    let pages = total.div_ceil(u64::from(PER_PAGE)).max(1);
    // A page past the end says so, rather than "nothing matches".
    let past_end = lines.is_empty() && total > 0;
    let past_end_words = Word::ActivityPastEnd.fill(lang, &[("page", &number), ("pages", &pages)]);
    let last_page = query.href(pages as u32);
    let body = rsx! {
        {form}
        p { role: "status", "{count}" }
        if past_end {
            p { "{past_end_words}" }
            p { a { href: "{last_page}", {Word::ActivityLastPage.text(lang)} } }
        } else if lines.is_empty() {
            p { {Word::ActivityEmpty.text(lang)} }
        } else {
            table { class: "list",
                thead {
                    tr {
                        th { scope: "col", {Word::ColTime.text(lang)} }
                        th { scope: "col", {Word::ColPhone.text(lang)} }
                        th { scope: "col", {Word::ColKind.text(lang)} }
                        th { scope: "col", {Word::ColZone.text(lang)} }
                        th { scope: "col", {Word::ColDetail.text(lang)} }
                        th { scope: "col", {Word::ColState.text(lang)} }
                    }
                }
                tbody {
                    for (line, see, phone) in lines {
                        tr { key: "{line.id}",
                            td {
                                if let Some(href) = &line.href {
                                    a { href: "{href}", "aria-label": "{see}", "{line.when}" }
                                } else {
                                    "{line.when}"
                                }
                            }
                            td { "{phone}" }
                            td { "{line.kind}" }
                            td { "{line.zone}" }
                            td { "{line.detail}" }
                            td {
                                if line.voided {
                                    strong { {Word::StateVoided.text(lang)} }
                                } else {
                                    {Word::StateCounted.text(lang)}
                                }
                            }
                        }
                    }
                }
            }
            {page::pager(lang, number, PER_PAGE, total, |n| query.href(n))}
        }
    };
    page::render(frame, body).into_response()
}

#[derive(Deserialize)]
pub struct DetailQuery {
    done: Option<String>,
}

/// A chosen label, or "non précisé" for a contact that did not say.
fn said(label: Option<String>, lang: Lang) -> String {
    label.unwrap_or_else(|| Word::NotSaid.text(lang).to_string())
}

/// "2 trousses — Nasale, Première trousse, 1 personne formée", or that the
/// kits were not described.
fn naloxone(f: &ContactFacts, lang: Lang) -> String {
    use crate::domain::i18n::counted;
    match &f.naloxone {
        Some(n) => format!(
            "{} — {}, {}, {}",
            counted(lang, n.kits, Msg::KitsOne, Msg::KitsMany),
            n.form.label(lang),
            n.supply.label(lang),
            counted(lang, n.trained, Msg::TrainedOne, Msg::TrainedMany),
        ),
        None if gives_kits(f) => Word::NaloxoneNotDescribed.text(lang).to_string(),
        None => Word::NoneGivenFeminine.text(lang).to_string(),
    }
}

fn gives_kits(f: &ContactFacts) -> bool {
    [&f.materials, &f.materials_for_others]
        .iter()
        .any(|m| m.contains_key(crate::domain::naloxone::NALOXONE_KITS))
}

/// The contact's page: its facts (no pseudonym: only whether it had a
/// person code) and, unless voided, the void form.
fn detail(
    user: &Signed,
    row: ContactRow,
    catalog: &Catalog,
    notice: Option<Word>,
    error: Option<Word>,
    reason: &str,
) -> Element {
    let lang = user.lang;
    let f = &row.facts;
    let label = |section: Section, id: &str| catalog.label(section, id, lang).to_string();
    let list = |section: Section, ids: &[String]| {
        if ids.is_empty() {
            Word::NoneGivenFeminine.text(lang).to_string()
        } else {
            ids.iter()
                .map(|id| label(section, id))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let facts: Vec<(&str, String)> = vec![
        (Word::ColTime.text(lang), page::when(row.occurred_at_ms)),
        (Word::ContactMonth.text(lang), f.month.to_string()),
        (Word::ColPhone.text(lang), row.phone.clone()),
        (Word::ColZone.text(lang), label(Section::Zones, &f.zone)),
        (Word::ColKind.text(lang), f.kind.label(lang).to_string()),
        (Word::ColPeople.text(lang), f.people.to_string()),
        (
            Word::ContactAgeBand.text(lang),
            label(Section::AgeBands, &f.age_band),
        ),
        (
            Word::ContactGender.text(lang),
            f.gender.as_deref().map_or_else(
                || Word::NotSaid.text(lang).to_string(),
                |g| label(Section::Genders, g),
            ),
        ),
        (
            Word::ContactMode.text(lang),
            said(
                f.mode.as_deref().map(|m| label(Section::ContactModes, m)),
                lang,
            ),
        ),
        (
            Word::ContactPlace.text(lang),
            said(
                f.location_type
                    .as_deref()
                    .map(|l| label(Section::LocationTypes, l)),
                lang,
            ),
        ),
        (
            Word::ColMaterials.text(lang),
            materials_summary(&f.materials, catalog, lang),
        ),
        (
            Word::ContactForOthers.text(lang),
            materials_summary(&f.materials_for_others, catalog, lang),
        ),
        (Word::ContactNaloxone.text(lang), naloxone(f, lang)),
        (
            Word::ContactReturned.text(lang),
            f.returned_syringes.to_string(),
        ),
        (
            Word::ContactReferrals.text(lang),
            list(Section::Referrals, &f.referrals),
        ),
        (
            Word::ContactInterventions.text(lang),
            list(Section::Interventions, &f.interventions),
        ),
        (
            Word::ContactDuration.text(lang),
            f.duration_min.map_or_else(
                || Word::NotSaidFeminine.text(lang).to_string(),
                |d| d.to_string(),
            ),
        ),
        (
            Word::ContactWithCode.text(lang),
            if f.pseudonym.is_some() {
                Word::Yes
            } else {
                Word::No
            }
            .text(lang)
            .to_string(),
        ),
        (Word::ContactRecord.text(lang), row.record_id.to_string()),
    ];
    let voided_note = match (&row.voided, &row.void_reason) {
        (true, Some(reason)) => Some(Word::VoidedBecause.fill(lang, &[("reason", reason)])),
        (true, None) => Some(Word::VoidedFromPhone.text(lang).to_string()),
        _ => None,
    };
    let id = row.record_id.to_string();
    let csrf = user.csrf.clone();
    let reason = reason.to_string();
    rsx! {
        if let Some(notice) = notice {
            p { class: "notice", role: "status", {notice.text(lang)} }
        }
        if let Some(note) = voided_note {
            p { class: "warning", "{note}" }
        }
        dl {
            for (term, value) in facts {
                dt { "{term}" }
                dd { "{value}" }
            }
        }
        if !row.voided {
            section { "aria-labelledby": "void-heading",
                h2 { id: "void-heading", {Word::VoidHeading.text(lang)} }
                p { {Word::VoidExplain.text(lang)} }
                if let Some(error) = error {
                    p { class: "error", id: "reason-error", role: "alert", {error.text(lang)} }
                }
                form { method: "post", action: "/activity/{id}/void",
                    input { r#type: "hidden", name: "csrf", value: "{csrf}" }
                    div { class: "field",
                        label { r#for: "reason", {Word::VoidReason.text(lang)} }
                        input { id: "reason", name: "reason", r#type: "text", value: "{reason}",
                            required: true, minlength: "1", maxlength: "{MAX_REASON_CHARS}",
                            "aria-describedby": if error.is_some() { Some("reason-error") } else { None },
                        }
                    }
                    button { class: "danger", r#type: "submit", {Word::VoidButton.text(lang)} }
                }
            }
        }
        p { a { href: "/activity", {Word::BackToActivity.text(lang)} } }
    }
}

fn not_found(lang: Lang) -> Response {
    page::problem(
        lang,
        StatusCode::NOT_FOUND,
        Word::UnknownContact.text(lang).to_string(),
    )
}

async fn load(
    dash: &Dash,
    org: crate::server::store::OrgId,
    id: RecordId,
) -> Result<Option<(ContactRow, Catalog)>, crate::server::ServerError> {
    let storage = dash.server.storage();
    let Some(row) = storage.contact(org, id).await? else {
        return Ok(None);
    };
    Ok(Some((row, storage.catalog(org).await?)))
}

fn detail_response(
    dash: &Dash,
    user: &Signed,
    status: StatusCode,
    (row, catalog): (ContactRow, Catalog),
    notice: Option<Word>,
    error: Option<Word>,
    reason: &str,
) -> Response {
    let lang = user.lang;
    let title = Word::ContactTitle.fill(lang, &[("when", &page::when(row.occurred_at_ms))]);
    let frame = Frame::signed(user, dash.org_name(), Nav::Activity, title);
    let body = detail(user, row, &catalog, notice, error, reason);
    (status, page::render(frame, body)).into_response()
}

/// `GET /activity/{record_id}` (`?done=voided|already` after a void).
pub async fn show(
    State(dash): State<Dash>,
    user: Signed,
    Path(id): Path<String>,
    Query(query): Query<DetailQuery>,
) -> Response {
    let lang = user.lang;
    let Ok(id) = RecordId::parse(&id) else {
        return not_found(lang);
    };
    let notice = match query.done.as_deref() {
        Some("voided") => Some(Word::VoidDone),
        Some("already") => Some(Word::VoidAlready),
        _ => None,
    };
    match load(&dash, user.org, id).await {
        Ok(Some(found)) => detail_response(&dash, &user, StatusCode::OK, found, notice, None, ""),
        Ok(None) => not_found(lang),
        Err(error) => page::trouble(lang, &error),
    }
}

#[derive(Deserialize)]
pub struct VoidForm {
    #[serde(default)]
    reason: String,
}

/// `POST /activity/{record_id}/void`: with a reason of 1 to 200 characters.
pub async fn void(
    State(dash): State<Dash>,
    Path(id): Path<String>,
    Posted { user, form }: Posted<VoidForm>,
) -> Response {
    let lang = user.lang;
    let Ok(id) = RecordId::parse(&id) else {
        return not_found(lang);
    };
    let reason: String = form
        .reason
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string();
    let length = reason.chars().count();
    if length == 0 || length > MAX_REASON_CHARS {
        return match load(&dash, user.org, id).await {
            Ok(Some(found)) => detail_response(
                &dash,
                &user,
                StatusCode::BAD_REQUEST,
                found,
                None,
                Some(Word::VoidReasonMissing),
                &reason,
            ),
            Ok(None) => not_found(lang),
            Err(error) => page::trouble(lang, &error),
        };
    }
    let actor = user.name.clone();
    let outcome = dash
        .server
        .storage()
        .void_contact(user.org, id, actor, reason, now_ms())
        .await;
    match outcome {
        Ok(VoidOutcome::Voided) => {
            tracing::info!(supervisor = %user.name, record = %id, "contact voided from the dashboard");
            Redirect::to(&format!("/activity/{id}?done=voided")).into_response()
        }
        Ok(VoidOutcome::AlreadyVoided) => {
            Redirect::to(&format!("/activity/{id}?done=already")).into_response()
        }
        Ok(VoidOutcome::NotFound) => not_found(lang),
        Err(error) => page::trouble(lang, &error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_keeps_the_filters_set_and_drops_the_empty_ones() {
        let query = ActivityQuery {
            from: "2026-11-01".into(),
            zone: "pontiac".into(),
            material: "trousses-naloxone".into(),
            device: " ".into(),
            page: "3".into(),
            ..ActivityQuery::default()
        };
        assert_eq!(
            query.href(4),
            "/activity?from=2026-11-01&zone=pontiac&material=trousses-naloxone&page=4"
        );
    }

    #[test]
    fn dates_are_whole_local_days_and_bad_ones_are_named_in_the_readers_language() {
        let query = ActivityQuery {
            from: "2026-11-02".into(),
            to: "2026-11-02".into(),
            ..ActivityQuery::default()
        };
        let filter = parse_filter(&query, Lang::Fr).unwrap();
        let from = filter.from_ms.unwrap();
        let until = filter.until_ms.unwrap();
        assert!(until - from >= 23 * 3_600_000 && until - from <= 25 * 3_600_000);
        assert_eq!(page::when(from), "2026-11-02 00:00");

        let bad = ActivityQuery {
            to: "02/11/2026".into(),
            ..ActivityQuery::default()
        };
        let fr = parse_filter(&bad, Lang::Fr).unwrap_err();
        assert!(
            fr.contains("« Au (date) »") && fr.contains("AAAA-MM-JJ"),
            "{fr}"
        );
        let en = parse_filter(&bad, Lang::En).unwrap_err();
        assert!(
            en.contains("“To (date)”") && en.contains("YYYY-MM-DD"),
            "{en}"
        );
    }
}
