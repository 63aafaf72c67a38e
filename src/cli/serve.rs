//! `tournee serve`: runs the central server on a data directory until
//! Ctrl-C or SIGTERM, then lets open requests finish. Logs go to stderr
//! (`RUST_LOG`, default `info`); stdout says where it listens.

use super::{Failure, Outcome};
use crate::domain::i18n::{Lang, Msg, tr};
use crate::server::{self, Server};
use clap::Args;
use std::future::Future;
use std::path::PathBuf;

#[derive(Args)]
pub struct ServeArgs {
    /// The server's data directory (keys, database) [default: the platform data directory].
    #[arg(long, env = "TOURNEE_SERVER_DATA")]
    data: Option<PathBuf>,
    /// Address and port to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
}

/// `--data`, or `tournee-server` in the platform data directory.
pub fn data_dir(data: Option<PathBuf>) -> PathBuf {
    data.or_else(|| dirs::data_dir().map(|d| d.join("tournee-server")))
        .unwrap_or_else(|| PathBuf::from("tournee-server"))
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A second init (tests calling `run` twice) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

pub fn run(args: ServeArgs, lang: Lang) -> Outcome {
    init_tracing();
    let server = Server::open(&data_dir(args.data)).map_err(|e| Failure::server(e, lang))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::system(tr(lang, Msg::ServerStorage, &[("value", &e)])))?;
    runtime.block_on(async {
        let cannot_listen = |e: std::io::Error| {
            Failure::system(tr(
                lang,
                Msg::ServeCannotListen,
                &[("addr", &args.listen), ("value", &e)],
            ))
        };
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .map_err(cannot_listen)?;
        let address = listener.local_addr().map_err(cannot_listen)?;
        let shutdown = shutdown_signal().map_err(cannot_listen)?;
        let keys = server.keys();
        println!("{}", tr(lang, Msg::ServeListening, &[("value", &address)]));
        println!(
            "{}",
            tr(
                lang,
                Msg::ServeIdentity,
                &[
                    ("value", &keys.org_name),
                    ("id", &keys.org_id),
                    ("key", &hex::encode(keys.fingerprint())),
                ]
            )
        );
        server::serve(listener, server, shutdown)
            .await
            .map_err(cannot_listen)?;
        println!("{}", Msg::ServeStopped.text(lang));
        Ok(())
    })
}

/// Ctrl-C, or SIGTERM from a service manager. On Unix the handlers are
/// installed here, before the address is printed, so a script that reads
/// the address and then interrupts the server always gets a clean stop.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    Ok(async {
        // A handler that cannot be installed must not stop the server at once.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
}
