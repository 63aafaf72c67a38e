//! How `tournee serve` hands out the offline web app at `/app/`: the
//! types a browser needs (wasm compiles while it downloads; a manifest
//! makes the app installable), cache lifetimes (the build's content-named
//! folder for good; the page, the service worker and the manifest checked
//! at every start), gzip for a phone on cellular data, a policy that
//! lets the page run only its own scripts, and nothing else under `/app/`.

use std::io::Read as _;
use std::net::SocketAddr;

async fn spawn_site() -> (tempfile::TempDir, SocketAddr) {
    let data = tempfile::tempdir().unwrap();
    let server = tournee::server::Server::open(data.path()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let site = tournee::dashboard::site(server, &Default::default());
    tokio::spawn(tournee::server::http::serve_router(
        listener,
        site,
        std::future::pending(),
    ));
    (data, address)
}

fn built_file(ending: &str) -> &'static str {
    tournee::server::http::web_app::files()
        .iter()
        .map(|(path, _)| *path)
        .find(|path| path.ends_with(ending))
        .unwrap_or_else(|| panic!("no {ending} in the build"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_app_is_served_with_its_types_cache_lifetimes_and_gzip() {
    if let Some(why) = tournee::server::http::web_app::not_built() {
        panic!("the offline web app is not in this build ({why}); README, \"The web app\"");
    }
    let (_data, address) = spawn_site().await;
    let base = format!("http://{address}");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = |path: String, gzip: bool| {
        let mut request = client.get(format!("{base}{path}"));
        if gzip {
            request = request.header("accept-encoding", "gzip");
        }
        request.send()
    };

    let bare = get("/app".into(), false).await.unwrap();
    assert_eq!(bare.status(), 308);
    assert_eq!(bare.headers()["location"], "/app/");

    let page = get("/app/".into(), false).await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(page.headers()["cache-control"], "no-cache");
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let html = page.text().await.unwrap();
    assert!(html.contains("rel=\"manifest\""), "{html}");
    assert!(!html.contains("<script>"), "no inline script: {html}");

    let worker = get("/app/sw.js".into(), false).await.unwrap();
    assert_eq!(worker.headers()["cache-control"], "no-cache");
    assert!(
        worker.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let script = worker.text().await.unwrap();
    assert!(
        script.contains("/api/"),
        "the service worker leaves /api/ alone"
    );
    assert!(!script.contains("{version}") && !script.contains("{files}"));

    let manifest = get("/app/manifest.webmanifest".into(), false)
        .await
        .unwrap();
    assert_eq!(
        manifest.headers()["content-type"],
        "application/manifest+json"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&manifest.bytes().await.unwrap()).unwrap();
    assert_eq!(manifest["start_url"], "/app/");
    assert_eq!(manifest["scope"], "/app/");
    assert_eq!(manifest["display"], "standalone");
    for icon in manifest["icons"].as_array().unwrap() {
        let src = icon["src"].as_str().unwrap();
        let answer = get(format!("/app/{src}"), false).await.unwrap();
        assert_eq!(answer.status(), 200, "{src}");
    }

    let wasm_path = built_file(".wasm");
    assert!(wasm_path.starts_with("b/"), "{wasm_path}");
    let wasm = get(format!("/app/{wasm_path}"), true).await.unwrap();
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(
        wasm.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(wasm.headers()["content-encoding"], "gzip");
    let zipped = wasm.bytes().await.unwrap();
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(&zipped[..])
        .read_to_end(&mut plain)
        .unwrap();
    let original = tournee::server::http::web_app::files()
        .iter()
        .find(|(path, _)| *path == wasm_path)
        .unwrap()
        .1;
    assert_eq!(plain, original, "gzip gives back the very file");
    assert!(
        zipped.len() < original.len() / 2,
        "{} of {}",
        zipped.len(),
        original.len()
    );

    let unknown = get("/app/b/nothing-here.js".into(), false).await.unwrap();
    assert_eq!(unknown.status(), 404);
    // The device API is not the app's: still JSON, still no-store.
    let api = get("/api/v1/nothing".into(), false).await.unwrap();
    assert_eq!(api.status(), 404);
    assert_eq!(api.headers()["cache-control"], "no-store");
}
