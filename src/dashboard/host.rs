//! A regional host's site (`tournee serve --database`): every organization
//! it holds, each at host names of its own (`tournee.cactus.org`, or
//! `cactus.<domain>` under the host's domain), each with the whole site a
//! data directory's `serve` has (the phones' API, the web app, the
//! dashboard). A request is handed to the site of the organization its
//! `Host` header names, and that site reaches only its organization: its
//! sessions, its pages, its downloads, its phones and codes. A name that
//! serves no organization gets a plain 404 that names none.
//!
//! `region.<domain>` is the regional site instead ([`super::regional`]):
//! regional accounts' sign-in and their sums, nothing of any single
//! organization. A host without a domain has no regional site.
//!
//! Organizations created while the host runs are served from their first
//! request; keys are read from the database on each use, so a rotation
//! needs no restart either.

use super::{auth, page, words};
use crate::server::config::Config;
use crate::server::error::ServerError;
use crate::server::store::OrgId;
use crate::server::store::postgres::orgs::OrgRow;
use crate::server::store::postgres::storage::PgStorage;
use crate::server::store::slug::{HostName, Slug};
use crate::server::{Server, retention};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use tower::ServiceExt;

/// `region.<domain>` is the regional site.
pub const REGION_LABEL: &str = crate::server::store::slug::RESERVED;

pub struct Host {
    storage: Arc<PgStorage>,
    config: Config,
    /// `cactus.<domain>` serves the organization `cactus`.
    domain: Option<HostName>,
    /// Each organization's site, built at its first request.
    sites: RwLock<HashMap<OrgId, Router>>,
    /// Names seen to serve an organization (a name is never moved).
    names: RwLock<HashMap<HostName, OrgId>>,
    /// The regional site ([`super::regional`]), at `region.<domain>`
    /// only; served before any organization, so no slug `region` can
    /// take its name.
    region: Option<(HostName, Router)>,
}

impl Host {
    pub fn new(storage: Arc<PgStorage>, config: &Config, domain: Option<HostName>) -> Arc<Host> {
        let region = domain.as_ref().and_then(|d| {
            let name = HostName::parse(&format!("{REGION_LABEL}.{}", d.as_str())).ok()?;
            Some((name, super::regional::site(storage.host().clone(), config)))
        });
        Arc::new(Host {
            storage,
            config: config.clone(),
            region,
            domain,
            sites: RwLock::new(HashMap::new()),
            names: RwLock::new(HashMap::new()),
        })
    }

    /// Every request, to the site of the organization it names.
    pub fn router(self: &Arc<Host>) -> Router {
        Router::new()
            .fallback(dispatch)
            .with_state(Arc::clone(self))
    }

    /// The organization served at `name`: one of its own names, else
    /// `<slug>.<domain>`.
    async fn org_at(&self, name: &HostName) -> Result<Option<OrgId>, ServerError> {
        if let Some(org) = self.names.read().ok().and_then(|n| n.get(name).copied()) {
            return Ok(Some(org));
        }
        let host = self.storage.host();
        let mut found: Option<OrgRow> = host.org_named(name).await?;
        if found.is_none()
            && let Some(domain) = &self.domain
            && let Some(label) = name
                .as_str()
                .strip_suffix(domain.as_str())
                .and_then(|rest| rest.strip_suffix('.'))
            && let Ok(slug) = Slug::parse(label)
        {
            found = match host.org(&slug).await {
                Ok(row) => Some(row),
                Err(ServerError::UnknownSlug(_)) => None,
                Err(other) => return Err(other),
            };
        }
        let Some(row) = found else { return Ok(None) };
        if let Ok(mut names) = self.names.write() {
            names.insert(name.clone(), row.id);
        }
        Ok(Some(row.id))
    }

    /// The organization's site, built once.
    async fn site(&self, org: OrgId) -> Result<Router, ServerError> {
        if let Some(site) = self.sites.read().ok().and_then(|s| s.get(&org).cloned()) {
            return Ok(site);
        }
        let (keys, _) = self.storage.host().keys(org).await?;
        let storage: Arc<dyn crate::server::store::Storage> = self.storage.clone();
        let server = Server::hosted(storage, keys, &self.config)?;
        let site = super::site(server, &self.config);
        let mut sites = self
            .sites
            .write()
            .map_err(|_| ServerError::Damaged("the host's sites".into()))?;
        // Two first requests at once: both use the site kept.
        Ok(sites.entry(org).or_insert(site).clone())
    }

    /// Applies the retention policy to every organization, at once and
    /// then every [`PURGE_EVERY`](crate::server::PURGE_EVERY); one
    /// organization's failure is logged and leaves the others' purges.
    pub async fn purge_daily(self: Arc<Host>) {
        let policy = retention::Policy::from_config(&self.config);
        let mut every = tokio::time::interval(crate::server::PURGE_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let orgs = match self.storage.host().orgs().await {
                Ok(orgs) => orgs,
                Err(error) => {
                    tracing::error!(error = %error, "listing organizations failed; purge retried tomorrow");
                    continue;
                }
            };
            for org in orgs {
                let now = crate::server::now_ms();
                let purged = crate::server::store::Storage::purge(
                    self.storage.as_ref(),
                    org.id,
                    policy,
                    now,
                    retention::Asker::Daily,
                )
                .await;
                if let Err(error) = purged {
                    tracing::error!(org = %org.slug, error = %error, "retention purge failed; retried tomorrow");
                }
            }
        }
    }
}

async fn dispatch(State(host): State<Arc<Host>>, request: Request) -> Response {
    let named = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()))
        .and_then(HostName::of_header);
    let lang = auth::language(request.headers());
    let Some(name) = named else {
        return nobody_here(lang);
    };
    if let Some((regional, site)) = &host.region
        && *regional == name
    {
        return match site.clone().oneshot(request).await {
            Ok(answer) => answer,
            Err(never) => match never {},
        };
    }
    let site = match host.org_at(&name).await {
        Ok(Some(org)) => host.site(org).await,
        Ok(None) => return nobody_here(lang),
        Err(error) => Err(error),
    };
    match site {
        // A router's answer cannot fail (`Infallible`).
        Ok(site) => match site.oneshot(request).await {
            Ok(answer) => answer,
            Err(never) => match never {},
        },
        Err(error) => {
            tracing::error!(error = %error, "the host's storage failed");
            page::problem(
                lang,
                StatusCode::SERVICE_UNAVAILABLE,
                words::Word::ServerTrouble.text(lang).to_string(),
            )
        }
    }
}

/// A name no organization is served at: said plainly, naming none.
fn nobody_here(lang: crate::domain::i18n::Lang) -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        words::Word::NoOrganizationHere.text(lang),
    )
        .into_response()
}
