//! The HTTP side of syncing: one client with timeouts and no redirects,
//! answers read with a size bound, and transport failures told apart
//! (never connected, timed out, cut) for the worker's message.
//!
//! Natively reqwest runs over hyper and rustls; in a browser over `fetch`,
//! which has no connect timeout and no redirect policy to set: there the
//! whole exchange (answer included) is bounded by the request timeout, and
//! redirects are the browser's to follow (the web app talks to its own
//! origin; a portal's page that comes back instead is still not Tournée).

use super::sync::SyncOptions;
use super::sync_error::SyncError;
use crate::domain::wire::enroll::{EnrollRequest, Signed};

/// An HTTP client with timeouts and no redirects: a redirect is what a
/// captive portal does, never what a Tournée server does. Clones share
/// one connection pool.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    /// Set on each request in a browser, where the client has no timeout.
    #[cfg(target_arch = "wasm32")]
    request_timeout: std::time::Duration,
}

impl Client {
    /// Fails only if the TLS backend cannot start (no usable crypto
    /// provider or root certificates): rare, and said in plain words.
    pub fn new(options: &SyncOptions) -> Result<Client, SyncError> {
        let builder = reqwest::Client::builder();
        // In a browser the user agent is the browser's: setting the header
        // would at best be ignored, at worst cost a CORS preflight.
        #[cfg(not(target_arch = "wasm32"))]
        let builder = builder
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("tournee/", env!("CARGO_PKG_VERSION")));
        let http = builder
            .build()
            .map_err(|e| SyncError::Client(e.to_string()))?;
        Ok(Client {
            http,
            #[cfg(target_arch = "wasm32")]
            request_timeout: options.request_timeout,
        })
    }

    fn post(&self, url: String) -> reqwest::RequestBuilder {
        self.bounded(self.http.post(url))
    }

    fn get(&self, url: String) -> reqwest::RequestBuilder {
        self.bounded(self.http.get(url))
    }

    /// Natively the client's own timeouts apply; `fetch` is given the
    /// request timeout on each request (an abort signal, which also
    /// stops reading the answer).
    #[cfg(not(target_arch = "wasm32"))]
    fn bounded(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request
    }

    #[cfg(target_arch = "wasm32")]
    fn bounded(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request.timeout(self.request_timeout)
    }

    pub(super) async fn enroll(
        &self,
        server: &str,
        request: &EnrollRequest,
    ) -> Result<Signed, SyncError> {
        let response = self
            .post(format!("{server}/api/v1/enroll"))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(serde_json::to_vec(request).expect("requests serialize"))
            .send()
            .await
            .map_err(offline)?;
        match response.status().as_u16() {
            200 => json(response).await,
            403 => Err(SyncError::CodeRefused),
            429 => Err(SyncError::TooManyAttempts),
            code => Err(unexpected(code)),
        }
    }

    pub(super) async fn upload(&self, server: &str, envelope: &[u8]) -> Result<Vec<u8>, SyncError> {
        let response = self
            .post(format!("{server}/api/v1/batches"))
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(envelope.to_vec())
            .send()
            .await
            .map_err(offline)?;
        match response.status().as_u16() {
            200 => body(response).await,
            403 => Err(SyncError::Revoked),
            code => Err(unexpected(code)),
        }
    }

    pub(super) async fn catalog(&self, server: &str) -> Result<Signed, SyncError> {
        let response = self
            .get(format!("{server}/api/v1/catalog"))
            .send()
            .await
            .map_err(offline)?;
        match response.status().as_u16() {
            200 => json(response).await,
            code => Err(unexpected(code)),
        }
    }
}

/// The most any Tournée answer holds: a catalog or an enrollment bundle
/// is a few kilobytes, a receipt 150 bytes.
const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;

