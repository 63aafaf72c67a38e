//! `tournee demo`: Tournée working, in one command. A fresh demo
//! organization (default catalog, Outaouais zones) with a supervisor, a
//! fleet of phones that worked the last three months through the real
//! sync protocol ([`fleet`]), and the worker app as one more phone, all on
//! one port: the dashboard at `/`, the app at `/app`. Runs until Ctrl-C.
//! `/healthz` answers `503` until all of that is ready and the addresses
//! are printed, so a script can wait on it.

mod fleet;

use super::{Failure, Outcome};
use crate::app::{Phone, liveview};
use crate::device::{Client, Pin, Store, SyncOptions, enroll};
use crate::domain::i18n::Lang;
use crate::server::supervisors::{Password, SupervisorName};
use crate::server::{Config, Server};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

#[derive(Args)]
pub struct DemoArgs {
    /// Address and port for the dashboard and the worker app (port 0: a free one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// An empty folder to keep the demo's data in [default: a temporary folder, removed at the end].
    #[arg(long)]
    data: Option<PathBuf>,
    /// Seed of the made-up history (same seed, same story).
    #[arg(long, default_value_t = 2026)]
    seed: u64,
}

const ORG_NAME: &str = "Travail de rue Outaouais (démo)";
const SUPERVISOR: &str = "demo";
/// The worker app's PIN, printed for the person trying the demo: six
/// digits, as every new PIN needs.
const APP_PIN: &str = "246813";

pub fn run(args: DemoArgs, _lang: Lang) -> Outcome {
    let temporary;
    let root = match &args.data {
        Some(dir) => {
            let used = std::fs::read_dir(dir)
                .map(|mut d| d.next().is_some())
                .unwrap_or(false);
            if used {
                return Err(Failure::input(vec![format!(
                    "--data {}: ce dossier n'est pas vide; choisissez un dossier vide ou omettez --data / this folder is not empty; pick an empty folder or leave --data out",
                    dir.display()
                )]));
            }
            dir.clone()
        }
        None => {
            temporary = tempfile::Builder::new()
                .prefix("tournee-demo-")
                .tempdir()
                .map_err(|e| Failure::system(e.to_string()))?;
            temporary.path().to_path_buf()
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::system(e.to_string()))?;
    runtime.block_on(demo(args, root))
}

fn random_password() -> Result<String, crate::server::ServerError> {
    // 15 letters and digits from 57 without look-alikes: about 87 bits.
    let token = crate::server::console::sessions::random_token()?;
    Ok(token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() && !"0O1lI".contains(*c))
        .take(15)
        .collect())
}

/// `/healthz` says "starting" until `ready`.
async fn ready_gate(
    State(ready): State<Arc<AtomicBool>>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path() == "/healthz" && !ready.load(Ordering::Acquire) {
        let retry = [(header::RETRY_AFTER, "1")];
        return (StatusCode::SERVICE_UNAVAILABLE, retry, "starting\n").into_response();
    }
    next.run(request).await
}

