//! `tournee serve --database URL`: a regional host, every organization of
//! its PostgreSQL database served at its own host names (see
//! `crate::dashboard::host`) until Ctrl-C or SIGTERM. Stdout says where it
//! listens and which names serve which organization; the retention policy
//! is applied to each organization at start and every day after.

use super::serve::{init_tracing, shutdown_signal};
use super::{Failure, Outcome};
use crate::dashboard::host::Host;
use crate::domain::i18n::{Lang, Msg, tr};
use crate::server::store::postgres::storage::PgStorage;
use crate::server::store::slug::HostName;
use crate::server::{self, Config};
use std::sync::Arc;

pub fn run(url: &str, domain: Option<&str>, config: &Config, lang: Lang) -> Outcome {
    init_tracing();
    let fail = |e: server::ServerError| Failure::server(e, lang);
    let domain = domain.map(HostName::parse).transpose().map_err(fail)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::system(tr(lang, Msg::ServerStorage, &[("value", &e)])))?;
    runtime.block_on(async {
        let storage = Arc::new(PgStorage::open(url).await.map_err(fail)?);
        let cannot_listen = |e: std::io::Error| {
            Failure::system(tr(
                lang,
                Msg::ServeCannotListen,
                &[("addr", &config.server.listen), ("value", &e)],
            ))
        };
        let listener = tokio::net::TcpListener::bind(config.server.listen)
            .await
            .map_err(cannot_listen)?;
        let address = listener.local_addr().map_err(cannot_listen)?;
        let shutdown = shutdown_signal().map_err(cannot_listen)?;
        println!("{}", tr(lang, Msg::ServeListening, &[("value", &address)]));
        let orgs = storage.host().orgs().await.map_err(fail)?;
        if orgs.is_empty() {
            println!("{}", Msg::HostNoOrganization.text(lang));
        }
        for org in &orgs {
            let mut names: Vec<String> = storage
                .host()
                .names(org.id)
                .await
                .map_err(fail)?
                .iter()
                .map(ToString::to_string)
                .collect();
            if let Some(domain) = &domain {
                names.push(format!("{}.{domain}", org.slug));
            }
            let names = if names.is_empty() {
                Msg::HostNoName.text(lang).to_string()
            } else {
                names.join(", ")
            };
            println!(
                "{}",
                tr(
                    lang,
                    Msg::HostServes,
                    &[("value", &org.name), ("slug", &org.slug), ("names", &names)]
                )
            );
        }
        let host = Host::new(Arc::clone(&storage), config, domain);
        if config.retention.daily_purge {
            tokio::spawn(Arc::clone(&host).purge_daily());
        }
        let limits = server::http::ConnectionLimits::from(&config.limits);
        server::http::serve_router_with(listener, host.router(), limits, shutdown)
            .await
            .map_err(cannot_listen)?;
        // Batches receipted just before the stop are counted before it
        // (they would be at the next start anyway: they are stored).
        storage.drain().await;
        println!("{}", Msg::ServeStopped.text(lang));
        Ok(())
    })
}
