//! The table of settings: each key's section, name and what it accepts.
//! The file and the environment both go through [`Setting::apply`], so
//! they accept the same keys and the same values, and a refused value is
//! reported with the key as the person wrote it and what is allowed.

use super::error::{Allowed, ConfigError, Place};
use super::{Config, ENV_PREFIX};
use crate::server::enroll::{MAX_LABEL_CHARS, MAX_TTL_HOURS, clean_label};
use std::net::SocketAddr;
use std::path::PathBuf;

/// What a setting holds, and so what it accepts.
#[derive(Clone, Copy)]
enum Kind {
    Address(fn(&mut Config) -> &mut SocketAddr),
    Path(fn(&mut Config) -> &mut Option<PathBuf>),
    Name(fn(&mut Config) -> &mut Option<String>),
    Whole(fn(&mut Config) -> &mut u32, u32, u32),
    Either(fn(&mut Config) -> &mut u32, u32, u32),
    Flag(fn(&mut Config) -> &mut bool),
}

pub(super) struct Setting {
    pub(super) section: &'static str,
    pub(super) key: &'static str,
    kind: Kind,
}

/// Every setting, in the order the documentation lists them. File and
/// environment both go through this table, so they accept the same keys
/// and the same values.
pub(super) const SETTINGS: &[Setting] = &[
    Setting {
        section: "server",
        key: "listen",
        kind: Kind::Address(|c| &mut c.server.listen),
    },
    Setting {
        section: "server",
        key: "data",
        kind: Kind::Path(|c| &mut c.server.data),
    },
    Setting {
        section: "org",
        key: "name",
        kind: Kind::Name(|c| &mut c.org.name),
    },
    Setting {
        section: "org",
        key: "contact",
        kind: Kind::Name(|c| &mut c.org.contact),
    },
    Setting {
        section: "limits",
        key: "request_timeout_secs",
        kind: Kind::Whole(|c| &mut c.limits.request_timeout_secs, 1, 3600),
    },
    Setting {
        section: "limits",
        key: "header_timeout_secs",
        kind: Kind::Whole(|c| &mut c.limits.header_timeout_secs, 1, 300),
    },
    Setting {
        section: "limits",
        key: "idle_timeout_secs",
        kind: Kind::Whole(|c| &mut c.limits.idle_timeout_secs, 1, 3600),
    },
    Setting {
        section: "limits",
        key: "max_connections",
        kind: Kind::Whole(|c| &mut c.limits.max_connections, 1, 65_536),
    },
    Setting {
        section: "enroll",
        key: "code_ttl_hours",
        kind: Kind::Whole(|c| &mut c.enroll.code_ttl_hours, 1, MAX_TTL_HOURS),
    },
    Setting {
        section: "enroll",
        key: "max_failures",
        kind: Kind::Whole(|c| &mut c.enroll.max_failures, 1, 1000),
    },
    Setting {
        section: "enroll",
        key: "failure_window_secs",
        kind: Kind::Whole(|c| &mut c.enroll.failure_window_secs, 1, 86_400),
    },
    Setting {
        section: "dashboard",
        key: "session_idle_minutes",
        kind: Kind::Whole(|c| &mut c.dashboard.session_idle_minutes, 1, 1440),
    },
    Setting {
        section: "dashboard",
        key: "session_max_hours",
        kind: Kind::Whole(|c| &mut c.dashboard.session_max_hours, 1, 168),
    },
    Setting {
        section: "dashboard",
        key: "silent_days",
        kind: Kind::Whole(|c| &mut c.dashboard.silent_days, 1, 365),
    },
    Setting {
        section: "dashboard",
        key: "secure_cookies",
        kind: Kind::Flag(|c| &mut c.dashboard.secure_cookies),
    },
    Setting {
        section: "retention",
        key: "contact_months",
        kind: Kind::Whole(|c| &mut c.retention.contact_months, 3, 120),
    },
    Setting {
        section: "retention",
        key: "audit_months",
        kind: Kind::Whole(|c| &mut c.retention.audit_months, 3, 120),
    },
    Setting {
        section: "retention",
        key: "daily_purge",
        kind: Kind::Flag(|c| &mut c.retention.daily_purge),
    },
    Setting {
        section: "reports",
        key: "suppress_below",
        kind: Kind::Either(|c| &mut c.reports.suppress_below, 5, 10),
    },
];

