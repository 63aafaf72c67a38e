//! `tournee app`: serves the worker app over liveview for a browser, on a
//! device home directory (the same one `tournee device` uses). A build
//! with the `desktop` feature opens it in a window unless `--listen` asks
//! for a browser.

use super::{Failure, Outcome};
use crate::app::{Phone, liveview};
use crate::device::prefs::Prefs;
use crate::domain::i18n::{Lang, Msg, tr};
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Args)]
pub struct AppArgs {
    /// The phone's home directory [default: the platform data directory].
    #[arg(long, env = "TOURNEE_HOME")]
    home: Option<PathBuf>,
    /// Address and port to serve the app on; open http://ADDR/app.
    /// [default: 127.0.0.1:8090; a desktop build opens a window instead]
    #[arg(long)]
    listen: Option<SocketAddr>,
}

/// Where the browser version listens when `--listen` is not given:
/// loopback only, since the app holds the unlocked store.
const DEFAULT_LISTEN: ([u8; 4], u16) = ([127, 0, 0, 1], 8090);

pub fn run(args: AppArgs, lang: Lang) -> Outcome {
    let home = args
        .home
        .or_else(|| dirs::data_dir().map(|d| d.join("tournee")))
        .unwrap_or_else(|| PathBuf::from(".tournee"));
    // The language picked in Settings wins over the command's default.
    if !Prefs::exists_in(&home) {
        // Not being able to write it is no reason to refuse to start.
        let _ = Prefs {
            lang,
            ..Prefs::default()
        }
        .save(&home);
    }
    let phone =
        Phone::start(&home, Default::default()).map_err(|e| Failure::system(e.to_string()))?;
    #[cfg(feature = "desktop")]
    if args.listen.is_none() {
        crate::app::native::launch(phone);
        return Ok(());
    }
    let listen = args
        .listen
        .unwrap_or_else(|| SocketAddr::from(DEFAULT_LISTEN));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::system(e.to_string()))?;
    runtime.block_on(async move {
        let cannot = |e: std::io::Error| {
            Failure::system(tr(
                lang,
                Msg::ServeCannotListen,
                &[("addr", &listen), ("value", &e)],
            ))
        };
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(cannot)?;
        let bound = listener.local_addr().map_err(cannot)?;
        println!("{}", tr(lang, Msg::AppListening, &[("value", &bound)]));
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        liveview::serve(listener, phone, shutdown)
            .await
            .map_err(|e| Failure::system(e.to_string()))
    })
}
