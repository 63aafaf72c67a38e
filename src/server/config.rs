//! The server's settings: a plain struct filled in layers, each overriding
//! the one before it:
//!
//! 1. defaults (below);
//! 2. a TOML file, `tournee serve --config FILE` (or `tournee admin --config FILE`);
//! 3. environment variables `TOURNEE__SECTION__KEY`;
//! 4. command-line flags, applied by the CLI: `--listen`, `--data` (and
//!    `TOURNEE_SERVER_DATA`, the older spelling of `--data`), `--ttl`.
//!
//! | file | environment | default | allowed |
//! |---|---|---|---|
//! | `[server] listen` | `TOURNEE__SERVER__LISTEN` | `127.0.0.1:8080` | an IP address and port; port 0 picks a free one |
//! | `[server] data` | `TOURNEE__SERVER__DATA` | `tournee-server` in the platform data directory | a directory |
//! | `[org] name` | `TOURNEE__ORG__NAME` | the name already in `keys/org.json` | 1 to 100 characters, no control characters |
//! | `[org] contact` | `TOURNEE__ORG__CONTACT` | none | 1 to 100 characters, no control characters: the address, telephone or email printed under the name on reports |
//! | `[limits] request_timeout_secs` | `TOURNEE__LIMITS__REQUEST_TIMEOUT_SECS` | 60 | 1 to 3600 |
//! | `[limits] header_timeout_secs` | `TOURNEE__LIMITS__HEADER_TIMEOUT_SECS` | 10 | 1 to 300 |
//! | `[limits] idle_timeout_secs` | `TOURNEE__LIMITS__IDLE_TIMEOUT_SECS` | 5 | 1 to 3600 |
//! | `[limits] max_connections` | `TOURNEE__LIMITS__MAX_CONNECTIONS` | 512 | 1 to 65536 |
//! | `[enroll] code_ttl_hours` | `TOURNEE__ENROLL__CODE_TTL_HOURS` | 24 | 1 to 168 |
//! | `[enroll] max_failures` | `TOURNEE__ENROLL__MAX_FAILURES` | 10 | 1 to 1000 |
//! | `[enroll] failure_window_secs` | `TOURNEE__ENROLL__FAILURE_WINDOW_SECS` | 600 | 1 to 86400 |
//! | `[retention] contact_months` | `TOURNEE__RETENTION__CONTACT_MONTHS` | 24 | 3 to 120 |
//! | `[retention] audit_months` | `TOURNEE__RETENTION__AUDIT_MONTHS` | 36 | 3 to 120 |
//! | `[retention] daily_purge` | `TOURNEE__RETENTION__DAILY_PURGE` | true | true or false |
//! | `[reports] suppress_below` | `TOURNEE__REPORTS__SUPPRESS_BELOW` | 5 | 5 or 10 |
//!
//! A client must send a request's headers within `header_timeout_secs` of
//! the server starting to wait for them; a connection kept open between
//! requests closes after `idle_timeout_secs` without one. At most
//! `max_connections` are open at once, fewer if the open-file limit
//! (raised toward what they need when the hard limit allows) leaves less
//! after 160 descriptors kept for the rest; when all are taken, the one
//! idle longest is closed for the newcomer, and only when every one is
//! answering a request does a new connection get `503`.
//!
//! `max_failures` failed enrollment codes from one address within
//! `failure_window_secs` make that address wait (429). `code_ttl_hours` is
//! how long `admin enroll-code` makes a code valid when `--ttl` is not given.
//! `[retention]` is the rule of [`super::retention`]: contact-level rows and
//! pseudonyms are kept `contact_months` full months after their month ends,
//! the audit log and alerts `audit_months`; `serve` applies it at start and
//! then every day unless `daily_purge` is false (`admin purge` always can).
//! `suppress_below` is the small-cell threshold of the external version of
//! reports (page, CSV, print, `tournee report --suppress`): 5 as CIHI
//! asks, 10 as several provinces' health ministries do.
//!
//! Unknown keys are refused, not ignored: a misspelt key would otherwise
//! leave a default silently in force. There is no body-size setting: the
//! protocol fixes an envelope at 1 MiB and devices build batches to fit, so
//! a lower limit would refuse batches that phones cannot shrink; the other
//! bodies are fixed small (an enrollment request 16 KiB, a dashboard form,
//! sign-in included, 16 KiB). No setting
//! is secret today, so `Debug` is derived; a future secret (a database URL
//! with a password) must get a hand-written `Debug` that hides it.

mod error;
mod settings;

pub use error::{Allowed, ConfigError, Place};
pub use settings::{known_keys, org_name};

use serde::Serialize;
use settings::{Raw, Setting};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Environment variables that carry settings start with this.
pub const ENV_PREFIX: &str = "TOURNEE__";

