//! A server address as a person types it, scans it or passes it to
//! `--server`: `http` or `https`, a host, then at most a port and a path.
//! Anything else (another scheme, a user name, a query, a fragment, spaces
//! or control characters) is bad input, said so before any connection,
//! not a network failure found after one.
//!
//! Plain `http://` stays allowed for any host: batches are sealed and
//! signed end to end and the enrollment code pins the server's key, so a
//! listener learns only that a phone synced; small organizations run the
//! server on their own network without a certificate.

use crate::domain::{Field, FieldError, Problem};
use std::fmt;

/// Longest address accepted: a real one is far shorter, and a scanned or
/// pasted text is untrusted input.
pub const MAX_CHARS: usize = 300;

/// A checked address, normalized (lower-case host, no trailing `/`), to
/// which `/api/v1/...` paths are appended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerAddress(String);

impl ServerAddress {
    pub fn parse(text: &str) -> Result<ServerAddress, FieldError> {
        let text = text.trim();
        let bad = || {
            FieldError::new(
                Field::Server,
                Problem::BadAddress {
                    value: text.chars().take(MAX_CHARS).collect(),
                },
            )
        };
        // The URL standard reads `http:host`, `http:/host`, `http:\\host`
        // and `http:///host` as `http://host/`; a person who wrote them
        // meant something else.
        let after_scheme = ["https://", "http://"].iter().find_map(|scheme| {
            let head = text.get(..scheme.len())?;
            head.eq_ignore_ascii_case(scheme)
                .then(|| &text[scheme.len()..])
        });
        let literal = after_scheme.is_some_and(|rest| !rest.starts_with('/'));
        if !literal
            || text.chars().count() > MAX_CHARS
            || text.contains('\\')
            || text.chars().any(|c| c.is_control() || c.is_whitespace())
        {
            return Err(bad());
        }
        let url = url::Url::parse(text).map_err(|_| bad())?;
        let plain = matches!(url.scheme(), "http" | "https")
            && url.host_str().is_some_and(|h| !h.is_empty())
            && url.username().is_empty()
            && url.password().is_none()
            && url.query().is_none()
            && url.fragment().is_none();
        if !plain {
            return Err(bad());
        }
        Ok(ServerAddress(
            url.as_str().trim_end_matches('/').to_string(),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ServerAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_and_https_with_a_host_a_port_and_a_path_are_allowed() {
        for (text, expected) in [
            ("https://tournee.example.org", "https://tournee.example.org"),
            (
                "  HTTPS://Tournee.Example.org/  ",
                "https://tournee.example.org",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://[::1]:8080/tournee/", "http://[::1]:8080/tournee"),
            (
                "http://192.168.1.20/org/tournee",
                "http://192.168.1.20/org/tournee",
            ),
        ] {
            assert_eq!(
                ServerAddress::parse(text).map(|a| a.to_string()),
                Ok(expected.to_string()),
                "{text}"
            );
        }
    }

    #[test]
    fn other_schemes_and_malformed_addresses_are_bad_input_naming_the_field() {
        for text in [
            "",
            "ftp://tournee.example.org",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "tournee.example.org",
            "http:tournee.example.org",
            "http:/tournee.example.org",
            "http:\\\\tournee.example.org",
            "http://",
            "http:///path",
            "http://a b",
            "http://exa\u{1b}mple.org",
            "http://tournee.example.org:99999",
            "http://user:secret@tournee.example.org",
            "https://good.example@evil.example",
            "https://tournee.example.org/?next=x",
            "https://tournee.example.org/#top",
            "http://[::1",
        ] {
            let error = ServerAddress::parse(text).expect_err(text);
            assert_eq!(error.field, Field::Server, "{text}");
            assert!(
                matches!(error.problem, Problem::BadAddress { .. }),
                "{text}"
            );
        }
        let long = format!("https://{}.org", "a".repeat(MAX_CHARS));
        assert!(ServerAddress::parse(&long).is_err());
    }

    #[test]
    fn the_message_says_what_is_allowed() {
        let error = ServerAddress::parse("ftp://x.org").unwrap_err();
        assert_eq!(
            error.message_with_key(crate::domain::Lang::En),
            "server address (server): \"ftp://x.org\" is not a server address. Allowed: http:// or \
             https:// followed by a host name or an IP address, with a port and a path if needed, \
             for example https://tournee.example.org."
        );
    }
}