/// A value as written in the file or the environment.
pub(super) enum Raw<'a> {
    File(&'a toml::Value),
    Env(&'a str),
}

impl Raw<'_> {
    fn text(&self) -> Option<&str> {
        match self {
            Raw::File(toml::Value::String(text)) => Some(text),
            Raw::File(_) => None,
            Raw::Env(text) => Some(text),
        }
    }

    fn flag(&self) -> Option<bool> {
        match self {
            Raw::File(toml::Value::Boolean(b)) => Some(*b),
            Raw::File(_) => None,
            Raw::Env(text) => match text.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Some(true),
                "false" | "0" | "no" => Some(false),
                _ => None,
            },
        }
    }

    fn whole(&self) -> Option<i64> {
        match self {
            Raw::File(toml::Value::Integer(n)) => Some(*n),
            Raw::File(_) => None,
            Raw::Env(text) => text.trim().parse().ok(),
        }
    }

    /// The value as the person wrote it, for the error message.
    fn shown(&self) -> String {
        match self {
            Raw::File(toml::Value::String(text)) => text.clone(),
            Raw::File(other) => other.to_string(),
            Raw::Env(text) => text.to_string(),
        }
    }
}

impl Setting {
    /// The setting `section.key`, spelled exactly (TOML keys are case-sensitive).
    pub(super) fn find(section: &str, key: &str) -> Option<&'static Setting> {
        SETTINGS
            .iter()
            .find(|s| s.section == section && s.key == key)
    }

    pub(super) fn dotted(&self) -> String {
        format!("{}.{}", self.section, self.key)
    }

    pub(super) fn env_name(&self) -> String {
        format!("{ENV_PREFIX}{}__{}", self.section, self.key).to_ascii_uppercase()
    }

    fn allowed(&self) -> Allowed {
        match self.kind {
            Kind::Address(_) => Allowed::Address,
            Kind::Path(_) => Allowed::Path,
            Kind::Name(_) => Allowed::Name {
                max: MAX_LABEL_CHARS,
            },
            Kind::Whole(_, min, max) => Allowed::Whole { min, max },
            Kind::Either(_, first, second) => Allowed::Either(first, second),
            Kind::Flag(_) => Allowed::Flag,
        }
    }

    /// Sets the value, or says it is not one this setting allows.
    pub(super) fn apply(
        &self,
        config: &mut Config,
        raw: &Raw<'_>,
        place: Place,
    ) -> Result<(), ConfigError> {
        let refused = || ConfigError::BadValue {
            place: place.clone(),
            value: raw.shown(),
            allowed: self.allowed(),
        };
        match self.kind {
            Kind::Address(field) => {
                let text = raw.text().ok_or_else(refused)?;
                *field(config) = text.trim().parse().map_err(|_| refused())?;
            }
            Kind::Path(field) => {
                let text = raw.text().filter(|t| !t.trim().is_empty());
                *field(config) = Some(PathBuf::from(text.ok_or_else(refused)?));
            }
            Kind::Name(field) => {
                let name = raw.text().and_then(org_name).ok_or_else(refused)?;
                *field(config) = Some(name);
            }
            Kind::Whole(field, min, max) => {
                let n = raw
                    .whole()
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|n| (min..=max).contains(n))
                    .ok_or_else(refused)?;
                *field(config) = n;
            }
            Kind::Flag(field) => {
                *field(config) = raw.flag().ok_or_else(refused)?;
            }
            Kind::Either(field, first, second) => {
                let n = raw
                    .whole()
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|n| [first, second].contains(n))
                    .ok_or_else(refused)?;
                *field(config) = n;
            }
        }
        Ok(())
    }
}

/// An organization name as it will be shown on phones and pages: trimmed,
/// 1 to 100 characters, no control characters.
pub fn org_name(text: &str) -> Option<String> {
    clean_label(text).filter(|name| !name.is_empty())
}

/// Every key, as a file writes it (`server.listen`) or as the environment
/// does (`TOURNEE__SERVER__LISTEN`), for "known settings" in messages.
pub fn known_keys(env: bool) -> Vec<String> {
    SETTINGS
        .iter()
        .map(|s| if env { s.env_name() } else { s.dotted() })
        .collect()
}

pub(super) fn is_section(name: &str) -> bool {
    SETTINGS.iter().any(|s| s.section == name)
}