#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Config {
    pub server: ServerSection,
    pub org: OrgSection,
    pub limits: LimitsSection,
    pub enroll: EnrollSection,
    pub dashboard: DashboardSection,
    pub retention: RetentionSection,
    pub reports: ReportsSection,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServerSection {
    pub listen: SocketAddr,
    /// `None`: the platform data directory (the CLI decides).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<PathBuf>,
}

impl Default for ServerSection {
    fn default() -> Self {
        ServerSection {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct OrgSection {
    /// `None` keeps the name already stored in `keys/org.json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How a funder reaches the organization, on printed reports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LimitsSection {
    /// Long enough for 1 MiB over a weak rural signal, short enough that
    /// stuck clients do not pile up.
    pub request_timeout_secs: u32,
    /// Headers are a few hundred bytes: even a weak signal sends them in
    /// a second or two.
    pub header_timeout_secs: u32,
    /// Phones send their requests back to back; a page's stylesheet
    /// follows it at once.
    pub idle_timeout_secs: u32,
    /// Far above what an organization's phones and supervisors open.
    pub max_connections: u32,
}

impl Default for LimitsSection {
    fn default() -> Self {
        LimitsSection {
            request_timeout_secs: 60,
            header_timeout_secs: 10,
            idle_timeout_secs: 5,
            max_connections: 512,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnrollSection {
    pub code_ttl_hours: u32,
    pub max_failures: u32,
    pub failure_window_secs: u32,
}

impl Default for EnrollSection {
    fn default() -> Self {
        EnrollSection {
            code_ttl_hours: super::enroll::DEFAULT_TTL_HOURS,
            max_failures: 10,
            failure_window_secs: 600,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DashboardSection {
    /// A session unused this long signs out by itself.
    pub session_idle_minutes: u32,
    /// And any session ends this long after sign-in, used or not.
    pub session_max_hours: u32,
    /// Phones silent longer than this stand out on the phones page.
    pub silent_days: u32,
    /// Mark cookies `Secure` (set it when a TLS proxy fronts the server;
    /// a request carrying `X-Forwarded-Proto: https` gets it anyway).
    pub secure_cookies: bool,
}

impl Default for DashboardSection {
    fn default() -> Self {
        DashboardSection {
            session_idle_minutes: 30,
            session_max_hours: 12,
            silent_days: 3,
            secure_cookies: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RetentionSection {
    /// Two years: a funder's year and the same month last year, and a
    /// year's margin for corrections; then only the monthly rollups stay.
    pub contact_months: u32,
    /// The log outlives the data it is about by a year, for complaints
    /// and audits about what was done with it.
    pub audit_months: u32,
    pub daily_purge: bool,
}

impl Default for RetentionSection {
    fn default() -> Self {
        RetentionSection {
            contact_months: 24,
            audit_months: 36,
            daily_purge: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportsSection {
    /// 5 or 10, checked when read.
    pub suppress_below: u32,
}

impl Default for ReportsSection {
    fn default() -> Self {
        ReportsSection { suppress_below: 5 }
    }
}

impl ReportsSection {
    /// The threshold of the external version.
    pub fn threshold(&self) -> crate::domain::report::Threshold {
        crate::domain::report::Threshold::of(u64::from(self.suppress_below)).unwrap_or_default()
    }
}

impl Config {
    /// Defaults, then `file` if given, then the `TOURNEE__…` pairs of `env`
    /// (other names are skipped, so the whole environment may be passed).
    pub fn load<I>(file: Option<&Path>, env: I) -> Result<Config, ConfigError>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        let mut config = Config::default();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Unreadable {
                path: path.to_path_buf(),
                error,
            })?;
            config.merge_toml(&text, path)?;
        }
        let mut env: Vec<(String, String)> = env
            .into_iter()
            .filter(|(name, _)| is_setting_name(name))
            .collect();
        // The environment has no order; sorting makes the first error reported stable.
        env.sort();
        for (name, value) in &env {
            config.merge_env(name, value)?;
        }
        Ok(config)
    }

    /// This process's `TOURNEE__…` variables, for [`Config::load`].
    pub fn process_env() -> Vec<(String, String)> {
        std::env::vars_os()
            .filter_map(|(name, value)| {
                let name = name.into_string().ok()?;
                // A value that is not UTF-8 is shown, altered, in the error it earns.
                is_setting_name(&name).then(|| (name, value.to_string_lossy().into_owned()))
            })
            .collect()
    }

    fn merge_toml(&mut self, text: &str, path: &Path) -> Result<(), ConfigError> {
        let table: toml::Table =
            text.parse()
                .map_err(|e: toml::de::Error| ConfigError::Syntax {
                    path: path.to_path_buf(),
                    message: syntax_line(&e, text),
                })?;
        let in_file = |key: String| Place::File {
            path: path.to_path_buf(),
            key,
        };
        for (section, items) in &table {
            if !settings::is_section(section) {
                return Err(ConfigError::Unknown(in_file(section.clone())));
            }
            let toml::Value::Table(items) = items else {
                return Err(ConfigError::NotASection(in_file(section.clone())));
            };
            for (key, value) in items {
                let dotted = format!("{section}.{key}");
                let setting = Setting::find(section, key)
                    .ok_or_else(|| ConfigError::Unknown(in_file(dotted.clone())))?;
                setting.apply(self, &Raw::File(value), in_file(dotted))?;
            }
        }
        Ok(())
    }

    fn merge_env(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        let place = Place::Env(name.to_string());
        let rest = &name[ENV_PREFIX.len()..];
        let setting = rest
            .split_once("__")
            .and_then(|(section, key)| {
                Setting::find(&section.to_ascii_lowercase(), &key.to_ascii_lowercase())
            })
            .ok_or_else(|| ConfigError::Unknown(place.clone()))?;
        setting.apply(self, &Raw::Env(value), place)
    }

    /// The settings as a TOML file would write them (`serve --print-config`).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("settings serialize")
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.limits.request_timeout_secs.into())
    }

    pub fn failure_window(&self) -> Duration {
        Duration::from_secs(self.enroll.failure_window_secs.into())
    }
}

fn is_setting_name(name: &str) -> bool {
    name.get(..ENV_PREFIX.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(ENV_PREFIX))
}

/// The TOML error on one line, where it is: messages escape line breaks
/// (they are shown with their control characters escaped), so the
/// parser's multi-line snippet would read as one long line of `\n`.
fn syntax_line(error: &toml::de::Error, text: &str) -> String {
    let what = error
        .message()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match error.span() {
        Some(span) => {
            let before = &text.as_bytes()[..span.start.min(text.len())];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            format!("line {line}: {what}")
        }
        None => what,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::i18n::Lang;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn file(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tournee.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn without_file_or_environment_the_documented_defaults_hold() {
        let config = Config::load(None, env(&[("TOURNEE_LANG", "en"), ("PATH", "/bin")])).unwrap();
        assert_eq!(config, Config::default());
        assert_eq!(config.server.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.server.data, None);
        assert_eq!(config.org.name, None);
        assert_eq!(config.request_timeout(), Duration::from_secs(60));
        assert_eq!(config.enroll.code_ttl_hours, 24);
        assert_eq!(config.enroll.max_failures, 10);
        assert_eq!(config.failure_window(), Duration::from_secs(600));
        assert_eq!(
            config.retention,
            RetentionSection {
                contact_months: 24,
                audit_months: 36,
                daily_purge: true
            }
        );
    }

    #[test]
    fn the_file_overrides_defaults_and_the_environment_overrides_the_file() {
        let (_dir, path) = file(
            "[server]\nlisten = \"0.0.0.0:9000\"\ndata = \"/srv/fichier\"\n\
             [org]\nname = \"Organisme du fichier\"\n\
             [limits]\nrequest_timeout_secs = 30\n\
             [enroll]\ncode_ttl_hours = 12\nmax_failures = 5\nfailure_window_secs = 60\n",
        );
        let from_file = Config::load(Some(&path), env(&[])).unwrap();
        assert_eq!(from_file.server.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(from_file.server.data, Some(PathBuf::from("/srv/fichier")));
        assert_eq!(from_file.org.name.as_deref(), Some("Organisme du fichier"));
        assert_eq!(from_file.limits.request_timeout_secs, 30);
        assert_eq!(from_file.enroll.code_ttl_hours, 12);
        assert_eq!(from_file.enroll.max_failures, 5);
        assert_eq!(from_file.enroll.failure_window_secs, 60);

        let both = Config::load(
            Some(&path),
            env(&[
                ("TOURNEE__SERVER__DATA", "/var/lib/tournee"),
                ("TOURNEE__ORG__NAME", " Travail de rue Outaouais "),
                ("tournee__limits__request_timeout_secs", "90"),
            ]),
        )
        .unwrap();
        assert_eq!(both.server.data, Some(PathBuf::from("/var/lib/tournee")));
        assert_eq!(both.org.name.as_deref(), Some("Travail de rue Outaouais"));
        assert_eq!(both.limits.request_timeout_secs, 90);
        assert_eq!(
            both.server.listen.to_string(),
            "0.0.0.0:9000",
            "the file's, untouched"
        );
        assert_eq!(both.enroll.code_ttl_hours, 12);
    }

    #[test]
    fn a_bad_value_names_the_key_where_it_was_written_and_what_is_allowed() {
        let (_dir, path) = file("[limits]\nrequest_timeout_secs = 0\n");
        let error = Config::load(Some(&path), env(&[])).unwrap_err();
        let fr = error.message(Lang::Fr);
        assert!(fr.contains("limits.request_timeout_secs dans "), "{fr}");
        assert!(
            fr.contains("« 0 »") && fr.contains("un nombre entier de 1 à 3600"),
            "{fr}"
        );

        let error =
            Config::load(None, env(&[("TOURNEE__SERVER__LISTEN", "localhost")])).unwrap_err();
        let en = error.message(Lang::En);
        assert!(
            en.starts_with("environment variable TOURNEE__SERVER__LISTEN: \"localhost\""),
            "{en}"
        );
        assert!(en.contains("an IP address and port"), "{en}");

        for (name, value) in [
            ("TOURNEE__ENROLL__CODE_TTL_HOURS", "169"),
            ("TOURNEE__ENROLL__MAX_FAILURES", "-1"),
            ("TOURNEE__ENROLL__FAILURE_WINDOW_SECS", "1.5"),
            ("TOURNEE__ORG__NAME", "  "),
            ("TOURNEE__ORG__NAME", "Nom\u{7}"),
            ("TOURNEE__SERVER__DATA", ""),
        ] {
            assert!(
                matches!(
                    Config::load(None, env(&[(name, value)])),
                    Err(ConfigError::BadValue { place: Place::Env(n), .. }) if n == name
                ),
                "{name}={value:?}"
            );
        }
    }

    #[test]
    fn a_value_of_the_wrong_toml_type_is_refused_not_converted() {
        let (_dir, path) = file("[enroll]\nmax_failures = \"5\"\n");
        let error = Config::load(Some(&path), env(&[])).unwrap_err();
        assert!(matches!(&error, ConfigError::BadValue { value, .. } if value == "5"));
        let (_dir, path) = file("[server]\nlisten = 8080\n");
        assert!(matches!(
            Config::load(Some(&path), env(&[])),
            Err(ConfigError::BadValue { .. })
        ));
    }

    #[test]
    fn unknown_keys_and_sections_are_refused_with_the_known_ones() {
        let (_dir, path) = file("[server]\nlisten = \"127.0.0.1:1\"\nlisten_port = 80\n");
        let error = Config::load(Some(&path), env(&[])).unwrap_err();
        let en = error.message(Lang::En);
        assert!(
            en.starts_with("Unknown setting: server.listen_port in "),
            "{en}"
        );
        assert!(en.contains("server.listen, server.data, org.name"), "{en}");

        let (_dir, path) = file("[serveur]\nlisten = \"127.0.0.1:1\"\n");
        assert!(matches!(
            Config::load(Some(&path), env(&[])),
            Err(ConfigError::Unknown(Place::File { key, .. })) if key == "serveur"
        ));
        let (_dir, path) = file("server = \"127.0.0.1:1\"\n");
        assert!(matches!(
            Config::load(Some(&path), env(&[])),
            Err(ConfigError::NotASection(_))
        ));
        let error = Config::load(None, env(&[("TOURNEE__SERVER__LISTN", "x")])).unwrap_err();
        let fr = error.message(Lang::Fr);
        assert!(
            fr.contains("TOURNEE__SERVER__LISTEN, TOURNEE__SERVER__DATA"),
            "{fr}"
        );
        assert!(Config::load(None, env(&[("TOURNEE__SERVER", "x")])).is_err());
    }

    #[test]
    fn a_missing_or_malformed_file_is_reported_with_its_path() {
        let missing = Path::new("/nonexistent/tournee.toml");
        let error = Config::load(Some(missing), env(&[])).unwrap_err();
        assert!(
            error
                .message(Lang::En)
                .contains("/nonexistent/tournee.toml")
        );
        let (_dir, path) = file("[server\nlisten = ");
        let error = Config::load(Some(&path), env(&[])).unwrap_err();
        assert!(matches!(error, ConfigError::Syntax { .. }));
        assert!(error.message(Lang::Fr).contains("n'est pas du TOML valide"));
        let text = error.message(Lang::En);
        assert!(text.contains(": line 1: "), "{text}");
        assert!(
            !text.contains('\n') && !text.contains("\\n"),
            "one line: {text}"
        );
    }

    #[test]
    fn printed_settings_load_back_to_the_same_settings() {
        let config = Config::load(
            None,
            env(&[
                ("TOURNEE__SERVER__DATA", "/srv/tournee"),
                ("TOURNEE__ORG__NAME", "L'Organisme \"Nuit\""),
                ("TOURNEE__ENROLL__MAX_FAILURES", "3"),
            ]),
        )
        .unwrap();
        let (_dir, path) = file(&config.to_toml());
        assert_eq!(Config::load(Some(&path), env(&[])).unwrap(), config);
    }
}
