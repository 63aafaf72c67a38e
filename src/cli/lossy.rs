//! A lossy network for `tournee simulate`: a real HTTP relay on loopback
//! that, for a chosen share of uploads, refuses them, drops them before the
//! server, or lets the server commit and then loses the answer. Seeded, so
//! a run can be replayed.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// What the link did, for the simulator's summary.
#[derive(Debug, Default)]
pub struct LinkCounts {
    pub refused: AtomicU64,
    pub dropped_before: AtomicU64,
    pub dropped_after: AtomicU64,
    pub passed: AtomicU64,
}

#[derive(Clone)]
struct Link {
    upstream: String,
    loss: Arc<Mutex<f64>>,
    rng: Arc<Mutex<SmallRng>>,
    counts: Arc<LinkCounts>,
    http: reqwest::Client,
}

pub struct LossyLink {
    pub url: String,
    loss: Arc<Mutex<f64>>,
    pub counts: Arc<LinkCounts>,
}

impl LossyLink {
    pub async fn start(upstream: &str, loss_rate: f64, seed: u64) -> std::io::Result<LossyLink> {
        let loss = Arc::new(Mutex::new(loss_rate));
        let counts = Arc::new(LinkCounts::default());
        let link = Link {
            upstream: upstream.trim_end_matches('/').to_string(),
            loss: loss.clone(),
            rng: Arc::new(Mutex::new(SmallRng::seed_from_u64(seed))),
            counts: counts.clone(),
            // `Client::new` would panic if TLS could not start.
            http: reqwest::Client::builder()
                .build()
                .map_err(std::io::Error::other)?,
        };
        let app = axum::Router::new().fallback(relay).with_state(link);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(LossyLink { url, loss, counts })
    }

    /// The network comes back: nothing is lost from now on.
    pub fn heal(&self) {
        *self.loss.lock().unwrap_or_else(|p| p.into_inner()) = 0.0;
    }
}

enum Fate {
    Refuse,
    DropBefore,
    DropAfter,
    Pass,
}

async fn relay(State(link): State<Link>, method: Method, uri: Uri, body: Bytes) -> Response {
    let fate = {
        let loss = *link.loss.lock().unwrap_or_else(|p| p.into_inner());
        let mut rng = link.rng.lock().unwrap_or_else(|p| p.into_inner());
        if rng.random_bool(loss.clamp(0.0, 1.0)) {
            match rng.random_range(0..3) {
                0 => Fate::Refuse,
                1 => Fate::DropBefore,
                _ => Fate::DropAfter,
            }
        } else {
            Fate::Pass
        }
    };
    let count = |c: &AtomicU64| c.fetch_add(1, Ordering::Relaxed);
    match fate {
        Fate::Refuse => {
            count(&link.counts.refused);
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        Fate::DropBefore => {
            count(&link.counts.dropped_before);
            return StatusCode::GATEWAY_TIMEOUT.into_response();
        }
        _ => {}
    }
    let content_type = if method == Method::POST && uri.path() == "/api/v1/batches" {
        "application/octet-stream"
    } else {
        "application/json"
    };
    let forwarded = link
        .http
        .request(method, format!("{}{}", link.upstream, uri))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await;
    let Ok(forwarded) = forwarded else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status =
        StatusCode::from_u16(forwarded.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let bytes = forwarded.bytes().await.unwrap_or_default();
    if matches!(fate, Fate::DropAfter) {
        count(&link.counts.dropped_after);
        return StatusCode::BAD_GATEWAY.into_response();
    }
    count(&link.counts.passed);
    (status, bytes).into_response()
}
