//! `tournee app`'s routes on a real port: the bare `/` redirects to the
//! app, and the page carries the websocket glue and nothing from elsewhere.

use tournee::app::{Session, liveview};

#[tokio::test]
async fn the_root_redirects_to_the_app_page_which_loads_nothing_from_the_network() {
    let home = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(liveview::serve(
        listener,
        Session::new(home.path()),
        async move {
            let _ = stopped.await;
        },
    ));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let root = client.get(format!("http://{addr}/")).send().await.unwrap();
    assert!(root.status().is_redirection());
    assert_eq!(root.headers()["location"], "/app");

    let page = client
        .get(format!("http://{addr}/app"))
        .send()
        .await
        .unwrap();
    assert!(page.status().is_success());
    let html = page.text().await.unwrap();
    assert!(html.contains("/app/ws"));
    assert!(html.contains("width=device-width"));
    // Namespace URIs in the glue are names, not loads; no src or href may point out.
    for load in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!html.contains(load), "{load} in the page");
    }

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_socket_gets_the_first_run_screen_rendered_and_answers_pings() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    let home = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(liveview::serve(
        listener,
        Session::new(home.path()),
        async move {
            let _ = stopped.await;
        },
    ));
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/app/ws"))
        .await
        .unwrap();
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .expect("the first render arrives")
        .unwrap()
        .unwrap();
    let edits = String::from_utf8_lossy(&first.into_data()).into_owned();
    assert!(edits.contains("Bienvenue dans Tourn"), "{edits}");

    socket.send(Message::text("__ping__")).await.unwrap();
    let pong = loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
            .await
            .expect("a pong arrives")
            .unwrap()
            .unwrap();
        let text = String::from_utf8_lossy(&message.into_data()).into_owned();
        if text.contains("__pong__") {
            break text;
        }
    };
    assert!(pong.contains("__pong__"));

    drop(socket);
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
