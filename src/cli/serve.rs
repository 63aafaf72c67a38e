//! `tournee serve`: runs the central server on a data directory until
//! Ctrl-C or SIGTERM, then lets open requests finish. Logs go to stderr
//! (`RUST_LOG`, default `info`); stdout says where it listens, and how to
//! create the first supervisor account while there is none. Settings come
//! from `crate::server::config`, then the flags here. Unless
//! `[retention] daily_purge = false`, the retention policy is applied at
//! start and every day after.

use super::{Failure, Outcome};
use crate::domain::i18n::{Lang, Msg, tr};
use crate::server::{self, Config, Server};
use clap::Args;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct ServeArgs {
    /// Settings file (TOML; keys in the README); `TOURNEE__SECTION__KEY` variables override it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The server's data directory (keys, database) [default: [server] data, else the platform data directory].
    #[arg(long, env = "TOURNEE_SERVER_DATA")]
    data: Option<PathBuf>,
    /// Address and port to listen on; port 0 picks a free one [default: [server] listen, else 127.0.0.1:8080].
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Print the settings in force (defaults, file, environment, flags) as TOML and exit.
    #[arg(long)]
    print_config: bool,
    /// Serve every organization of a regional host's database
    /// (`postgres://user:password@host/db`) instead of a data directory.
    #[arg(
        long,
        env = "TOURNEE_DATABASE",
        value_name = "URL",
        conflicts_with = "data"
    )]
    database: Option<String>,
    /// On a regional host, `SLUG.DOMAIN` serves the organization SLUG
    /// (besides the host names given to each with `admin add-name`).
    #[arg(long, env = "TOURNEE_HOST_DOMAIN", requires = "database")]
    domain: Option<String>,
}

/// Defaults, then `file`, then the `TOURNEE__…` environment. A bad file or
/// value is the person's to fix: exit 2, nothing opened.
pub fn settings(file: Option<&Path>, lang: Lang) -> Result<Config, Failure> {
    Config::load(file, Config::process_env()).map_err(|e| Failure::input(vec![e.message(lang)]))
}

/// `--data`, else `[server] data`, else `tournee-server` in the platform
/// data directory.
pub fn data_dir(flag: Option<PathBuf>, config: &Config) -> PathBuf {
    flag.or_else(|| config.server.data.clone())
        .or_else(|| dirs::data_dir().map(|d| d.join("tournee-server")))
        .unwrap_or_else(|| PathBuf::from("tournee-server"))
}

/// A path as one shell word, so the printed command can be pasted as is.
fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+:,=@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

pub(super) fn init_tracing() {
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
    let mut config = settings(args.config.as_deref(), lang)?;
    let dir = data_dir(args.data, &config);
    config.server.data = Some(dir.clone());
    if let Some(listen) = args.listen {
        config.server.listen = listen;
    }
    if args.print_config {
        print!("{}", config.to_toml());
        return Ok(());
    }
    init_tracing();
    if let Some(url) = &args.database {
        return super::serve_host::run(url, args.domain.as_deref(), &config, lang);
    }
    let server = Server::open_with(&dir, &config).map_err(|e| Failure::server(e, lang))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::system(tr(lang, Msg::ServerStorage, &[("value", &e)])))?;
    let has_supervisor = runtime
        .block_on(server.admin().list_supervisors())
        .map_err(|e| Failure::server(e, lang))?
        .iter()
        .any(|s| !s.disabled());
    runtime.block_on(async {
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
        let keys = server.keys();
        println!("{}", tr(lang, Msg::ServeListening, &[("value", &address)]));
        match server::http::web_app::not_built() {
            None => println!("{}", tr(lang, Msg::ServeWebApp, &[("value", &address)])),
            Some(why) => eprintln!("{}", tr(lang, Msg::ServeNoWebApp, &[("value", &why)])),
        }
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
        if !has_supervisor {
            println!("{}", Msg::FirstSupervisor.text(lang));
            let path = shell_word(&dir);
            println!(
                "{}",
                tr(lang, Msg::FirstSupervisorCommand, &[("path", &path)])
            );
        }
        if config.retention.daily_purge {
            // At start, then daily: the documented rule is applied without
            // anyone having to remember it.
            tokio::spawn(server.clone().purge_daily());
        }
        let site = crate::dashboard::site(server.clone(), &config);
        let limits = server::http::ConnectionLimits::from(&config.limits);
        server::http::serve_router_with(listener, site, limits, shutdown)
            .await
            .map_err(cannot_listen)?;
        // Batches receipted just before the stop are counted before it
        // (they would be at the next start anyway: they are on disk).
        server
            .settled()
            .await
            .map_err(|e| Failure::server(e, lang))?;
        println!("{}", Msg::ServeStopped.text(lang));
        Ok(())
    })
}

/// Ctrl-C, or SIGTERM from a service manager. On Unix the handlers are
/// installed here, before the address is printed, so a script that reads
/// the address and then interrupts the server always gets a clean stop.
#[cfg(unix)]
pub(super) fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
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
pub(super) fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    Ok(async {
        // A handler that cannot be installed must not stop the server at once.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_with_spaces_or_quotes_is_quoted_for_the_shell() {
        assert_eq!(
            shell_word(Path::new("/var/lib/tournee")),
            "/var/lib/tournee"
        );
        assert_eq!(
            shell_word(Path::new("/srv/mes données")),
            "'/srv/mes données'"
        );
        assert_eq!(
            shell_word(Path::new("/srv/l'organisme")),
            r"'/srv/l'\''organisme'"
        );
    }
}
