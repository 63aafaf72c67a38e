//! `tournee app`'s routes on a real port: the bare `/` redirects to the
//! app, the page carries the websocket glue and nothing from elsewhere,
//! and every socket is a view of its own, locked at first.

use tournee::app::{Phone, liveview};

#[tokio::test]
async fn the_root_redirects_to_the_app_page_which_loads_nothing_from_the_network() {
    let home = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(liveview::serve(
        listener,
        Phone::new(home.path()),
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
        Phone::new(home.path()),
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

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A new socket, and the first render it gets, as text.
async fn first_render(addr: std::net::SocketAddr) -> (String, Socket) {
    use futures_util::StreamExt;
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/app/ws"))
        .await
        .unwrap();
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .expect("the first render arrives")
        .unwrap()
        .unwrap();
    let edits = String::from_utf8_lossy(&first.into_data()).into_owned();
    (edits, socket)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_socket_starts_at_the_pin_screen_while_another_view_of_the_phone_is_open() {
    let home = tempfile::tempdir().unwrap();
    let phone = Phone::new(home.path());
    // A worker's view, unlocked (what the first browser did).
    let worker = phone.session();
    worker.create("482193", "482193").await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(liveview::serve(listener, phone.clone(), async move {
        let _ = stopped.await;
    }));

    let (edits, socket) = first_render(addr).await;
    assert!(
        edits.contains("Tourn\u{e9}e est verrouill\u{e9}"),
        "{edits}"
    );
    assert!(!edits.contains("Nouveau contact"), "{edits}");
    assert!(
        !edits.contains("Verrouiller"),
        "no lock button: nothing open"
    );
    worker.refresh().await;
    assert!(worker.is_unlocked(), "the worker's view is untouched");
    assert_eq!(worker.stats().await.unlocked_views, 1);

    // Closing the socket locks nothing of the worker's.
    drop(socket);
    let (again, _socket) = first_render(addr).await;
    assert!(
        again.contains("Tourn\u{e9}e est verrouill\u{e9}"),
        "{again}"
    );
    worker.refresh().await;
    assert!(worker.is_unlocked());
    assert!(worker.status().is_ok());

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
