//! An organization's slug on a host: the short name an administrator
//! types after `--org` (`rue-action`), checked once here.

use crate::server::error::ServerError;
use std::fmt;

pub const MAX_SLUG: usize = 40;
pub const MAX_ORG_NAME: usize = 120;

/// 2 to [`MAX_SLUG`] characters of `a-z`, `0-9` and `-`, starting with a
/// letter and not ending with a hyphen: safe in a URL, a file name and a
/// terminal, and one spelling per organization.
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
            &"a".repeat(MAX_SLUG + 1),
        ] {
            assert!(
                matches!(Slug::parse(bad), Err(ServerError::BadSlug { .. })),
                "{bad:?}"
            );
        }
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
