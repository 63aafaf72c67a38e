//! `tournee admin create-supervisor | disable-supervisor | list-supervisors`:
//! dashboard accounts, and where a new password comes from. From a script
//! or a pipe (standard input is not a terminal) the password is the first
//! line of standard input; at a terminal it is typed twice, unechoed. The
//! name and the password are checked before the data directory is opened,
//! so bad input writes nothing.

use super::admin::{block_on, local_time, rfc3339};
use super::{Failure, Outcome};
use crate::domain::i18n::{Lang, Msg, tr};
use crate::server::admin::Admin;
use crate::server::supervisors::{
    MIN_PASSWORD_CHARS, Password, SupervisorError, SupervisorName, SupervisorRow,
};
use serde_json::json;
use std::io::{BufRead, IsTerminal};
use zeroize::Zeroizing;

fn failure(error: SupervisorError, lang: Lang) -> Failure {
    let line = error.message(lang);
    if error.is_user_error() {
        Failure::input(vec![line])
    } else {
        Failure::system(line)
    }
}

/// The first line of standard input, without its line ending (spaces are
/// part of a passphrase and are kept).
fn password_from_stdin(lang: Lang) -> Result<Zeroizing<String>, Failure> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|_| Failure::input(vec![Msg::PasswordSource.text(lang).to_string()]))?;
    let end = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(end);
    Ok(line)
}

fn prompt(msg: &str, lang: Lang) -> Result<Zeroizing<String>, Failure> {
    rpassword::prompt_password(msg)
        .map(Zeroizing::new)
        .map_err(|_| Failure::input(vec![Msg::PasswordSource.text(lang).to_string()]))
}

fn new_password(lang: Lang) -> Result<Password, Failure> {
    let parse = |text: &str| Password::parse(text).map_err(|e| failure(e, lang));
    if !std::io::stdin().is_terminal() {
        return parse(&password_from_stdin(lang)?);
    }
    let first = prompt(
        &tr(lang, Msg::PromptPassword, &[("min", &MIN_PASSWORD_CHARS)]),
        lang,
    )?;
    // Said before the second prompt: typing a too-short password twice helps no one.
    let password = parse(&first)?;
    let again = prompt(Msg::PromptPasswordAgain.text(lang), lang)?;
    if *first != *again {
        return Err(Failure::input(vec![
            Msg::PasswordMismatch.text(lang).to_string(),
        ]));
    }
    Ok(password)
}

/// Creates an account on the organization `open` opens, once the name
/// and the password are checked (bad input opens nothing).
pub fn create(open: impl FnOnce() -> Result<Admin, Failure>, name: &str, lang: Lang) -> Outcome {
    let name = SupervisorName::parse(name).map_err(|e| failure(e, lang))?;
    let password = new_password(lang)?;
    let admin = open()?;
    block_on(admin.create_supervisor(&name, &password)).map_err(|e| failure(e, lang))?;
    println!(
        "{}",
        tr(lang, Msg::SupervisorCreated, &[("value", &name.as_str())])
    );
    Ok(())
}

pub fn disable(open: impl FnOnce() -> Result<Admin, Failure>, name: &str, lang: Lang) -> Outcome {
    let name = SupervisorName::parse(name).map_err(|e| failure(e, lang))?;
    let admin = open()?;
    block_on(admin.disable_supervisor(&name)).map_err(|e| failure(e, lang))?;
    println!(
        "{}",
        tr(lang, Msg::SupervisorDisabled, &[("value", &name.as_str())])
    );
    Ok(())
}

pub fn list(admin: &Admin, json: bool, lang: Lang) -> Outcome {
    let rows = block_on(admin.list_supervisors()).map_err(|e| Failure::server(e, lang))?;
    if json {
        println!("{}", rows_json(&rows));
    } else {
        print!("{}", rows_text(&rows, lang));
    }
    Ok(())
}

fn rows_json(rows: &[SupervisorRow]) -> String {
    let rows: Vec<_> = rows
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "created_at": rfc3339(s.created_at_ms),
                "disabled": s.disabled(),
                "disabled_at": s.disabled_at_ms.and_then(rfc3339),
            })
        })
        .collect();
    serde_json::to_string_pretty(&rows).expect("json")
}

fn rows_text(rows: &[SupervisorRow], lang: Lang) -> String {
    if rows.is_empty() {
        return format!("{}\n", Msg::SupervisorsNone.text(lang));
    }
    let line =
        |created: &str, state: &str, name: &str| format!("{created:<16}  {state:<10}  {name}\n");
    let mut out = line(
        Msg::ColCreated.text(lang),
        Msg::ColState.text(lang),
        Msg::ColName.text(lang),
    );
    for s in rows {
        let state = if s.disabled() {
            Msg::StateDisabled
        } else {
            Msg::StateActive
        };
        out += &line(&local_time(s.created_at_ms), state.text(lang), &s.name);
    }
    out
}
