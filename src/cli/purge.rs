//! `tournee admin purge [--dry-run] [--json]`: the retention policy
//! (`[retention]`, see `crate::server::retention`) applied now. The dry
//! run says what would go, kind by kind, and changes nothing; the purge
//! itself is one transaction and one audit entry. `serve` runs the same
//! purge every day unless `[retention] daily_purge = false`.

use super::admin::{block_on, local_time};
use super::{Failure, Outcome};
use crate::domain::i18n::{Lang, fill, messages};
use crate::server::admin::Admin;
use crate::server::retention::{Plan, Policy};
use crate::server::{Config, now_ms};
use serde_json::json;

messages! {
    PurgeMsg;
    Policy => "Politique de conservation : contacts et pseudonymes gardés {contacts} mois après la fin de leur mois, journal d'audit et alertes {audit} mois.",
        "Retention policy: contacts and pseudonyms kept {contacts} months after their month ends, audit log and alerts {audit} months.";
    WouldGo => "La purge détruirait maintenant :", "A purge now would destroy:";
    Went => "Détruit :", "Destroyed:";
    Months => "mois dont seuls les cumuls restent : {value}", "months of which only the rollups stay: {value}";
    MonthsNone => "aucun", "none";
    MonthRange => "{first} à {last}", "{first} to {last}";
    Contacts => "contacts : {value}", "contacts: {value}";
    Voids => "retraits de ces contacts : {value}", "voids of those contacts: {value}";
    PseudonymMonths => "pseudonymes par mois : {value}", "pseudonyms by month: {value}";
    Forgotten => "pseudonymes oubliés (vus dans aucun mois gardé) : {value}", "pseudonyms forgotten (seen in no kept month): {value}";
    Quarantined => "lots en quarantaine reçus avant ce mois, avec leurs codes scellés : {value}", "quarantined batches received before that month, with their sealed codes: {value}";
    Audit => "entrées du journal d'audit d'avant le {at} : {value}", "audit log entries from before {at}: {value}";
    Alerts => "alertes d'avant le {at} : {value}", "alerts from before {at}: {value}";
    Sessions => "sessions du tableau de bord expirées : {value}", "expired dashboard sessions: {value}";
    Codes => "codes d'inscription expirés : {value}", "expired enrollment codes: {value}";
    KeptFrom => "Les contacts sont gardés un à un à partir de {value}.", "Contacts are kept one by one from {value}.";
    DryRun => "Rien n'a été modifié (--dry-run).", "Nothing was changed (--dry-run).";
    Done => "Purge faite et inscrite au journal d'audit.", "Purge done and written to the audit log.";
    Nothing => "Rien à détruire : tout ce qui est gardé est dans la durée permise.", "Nothing to destroy: everything kept is within the allowed time.";
}

impl PurgeMsg {
    fn fill(self, lang: Lang, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        fill(self.text(lang), args)
    }
}

pub fn run(admin: &Admin, config: &Config, dry_run: bool, as_json: bool, lang: Lang) -> Outcome {
    let policy = Policy::from_config(config);
    let now = now_ms();
    let fail = |e| Failure::server(e, lang);
    let plan = if dry_run {
        block_on(admin.purge_plan(&policy, now)).map_err(fail)?
    } else {
        block_on(admin.purge(&policy, now)).map_err(fail)?
    };
    if as_json {
        println!("{}", plan_json(&plan, &policy, dry_run));
    } else {
        print!("{}", plan_text(&plan, &policy, dry_run, lang));
    }
    Ok(())
}

fn plan_text(plan: &Plan, policy: &Policy, dry_run: bool, lang: Lang) -> String {
    let mut out = PurgeMsg::Policy.fill(
        lang,
        &[
            ("contacts", &policy.contact_months),
            ("audit", &policy.audit_months),
        ],
    );
    out.push('\n');
    if plan.is_empty() {
        out += PurgeMsg::Nothing.text(lang);
        out.push('\n');
    } else {
        out += if dry_run {
            PurgeMsg::WouldGo
        } else {
            PurgeMsg::Went
        }
        .text(lang);
        out.push('\n');
        let months = match (plan.months.first(), plan.months.last()) {
            (Some(first), Some(last)) if first == last => first.to_string(),
            (Some(first), Some(last)) => {
                PurgeMsg::MonthRange.fill(lang, &[("first", first), ("last", last)])
            }
            _ => PurgeMsg::MonthsNone.text(lang).to_string(),
        };
        let at = local_time(plan.audit_before_ms);
        let lines = [
            PurgeMsg::Months.fill(lang, &[("value", &months)]),
            PurgeMsg::Contacts.fill(lang, &[("value", &plan.contacts)]),
            PurgeMsg::Voids.fill(lang, &[("value", &plan.voids)]),
            PurgeMsg::PseudonymMonths.fill(lang, &[("value", &plan.pseudonym_months)]),
            PurgeMsg::Forgotten.fill(lang, &[("value", &plan.pseudonyms_forgotten)]),
            PurgeMsg::Quarantined.fill(lang, &[("value", &plan.quarantined)]),
            PurgeMsg::Audit.fill(lang, &[("at", &at), ("value", &plan.audit_entries)]),
            PurgeMsg::Alerts.fill(lang, &[("at", &at), ("value", &plan.alerts)]),
            PurgeMsg::Sessions.fill(lang, &[("value", &plan.sessions)]),
            PurgeMsg::Codes.fill(lang, &[("value", &plan.enroll_codes)]),
        ];
        for line in lines {
            out += "  ";
            out += &line;
            out.push('\n');
        }
    }
    if let Some(kept) = plan.kept_from {
        out += &PurgeMsg::KeptFrom.fill(lang, &[("value", &kept)]);
        out.push('\n');
    }
    out += if dry_run {
        PurgeMsg::DryRun
    } else {
        PurgeMsg::Done
    }
    .text(lang);
    out.push('\n');
    out
}

fn plan_json(plan: &Plan, policy: &Policy, dry_run: bool) -> String {
    let value = json!({
        "dry_run": dry_run,
        "contact_months": policy.contact_months,
        "audit_months": policy.audit_months,
        "kept_from": plan.kept_from.map(|m| m.to_string()),
        "months": plan.months.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "contacts": plan.contacts,
        "voids": plan.voids,
        "pseudonym_months": plan.pseudonym_months,
        "pseudonyms_forgotten": plan.pseudonyms_forgotten,
        "quarantined_batches": plan.quarantined,
        "audit_before": super::admin::rfc3339(plan.audit_before_ms),
        "audit_entries": plan.audit_entries,
        "alerts": plan.alerts,
        "sessions": plan.sessions,
        "enroll_codes": plan.enroll_codes,
    });
    serde_json::to_string_pretty(&value).expect("json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::i18n::check_table;

    #[test]
    fn every_purge_message_is_in_french_and_english_with_the_same_placeholders() {
        let entries: Vec<_> = PurgeMsg::ALL
            .iter()
            .map(|m| (*m, m.text(Lang::Fr), m.text(Lang::En)))
            .collect();
        check_table(&entries);
    }
}
