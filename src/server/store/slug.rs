//! How an organization is named on a host: its slug, the short name an
//! administrator types after `--org` (`rue-action`), and the host names
//! its phones and supervisors reach it at (`tournee.rue-action.org`),
//! each checked once here.

use crate::server::error::ServerError;
use std::fmt;

pub const MAX_SLUG: usize = 40;
/// The one slug no organization can have (see [`Slug`]).
pub const RESERVED: &str = "region";
pub const MAX_ORG_NAME: usize = 120;

/// 2 to [`MAX_SLUG`] characters of `a-z`, `0-9` and `-`, starting with a
/// letter and not ending with a hyphen: safe in a URL, a file name and a
/// terminal, and one spelling per organization. `region` is not one: under
/// a host's domain, `region.<domain>` is the regional accounts' site.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    pub fn parse(text: &str) -> Result<Slug, ServerError> {
        let slug = text.trim();
        let bad = || ServerError::BadSlug {
            slug: crate::domain::escape::printable(slug).into_owned(),
            max: MAX_SLUG,
        };
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if !(2..=MAX_SLUG).contains(&slug.len())
            || !slug.chars().all(allowed)
            || !slug.starts_with(|c: char| c.is_ascii_lowercase())
            || slug.ends_with('-')
            || slug == RESERVED
        {
            return Err(bad());
        }
        Ok(Slug(slug.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The longest host name DNS allows.
pub const MAX_HOST_NAME: usize = 253;

/// A host name one organization is served at: dot-separated labels of
/// `a-z`, `0-9` and `-` (1 to 63 each, no hyphen at either end), at most
/// [`MAX_HOST_NAME`] characters, lower-cased; an IP address is not one
/// (it would name the machine, not an organization).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HostName(String);

impl HostName {
    pub fn parse(text: &str) -> Result<HostName, ServerError> {
        let name = text.trim().trim_end_matches('.').to_ascii_lowercase();
        let label_ok = |label: &str| {
            (1..=63).contains(&label.len())
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        let numeric = name
            .split('.')
            .all(|l| l.chars().all(|c| c.is_ascii_digit()));
        if name.is_empty()
            || name.len() > MAX_HOST_NAME
            || !name.split('.').all(label_ok)
            || numeric
        {
            return Err(ServerError::BadHostName {
                value: crate::domain::escape::printable(text.trim()).into_owned(),
            });
        }
        Ok(HostName(name))
    }

    /// The name a request asked for, from its `Host` header (the port
    /// left out), if it is one.
    pub fn of_header(host: &str) -> Option<HostName> {
        let name = match host.rsplit_once(':') {
            Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
            _ => host,
        };
        HostName::parse(name).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HostName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An organization's name as shown to its phones and in its reports:
/// trimmed, 1 to [`MAX_ORG_NAME`] characters, no control characters.
pub fn org_name(text: &str) -> Result<String, ServerError> {
    let name = text.trim();
    let length = name.chars().count();
    if !(1..=MAX_ORG_NAME).contains(&length) || name.chars().any(char::is_control) {
        return Err(ServerError::OrgName { max: MAX_ORG_NAME });
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_lowercase_and_plain() {
        for good in ["rue-action", "cactus", "sac2", "a1"] {
            assert_eq!(Slug::parse(good).unwrap().as_str(), good);
        }
        assert_eq!(Slug::parse("  cactus ").unwrap().as_str(), "cactus");
        for bad in [
            "",
            "a",
            "Rue-Action",
            "rue action",
            "1rue",
            "-rue",
            "rue-",
            "équipe",
            "rue_action",
            "region",
            &"a".repeat(MAX_SLUG + 1),
        ] {
            assert!(
                matches!(Slug::parse(bad), Err(ServerError::BadSlug { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn host_names_are_dns_names_lower_cased_and_never_an_address() {
        for (typed, kept) in [
            ("tournee.cactus.org", "tournee.cactus.org"),
            ("  Tournee.Cactus.ORG. ", "tournee.cactus.org"),
            ("cactus.localhost", "cactus.localhost"),
            ("a", "a"),
        ] {
            assert_eq!(HostName::parse(typed).unwrap().as_str(), kept);
        }
        for bad in [
            "",
            "127.0.0.1",
            "cactus..org",
            "-cactus.org",
            "cactus-.org",
            "cac tus.org",
            "cactus.org/x",
            "café.org",
            &format!("{}.org", "a".repeat(64)),
        ] {
            assert!(
                matches!(HostName::parse(bad), Err(ServerError::BadHostName { .. })),
                "{bad:?}"
            );
        }
        assert_eq!(
            HostName::of_header("Cactus.Example:8443").unwrap().as_str(),
            "cactus.example"
        );
        assert!(HostName::of_header("127.0.0.1:8080").is_none());
        assert!(HostName::of_header("[::1]:8080").is_none());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(org_name("  Rue Action  ").unwrap(), "Rue Action");
        assert!(org_name("").is_err());
        assert!(org_name("a\u{7}b").is_err());
        assert!(org_name(&"é".repeat(MAX_ORG_NAME)).is_ok());
        assert!(org_name(&"é".repeat(MAX_ORG_NAME + 1)).is_err());
    }
}