async fn demo(args: DemoArgs, root: PathBuf) -> Outcome {
    let started = Instant::now();
    let sys = |e: String| Failure::system(e);
    let data = root.join("server");
    let mut config = Config::default();
    config.org.name = Some(ORG_NAME.into());
    let server = Server::open_with(&data, &config).map_err(|e| sys(e.to_string()))?;
    let admin = server.admin();
    let password = random_password().map_err(|e| sys(e.to_string()))?;
    admin
        .create_supervisor(
            &SupervisorName::parse(SUPERVISOR).expect("a valid name"),
            &Password::parse(&password).expect("a long enough password"),
        )
        .await
        .map_err(|e| sys(e.to_string()))?;

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| {
            Failure::system(format!(
                "{}: impossible d'écouter / cannot listen: {e}",
                args.listen
            ))
        })?;
    let address = listener.local_addr().map_err(|e| sys(e.to_string()))?;
    let url = format!("http://{address}");

    // The server answers while the fleet plays its history into it. The
    // worker app's phone exists from the start but finds its store only
    // once it is made and enrolled below (before the addresses are
    // printed). Every browser on /app gets a view of its own, locked.
    let app_home = root.join("app-phone");
    let phone = Phone::new(&app_home);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let ready = Arc::new(AtomicBool::new(false));
    // The offline web app at /app/ where this binary carries it, the live
    // app beside it at /live; without it, the live app at /app.
    let web_app = crate::server::http::web_app::not_built().is_none();
    let site = if web_app {
        crate::dashboard::site(server, &config)
            .merge(liveview::app_routes_at(phone.clone(), "/live"))
    } else {
        crate::dashboard::site_without_app(server, &config)
            .merge(liveview::app_routes(phone.clone()))
    };
    let site = site.layer(middleware::from_fn_with_state(ready.clone(), ready_gate));
    let serving = tokio::spawn(crate::server::http::serve_router(listener, site, async {
        let _ = stop_rx.await;
    }));

    let story = fleet::play(&url, &admin, &root.join("phones"), args.seed)
        .await
        .map_err(sys)?;

    let catalog = admin.catalog().await.map_err(|e| sys(e.to_string()))?;
    let pin = Pin::choose(APP_PIN).expect("a PIN that meets the rule");
    let mut store = Store::create(&app_home, &pin, &catalog).map_err(|e| sys(e.to_string()))?;
    let code = admin
        .create_enroll_code("Application (démo)", 1)
        .await
        .map_err(|e| sys(e.to_string()))?;
    let client = Client::new(&SyncOptions::default()).map_err(|e| sys(e.to_string()))?;
    enroll(&mut store, &client, &url, &code, "Application (démo)")
        .await
        .map_err(|e| sys(e.to_string()))?;
    drop(store);

    println!(
        "Tournée — démo / demo ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    println!(
        "  {} téléphones, {} contacts sur 3 mois, interventions en cas de surdose : {}, lots remis en main propre : {} / {} phones, {} contacts over 3 months, overdose responses: {}, batches hand-delivered: {}",
        story.phones,
        story.contacts,
        story.overdoses,
        story.hand_delivered_batches,
        story.phones,
        story.contacts,
        story.overdoses,
        story.hand_delivered_batches
    );
    println!(
        "  Tournées : {}, incidents de sécurité : {} / Shifts: {}, safety incidents: {}",
        story.shifts, story.incidents, story.shifts, story.incidents
    );
    println!("  Données / Data: {}", root.display());
    println!();
    println!("  Tableau de bord / Dashboard:   {url}/");
    println!("    Connexion / Sign-in:          {SUPERVISOR} / {password}");
    if web_app {
        // A code for the browser that opens the offline app: its own phone.
        let code = admin
            .create_enroll_code("Téléphone web (démo)", 1)
            .await
            .map_err(|e| sys(e.to_string()))?;
        println!("  Application hors ligne / Offline app:   {url}/app/");
        println!("    Code d'inscription / Enrollment code: {code}");
        println!("  Application en direct / Live app:   {url}/live");
    } else {
        println!("  Application de l'intervenant·e / Worker app:   {url}/app");
        if let Some(why) = crate::server::http::web_app::not_built() {
            println!(
                "    Application en direct : l'application hors ligne n'est pas compilée ici / Live app: the offline app is not built here ({why}; README, \"The web app\")"
            );
        }
    }
    println!("    NIP / PIN:                    {APP_PIN}");
    println!();
    println!("  Ctrl-C pour arrêter / to stop.");
    // Whoever waits on /healthz finds the addresses already printed.
    let _ = std::io::Write::flush(&mut std::io::stdout());
    ready.store(true, Ordering::Release);

    let _ = tokio::signal::ctrl_c().await;
    let _ = stop_tx.send(());
    serving
        .await
        .map_err(|e| sys(e.to_string()))?
        .map_err(|e| sys(e.to_string()))?;
    println!("Démo arrêtée / Demo stopped.");
    Ok(())
}
