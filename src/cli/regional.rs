//! `tournee admin --database URL create-region | disable-region |
//! list-regions`: the regional host's regional accounts, each bound to
//! member organizations (by slug), which sign in at `region.<domain>` and
//! see only the sums of their members' figures, suppressed. The password
//! comes as for `create-supervisor`: the first line of standard input
//! when it is not a terminal, else typed twice unechoed. Everything typed
//! is checked before the database is reached: bad input writes nothing.

use super::admin::{block_on, local_time, rfc3339};
use super::{Failure, Outcome};
use crate::dashboard::words::Word;
use crate::domain::i18n::{Lang, Msg, tr};
use crate::server::ServerError;
use crate::server::store::postgres::PgHost;
use crate::server::store::postgres::regional::{RegionRefusal, RegionRow};
use crate::server::store::slug::Slug;
use crate::server::supervisors::{MIN_PASSWORD_CHARS, Password, SupervisorError, SupervisorName};
use serde_json::json;
use std::io::{BufRead, IsTerminal};
use zeroize::Zeroizing;

/// Longest account name (the supervisors' rule).
const MAX_NAME: usize = 64;

fn host(url: Option<&str>, lang: Lang) -> Result<PgHost, Failure> {
    let url = url.ok_or_else(|| Failure::input(vec![Msg::HostNeedsDatabase.text(lang).into()]))?;
    block_on(PgHost::connect(url)).map_err(|e| Failure::server(e, lang))
}

fn name(text: &str, lang: Lang) -> Result<SupervisorName, Failure> {
    SupervisorName::parse(text)
        .map_err(|_| Failure::input(vec![Word::RegionBadName.fill(lang, &[("max", &MAX_NAME)])]))
}

fn refused(refusal: RegionRefusal, lang: Lang) -> Failure {
    let line = match refusal {
        RegionRefusal::Exists(n) => Word::RegionExists.fill(lang, &[("value", &n)]),
        RegionRefusal::Unknown(n) => Word::RegionUnknown.fill(lang, &[("value", &n)]),
        RegionRefusal::UnknownOrg(s) => Word::RegionUnknownOrg.fill(lang, &[("value", &s)]),
        RegionRefusal::NoMember => Word::RegionNeedsOrgs.text(lang).to_string(),
    };
    Failure::input(vec![line])
}

fn password_failure(error: SupervisorError, lang: Lang) -> Failure {
    Failure::input(vec![error.message(lang)])
}

fn unreadable(lang: Lang) -> Failure {
    Failure::input(vec![Msg::PasswordSource.text(lang).to_string()])
}

/// The new password: standard input's first line (its line ending cut,
/// spaces kept), or typed twice at a terminal.
fn new_password(lang: Lang) -> Result<Password, Failure> {
    let parse = |text: &str| Password::parse(text).map_err(|e| password_failure(e, lang));
    if !std::io::stdin().is_terminal() {
        let mut line = Zeroizing::new(String::new());
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|_| unreadable(lang))?;
        let end = line.trim_end_matches(['\n', '\r']).len();
        line.truncate(end);
        return parse(&line);
    }
    let ask = |msg: &str| {
        rpassword::prompt_password(msg)
            .map(Zeroizing::new)
            .map_err(|_| unreadable(lang))
    };
    let first = ask(&tr(
        lang,
        Msg::PromptPassword,
        &[("min", &MIN_PASSWORD_CHARS)],
    ))?;
    // Said before the second prompt: a too-short one typed twice helps no one.
    let password = parse(&first)?;
    let again = ask(Msg::PromptPasswordAgain.text(lang))?;
    if *first != *again {
        return Err(Failure::input(vec![
            Msg::PasswordMismatch.text(lang).to_string(),
        ]));
    }
    Ok(password)
}

pub fn create(url: Option<&str>, account: &str, orgs: &[String], lang: Lang) -> Outcome {
    let fail = |e: ServerError| Failure::server(e, lang);
    let account = name(account, lang)?;
    let slugs: Vec<Slug> = orgs
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(Slug::parse)
        .collect::<Result<_, _>>()
        .map_err(fail)?;
    if slugs.is_empty() {
        return Err(refused(RegionRefusal::NoMember, lang));
    }
    let url = url.ok_or_else(|| Failure::input(vec![Msg::HostNeedsDatabase.text(lang).into()]))?;
    let password = new_password(lang)?;
    let host = host(Some(url), lang)?;
    let now = crate::server::now_ms();
    block_on(host.create_region(&account, &password, &slugs, now))
        .map_err(fail)?
        .map_err(|r| refused(r, lang))?;
    let shown: Vec<&str> = slugs.iter().map(Slug::as_str).collect();
    println!(
        "{}",
        Word::RegionCreated.fill(
            lang,
            &[("value", &account.as_str()), ("orgs", &shown.join(", "))]
        )
    );
    Ok(())
}

pub fn disable(url: Option<&str>, account: &str, lang: Lang) -> Outcome {
    let account = name(account, lang)?;
    let host = host(url, lang)?;
    block_on(host.disable_region(&account, crate::server::now_ms()))
        .map_err(|e| Failure::server(e, lang))?
        .map_err(|r| refused(r, lang))?;
    println!(
        "{}",
        Word::RegionDisabled.fill(lang, &[("value", &account.as_str())])
    );
    Ok(())
}

pub fn list(url: Option<&str>, json: bool, lang: Lang) -> Outcome {
    let host = host(url, lang)?;
    let rows = block_on(host.regions()).map_err(|e| Failure::server(e, lang))?;
    if json {
        println!("{}", rows_json(&rows));
    } else {
        print!("{}", rows_text(&rows, lang));
    }
    Ok(())
}

fn rows_json(rows: &[RegionRow]) -> String {
    let rows: Vec<_> = rows
        .iter()
        .map(|r| {
            json!({
                "name": r.name,
                "orgs": r.members,
                "created_at": rfc3339(r.created_at_ms),
                "disabled": r.disabled_at_ms.is_some(),
                "disabled_at": r.disabled_at_ms.and_then(rfc3339),
            })
        })
        .collect();
    serde_json::to_string_pretty(&rows).expect("json")
}

fn rows_text(rows: &[RegionRow], lang: Lang) -> String {
    if rows.is_empty() {
        return format!("{}\n", Word::RegionNone.text(lang));
    }
    let line = |created: &str, state: &str, name: &str, orgs: &str| {
        format!("{created:<16}  {state:<10}  {name:<24}  {orgs}\n")
    };
    let mut out = line(
        Msg::ColCreated.text(lang),
        Msg::ColState.text(lang),
        Msg::ColName.text(lang),
        Word::RegionColOrgs.text(lang),
    );
    for r in rows {
        let state = if r.disabled_at_ms.is_some() {
            Msg::StateDisabled
        } else {
            Msg::StateActive
        };
        out += &line(
            &local_time(r.created_at_ms),
            state.text(lang),
            &r.name,
            &r.members.join(", "),
        );
    }
    out
}