/// The whole body; refused as soon as it grows past [`MAX_ANSWER_BYTES`],
/// so an endless answer cannot fill the phone's memory before the timeout.
#[cfg(not(target_arch = "wasm32"))]
async fn body(mut response: reqwest::Response) -> Result<Vec<u8>, SyncError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(offline)? {
        bounded_extend(&mut body, &chunk)?;
    }
    Ok(body)
}

/// The same over `fetch`'s stream of the body.
#[cfg(target_arch = "wasm32")]
async fn body(response: reqwest::Response) -> Result<Vec<u8>, SyncError> {
    use futures_util::StreamExt;
    let mut body = Vec::new();
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        bounded_extend(&mut body, &chunk.map_err(offline)?)?;
    }
    Ok(body)
}

fn bounded_extend(body: &mut Vec<u8>, chunk: &[u8]) -> Result<(), SyncError> {
    if body.len() + chunk.len() > MAX_ANSWER_BYTES {
        return Err(SyncError::NotTournee(format!(
            "an answer of more than {MAX_ANSWER_BYTES} bytes"
        )));
    }
    body.extend_from_slice(chunk);
    Ok(())
}

/// A JSON body; anything else (a portal's HTML) is not Tournée talking.
async fn json<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, SyncError> {
    let body = body(response).await?;
    serde_json::from_slice(&body).map_err(|_| {
        SyncError::NotTournee(format!("{} bytes that are not Tournée JSON", body.len()))
    })
}

fn offline(error: reqwest::Error) -> SyncError {
    // A key, not a sentence: the message is written in the reader's language.
    let kind = if error.is_timeout() {
        "timeout"
    } else if connect_failed(&error) || never_connected(&error) {
        "unreachable"
    } else {
        "cut"
    };
    SyncError::Offline(kind.into())
}

#[cfg(not(target_arch = "wasm32"))]
fn connect_failed(error: &reqwest::Error) -> bool {
    error.is_connect()
}

/// `fetch` does not say why it failed: a failed request (a `TypeError`,
/// reqwest's request kind, before any answer) is a connection never made.
#[cfg(target_arch = "wasm32")]
fn connect_failed(error: &reqwest::Error) -> bool {
    error.is_request()
}

/// Whether the connection was never made (refused, no route, no DNS).
/// reqwest's `is_connect` misses some of these once a connect timeout wraps
/// the connector, so the source chain is read as well.
fn never_connected(error: &reqwest::Error) -> bool {
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(current) = source {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            if matches!(
                io.kind(),
                ConnectionRefused | HostUnreachable | NetworkUnreachable | AddrNotAvailable
            ) {
                return true;
            }
        }
        let text = current.to_string();
        if text.contains("tcp connect error") || text.contains("dns error") {
            return true;
        }
        source = current.source();
    }
    false
}

fn unexpected(code: u16) -> SyncError {
    if (300..400).contains(&code) {
        SyncError::NotTournee(format!("HTTP {code} redirect"))
    } else {
        SyncError::Refused(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_longer_than_any_tournee_answer_is_refused_while_it_arrives() {
        // A hostile server (or whatever answers at its address) streams
        // 8 MiB of JSON whitespace, chunked, with no length announced.
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let _ = socket.read(&mut [0u8; 4096]);
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                        transfer-encoding: chunked\r\n\r\n";
            let chunk = [b' '; 64 * 1024];
            let mut send = |bytes: &[u8]| socket.write_all(bytes).is_ok();
            if !send(head.as_bytes()) {
                return;
            }
            for _ in 0..128 {
                let sent = send(format!("{:x}\r\n", chunk.len()).as_bytes())
                    && send(&chunk)
                    && send(b"\r\n");
                if !sent {
                    return;
                }
            }
            send(b"0\r\n\r\n");
        });
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let client = Client::new(&SyncOptions::default()).unwrap();
        let error = runtime
            .block_on(client.catalog(&format!("http://{address}")))
            .unwrap_err();
        match error {
            SyncError::NotTournee(why) => assert!(why.contains("more than 4194304"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
