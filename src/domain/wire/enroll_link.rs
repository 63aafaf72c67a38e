//! What an enrollment QR code holds: the server's address and the one-time
//! code, so one scan fills both fields of the app's enrollment form.
//!
//! The text is `tournee:enroll?server=<address>&code=<code>`, URL-encoded.
//! A bare code (what a supervisor reads aloud) is accepted too. The address
//! needs no protection: the code carries the fingerprint of the server's
//! signing key, so a phone handed a wrong address refuses that server. It
//! is checked all the same ([`ServerAddress`]), so that a link with an
//! `ftp:` or malformed address says so instead of failing as "no network".

use super::enroll::EnrollCode;
use super::server_address::ServerAddress;
use crate::domain::FieldError;

const PREFIX: &str = "tournee:enroll?";

#[derive(Clone, PartialEq, Eq)]
pub struct EnrollLink {
    /// `http(s)://host[:port][/path]`, checked and normalized, when the
    /// text carried one.
    pub server: Option<String>,
    /// What is wrong with the address the text carried, if it was not one
    /// (the code is still good: the worker can type the address).
    pub bad_server: Option<FieldError>,
    /// The code as it was written (dashes kept).
    pub code: String,
}

impl std::fmt::Debug for EnrollLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EnrollLink({:?}, <code hidden>)", self.server)
    }
}

impl EnrollLink {
    /// The text for a QR code.
    pub fn to_text(server: &str, code: &str) -> String {
        let query = serde_urlencoded::to_string([("server", server), ("code", code)])
            .expect("two string pairs encode");
        format!("{PREFIX}{query}")
    }

    /// Reads a scanned or pasted text: a link, or a bare code. `None` when
    /// it is neither, or the code inside is not a valid code.
    pub fn parse(text: &str) -> Option<EnrollLink> {
        let text = text.trim();
        let Some(query) = text.strip_prefix(PREFIX) else {
            EnrollCode::parse(text)?;
            return Some(EnrollLink {
                server: None,
                bad_server: None,
                code: text.to_string(),
            });
        };
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).ok()?;
        let field = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.trim().to_string())
        };
        let code = field("code")?;
        EnrollCode::parse(&code)?;
        let (server, bad_server) = match field("server").map(|s| ServerAddress::parse(&s)) {
            Some(Ok(address)) => (Some(address.to_string()), None),
            Some(Err(problem)) => (None, Some(problem)),
            None => (None, None),
        };
        Some(EnrollLink {
            server,
            bad_server,
            code,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code() -> String {
        EnrollCode {
            secret: [7; 16],
            fingerprint_prefix: [9; 10],
        }
        .to_text()
    }

    #[test]
    fn a_link_round_trips_with_an_address_that_needs_encoding() {
        let text = EnrollLink::to_text("http://[::1]:8080/org&co=1/tournee", &code());
        assert!(text.starts_with("tournee:enroll?server=http"), "{text}");
        let link = EnrollLink::parse(&text).expect("parses");
        assert_eq!(
            link.server.as_deref(),
            Some("http://[::1]:8080/org&co=1/tournee")
        );
        assert_eq!(link.bad_server, None);
        assert_eq!(link.code, code());
    }

    #[test]
    fn a_bare_code_is_a_link_without_address() {
        let link = EnrollLink::parse(&format!("  {}\n", code().to_lowercase())).unwrap();
        assert_eq!(link.server, None);
        assert_eq!(link.code, code().to_lowercase());
    }

    #[test]
    fn anything_else_is_refused() {
        for text in [
            "",
            "https://example.org",
            "tournee:enroll?server=https%3A%2F%2Fa.b",
            "tournee:enroll?code=NOTACODE",
            "WIFI:S:cafe;T:WPA;P:secret;;",
        ] {
            assert_eq!(EnrollLink::parse(text), None, "{text}");
        }
    }

    #[test]
    fn an_address_that_is_not_http_is_named_as_bad_input_and_the_code_kept() {
        for server in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "ftp://tournee.example.org",
            "http://a b",
            "https://tournee.example.org/?x=1",
        ] {
            let link = EnrollLink::parse(&EnrollLink::to_text(server, &code())).unwrap();
            assert_eq!(link.server, None, "{server}");
            let problem = link.bad_server.expect("a problem");
            assert_eq!(problem.field, crate::domain::Field::Server, "{server}");
            assert_eq!(link.code, code());
        }
    }
}
