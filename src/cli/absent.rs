//! Commands this build was compiled without: `tournee serve` on an
//! engine-only build says which feature brings it back, in the reader's
//! language, instead of clap's bare "unrecognized subcommand".

use crate::domain::i18n::{Lang, fill, messages};

messages! {
    AbsentMsg;
    NotBuilt => "« {command} » n'est pas dans cette version de tournee : elle a été compilée sans la fonctionnalité « {feature} ». Les fonctionnalités par défaut l'incluent : cargo build --release",
        "\"{command}\" is not in this build of tournee: it was built without the \"{feature}\" feature. The default features include it: cargo build --release";
}

/// The Cargo feature that brings `command` (a subcommand of the full
/// build), when this build lacks it; `None` for commands it has and for
/// names no build knows.
pub fn feature_for(command: &str) -> Option<&'static str> {
    let server = cfg!(feature = "server");
    let liveview = cfg!(feature = "liveview");
    match command {
        "serve" | "admin" | "report" | "simulate" | "demo" if !server => Some("server"),
        "demo" | "app" if !liveview => Some("liveview"),
        _ => None,
    }
}

/// What to print for `command`, if this build was compiled without it.
pub fn message(command: &str, lang: Lang) -> Option<String> {
    let feature = feature_for(command)?;
    Some(fill(
        AbsentMsg::NotBuilt.text(lang),
        &[("command", &command), ("feature", &feature)],
    ))
}

/// The language asked for on the command line or in `TOURNEE_LANG`, for a
/// message printed before clap could parse it.
pub fn lang_of(args: &[String]) -> Lang {
    let given = args.iter().enumerate().find_map(|(i, arg)| {
        arg.strip_prefix("--lang=").map(str::to_owned).or_else(|| {
            (arg == "--lang")
                .then(|| args.get(i + 1).cloned())
                .flatten()
        })
    });
    given
        .or_else(|| std::env::var("TOURNEE_LANG").ok())
        .and_then(|text| Lang::parse(&text))
        .unwrap_or(Lang::Fr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::i18n::check_table;
    use clap::CommandFactory;

    #[test]
    fn every_absent_command_message_is_in_french_and_english_with_the_same_placeholders() {
        let entries: Vec<_> = AbsentMsg::ALL
            .iter()
            .map(|m| (*m, m.text(Lang::Fr), m.text(Lang::En)))
            .collect();
        check_table(&entries);
    }

    #[test]
    fn no_command_this_build_has_is_reported_as_absent() {
        let command = super::super::Cli::command();
        let names: Vec<_> = command.get_subcommands().map(|c| c.get_name()).collect();
        assert!(names.contains(&"device"));
        for name in names {
            assert_eq!(feature_for(name), None, "{name} is in this build");
        }
    }

    #[test]
    fn the_language_comes_from_the_flag_before_the_environment() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            lang_of(&args(&["tournee", "--lang", "en", "serve"])),
            Lang::En
        );
        assert_eq!(lang_of(&args(&["tournee", "serve", "--lang=en"])), Lang::En);
    }
}
