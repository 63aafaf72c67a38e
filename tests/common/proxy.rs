//! A reverse proxy on loopback that names one host: what the TLS proxy in
//! front of a regional host does, so tests reach one organization's site
//! by its host name without a DNS entry.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// An address on loopback that sends everything to `upstream` under the
/// host name `name`.
pub async fn proxy(upstream: &str, name: &str) -> String {
    #[derive(Clone)]
    struct To {
        upstream: String,
        name: String,
        http: reqwest::Client,
    }
    async fn forward(
        State(to): State<To>,
        method: Method,
        uri: Uri,
        headers: HeaderMap,
        body: Bytes,
    ) -> Response {
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let mut request = to
            .http
            .request(method, format!("{}{path}", to.upstream))
            .header("host", &to.name)
            .body(body);
        for (key, value) in &headers {
            if key != "host" && key != "content-length" {
                request = request.header(key, value);
            }
        }
        let answer = request.send().await.unwrap();
        let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
        let mut out = HeaderMap::new();
        for (key, value) in answer.headers() {
            if key != "content-length" && key != "transfer-encoding" {
                out.append(key, value.clone());
            }
        }
        (status, out, answer.bytes().await.unwrap()).into_response()
    }
    let to = To {
        upstream: upstream.to_string(),
        name: name.to_string(),
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    };
    let app = axum::Router::new().fallback(forward).with_state(to);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}
