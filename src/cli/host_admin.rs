//! `tournee admin --database URL` commands about a regional host's
//! organizations themselves: `create-org` (keys of its own, made from the
//! system's randomness), `list-orgs` and `add-name` (a host name it is
//! served at). The other admin commands work on one organization, named by
//! `--org`, as they do on a data directory.

use super::admin::block_on;
use super::{Failure, Outcome};
use crate::domain::i18n::{Lang, Msg, tr};
use crate::server::ServerError;
use crate::server::store::postgres::PgHost;
use crate::server::store::slug::{HostName, Slug, org_name};
use serde_json::json;

/// The host's database, or why there is none to work on.
fn host(url: Option<&str>, lang: Lang) -> Result<PgHost, Failure> {
    let url = url.ok_or_else(|| Failure::input(vec![Msg::HostNeedsDatabase.text(lang).into()]))?;
    block_on(PgHost::connect(url)).map_err(|e| Failure::server(e, lang))
}

pub fn create_org(url: Option<&str>, slug: &str, name: &str, lang: Lang) -> Outcome {
    let fail = |e: ServerError| Failure::server(e, lang);
    // Both checked before the database is reached: bad input writes nothing.
    let slug = Slug::parse(slug).map_err(fail)?;
    let name = org_name(name).map_err(fail)?;
    let host = host(url, lang)?;
    let now = crate::server::now_ms();
    let org = block_on(host.create_org(&slug, &name, now)).map_err(fail)?;
    let (keys, _) = block_on(host.keys(org.id)).map_err(fail)?;
    println!(
        "{}",
        tr(
            lang,
            Msg::HostOrgCreated,
            &[
                ("value", &org.name),
                ("slug", &org.slug),
                ("key", &hex::encode(keys.fingerprint())),
            ]
        )
    );
    Ok(())
}

pub fn list_orgs(url: Option<&str>, json: bool, lang: Lang) -> Outcome {
    let fail = |e: ServerError| Failure::server(e, lang);
    let host = host(url, lang)?;
    let orgs = block_on(host.orgs()).map_err(fail)?;
    let mut rows = Vec::with_capacity(orgs.len());
    for org in orgs {
        let names = block_on(host.names(org.id)).map_err(fail)?;
        rows.push((org, names));
    }
    if json {
        let value: Vec<_> = rows
            .iter()
            .map(|(org, names)| {
                json!({
                    "slug": org.slug.as_str(),
                    "name": org.name,
                    "org_id": org.id.to_string(),
                    "names": names.iter().map(HostName::as_str).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&value).expect("json"));
        return Ok(());
    }
    if rows.is_empty() {
        println!("{}", Msg::HostNoOrganization.text(lang));
    }
    for (org, names) in rows {
        let names = if names.is_empty() {
            Msg::HostNoName.text(lang).to_string()
        } else {
            names
                .iter()
                .map(HostName::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!(
            "{}",
            tr(
                lang,
                Msg::HostServes,
                &[("value", &org.name), ("slug", &org.slug), ("names", &names)]
            )
        );
    }
    Ok(())
}

pub fn migrate(from: &std::path::Path, to: &str, org: Option<&str>, lang: Lang) -> Outcome {
    let fail = |e: ServerError| Failure::server(e, lang);
    let slug = org.ok_or_else(|| Failure::input(vec![Msg::HostNeedsOrg.text(lang).into()]))?;
    let slug = Slug::parse(slug).map_err(fail)?;
    let moved = block_on(crate::server::migrate::migrate(from, to, &slug)).map_err(fail)?;
    for (table, rows) in &moved {
        println!("{table}: {rows}");
    }
    println!(
        "{}",
        tr(
            lang,
            Msg::HostMigrated,
            &[("value", &from.display()), ("slug", &slug)]
        )
    );
    Ok(())
}

pub fn add_name(url: Option<&str>, org: Option<&str>, name: &str, lang: Lang) -> Outcome {
    let fail = |e: ServerError| Failure::server(e, lang);
    let name = HostName::parse(name).map_err(fail)?;
    let slug = org.ok_or_else(|| Failure::input(vec![Msg::HostNeedsOrg.text(lang).into()]))?;
    let slug = Slug::parse(slug).map_err(fail)?;
    let host = host(url, lang)?;
    let org = block_on(host.org(&slug)).map_err(fail)?;
    block_on(host.add_name(org.id, &name)).map_err(fail)?;
    println!(
        "{}",
        tr(
            lang,
            Msg::HostNameAdded,
            &[("value", &name), ("slug", &org.slug)]
        )
    );
    Ok(())
}
