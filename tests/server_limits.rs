//! The server's connection limits through the real HTTP stack: clients
//! that send their headers one byte a second are closed while `/healthz`
//! keeps answering, a connection over the budget gets a plain `503`, and
//! the real `tournee serve` under a 1,024 file-descriptor limit holds
//! 1,100 such clients without running out (and stops cleanly after).

#![cfg(unix)]

mod binary;

use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tournee::server::http::ConnectionLimits;

/// Whether a slow client was closed by the server (rather than given up on).
type Closed = mpsc::UnboundedSender<bool>;

/// A client that sends a request's headers one byte a second, until the
/// server closes the connection (or a minute passes).
async fn slow_client(address: SocketAddr, closed: Closed) {
    let Ok(mut stream) = TcpStream::connect(address).await else {
        let _ = closed.send(true);
        return;
    };
    let request = b"GET /healthz HTTP/1.1\r\nHost: slow.example\r\nAccept: */*\r\n\r\n";
    let mut sent = 0;
    let mut buffer = [0u8; 1024];
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    for _ in 0..60 {
        tokio::select! {
            read = stream.read(&mut buffer) => match read {
                // A 503 may come first; the close follows it.
                Ok(n) if n > 0 => continue,
                _ => {
                    let _ = closed.send(true);
                    return;
                }
            },
            _ = tick.tick() => {
                if sent < request.len() && stream.write_all(&request[sent..=sent]).await.is_err() {
                    let _ = closed.send(true);
                    return;
                }
                sent += 1;
            }
        }
    }
    let _ = closed.send(false);
}

/// `GET /healthz` on a new connection: the status line's code.
async fn health(address: SocketAddr) -> u16 {
    let ask = async {
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        let text = String::from_utf8_lossy(&answer).into_owned();
        text.split(' ').nth(1).unwrap_or("").parse().unwrap_or(0)
    };
    tokio::time::timeout(Duration::from_secs(20), ask)
        .await
        .expect("/healthz answers")
}

/// Waits for `count` slow clients to end; returns how many the server closed.
async fn closed_by_server(mut ended: mpsc::UnboundedReceiver<bool>, count: usize) -> usize {
    let mut closed = 0;
    for _ in 0..count {
        let by_server = tokio::time::timeout(Duration::from_secs(90), ended.recv())
            .await
            .expect("every slow client ends")
            .unwrap();
        closed += usize::from(by_server);
    }
    closed
}

/// The whole site, as `tournee serve` runs it, with these limits.
async fn spawn_site(limits: ConnectionLimits) -> (tempfile::TempDir, SocketAddr) {
    let data = tempfile::tempdir().unwrap();
    let server = tournee::server::Server::open(data.path()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let site = tournee::dashboard::site(server, &Default::default());
    tokio::spawn(tournee::server::http::serve_router_with(
        listener,
        site,
        limits,
        std::future::pending(),
    ));
    (data, address)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_sending_headers_a_byte_a_second_are_closed_and_healthz_answers_meanwhile() {
    let limits = ConnectionLimits {
        header_timeout: Duration::from_secs(2),
        ..ConnectionLimits::default()
    };
    let (_data, address) = spawn_site(limits).await;
    let (closed, ended) = mpsc::unbounded_channel();
    for _ in 0..200 {
        tokio::spawn(slow_client(address, closed.clone()));
    }
    for _ in 0..3 {
        assert_eq!(health(address).await, 200);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // Far fewer than the 512 connections allowed: the header timeout, not
    // the budget, closes them.
    assert_eq!(closed_by_server(ended, 200).await, 200);
    assert_eq!(health(address).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_connection_is_answering_a_request_a_new_one_gets_a_plain_503() {
    let limits = ConnectionLimits {
        max_connections: 2,
        ..ConnectionLimits::default()
    };
    let (_data, address) = spawn_site(limits).await;
    // Two uploads in flight: the server has asked for their bodies.
    let mut uploads = Vec::new();
    for _ in 0..2 {
        let mut upload = TcpStream::connect(address).await.unwrap();
        upload
            .write_all(
                b"POST /api/v1/batches HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\n\
                  Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n",
            )
            .await
            .unwrap();
        let mut answer = [0u8; 64];
        let n = upload.read(&mut answer).await.unwrap();
        let text = String::from_utf8_lossy(&answer[..n]).into_owned();
        assert!(text.starts_with("HTTP/1.1 100"), "{text}");
        uploads.push(upload);
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let base = format!("http://{address}");
    let page = client
        .get(format!("{base}/activity"))
        .header("accept-language", "en-CA")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 503);
    assert_eq!(page.headers()["retry-after"], "5");
    let text = page.text().await.unwrap();
    assert!(text.contains("too many open connections"), "{text}");
    let api = client
        .get(format!("{base}/api/v1/catalog"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 503);
    let json: serde_json::Value = serde_json::from_str(&api.text().await.unwrap()).unwrap();
    assert_eq!(json["error"], "server_busy");

    // One upload gives up: its slot frees, and the server answers again.
    drop(uploads.pop());
    let mut status = 0;
    for _ in 0..100 {
        status = health(address).await;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_kept_alive_connection_closes_after_the_idle_timeout_and_huge_headers_are_refused() {
    let limits = ConnectionLimits {
        header_timeout: Duration::from_secs(60),
        idle_timeout: Duration::from_secs(1),
        ..ConnectionLimits::default()
    };
    let (_data, address) = spawn_site(limits).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 1024];
    let closed = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the idle connection was closed");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(
        text.ends_with("ok"),
        "answered before it was closed: {text}"
    );

    let mut stream = TcpStream::connect(address).await.unwrap();
    let huge = format!(
        "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Padding: {}\r\n\r\n",
        "a".repeat(100 * 1024)
    );
    // The server may stop reading before all is sent.
    let _ = stream.write_all(huge.as_bytes()).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 431"), "{text}");
}

/// This process's open-file limit raised to at least `needed` (the test
/// holds 1,100 client sockets).
fn allow_open_files(needed: u64) {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current.is_some_and(|n| n < needed) {
        let raised = limit
            .maximum
            .map_or(needed, |max| max.min(needed.max(4096)));
        setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(raised),
                maximum: limit.maximum,
            },
        )
        .unwrap();
    }
}

/// `tournee serve` under a limit of 1,024 open files (soft and hard), its
/// first `taken` descriptors above 2 already open (inherited from the
/// shell), so it runs out sooner than its budget expects: what the accept
/// loop must survive. Returns the child and its address.
#[cfg(target_os = "linux")]
fn serve_under_1024(data: &std::path::Path, taken: usize) -> (std::process::Child, SocketAddr) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let serve = binary::tournee(&[
        "serve",
        "--data",
        data.to_str().unwrap(),
        "--listen",
        "127.0.0.1:0",
    ]);
    // bash: dash cannot open descriptors above 9.
    let script = format!(
        "ulimit -n 1024 && for fd in $(seq 3 {}); do eval \"exec $fd</dev/null\"; done; exec \"$0\" \"$@\"",
        taken + 2
    );
    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg(script)
        .arg(serve.get_program())
        .args(serve.get_args());
    for (name, value) in serve.get_envs() {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    let mut child = command
        // More connections than 1,024 descriptors can hold: the budget decides.
        .env("TOURNEE__LIMITS__MAX_CONNECTIONS", "5000")
        .env("TOURNEE__LIMITS__HEADER_TIMEOUT_SECS", "3")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let address: SocketAddr = first
        .trim()
        .rsplit("http://")
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("an address in {first:?}"));
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    let open_files = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    assert!(open_files.contains(" 1024 "), "{open_files}");
    // The rest of what it prints stays in the pipe until the end.
    std::mem::forget(out);
    (child, address)
}

/// 1,100 slow clients against `address`: `/healthz` answers meanwhile and
/// every slow client is closed.
async fn flood_of_slow_clients(address: SocketAddr) {
    let (closed, ended) = mpsc::unbounded_channel();
    for _ in 0..1_100 {
        tokio::spawn(slow_client(address, closed.clone()));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for _ in 0..3 {
        assert_eq!(health(address).await, 200);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(closed_by_server(ended, 1_100).await, 1_100);
    assert_eq!(health(address).await, 200);
}

/// Stops `child` with SIGINT; returns what it logged, once it has exited 0.
#[cfg(target_os = "linux")]
fn stop(child: std::process::Child) -> String {
    let stopped = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let output = child.wait_with_output().unwrap();
    let errors = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{errors}");
    assert!(!errors.contains("panicked"), "{errors}");
    errors
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_a_1024_file_limit_1100_slow_clients_leave_healthz_answering_and_are_closed() {
    allow_open_files(8192);
    let data = tempfile::tempdir().unwrap();
    let (child, address) = serve_under_1024(data.path(), 0);
    flood_of_slow_clients(address).await;
    let errors = stop(child);
    // The budget, not the kernel, said no.
    assert!(errors.contains("allows fewer connections"), "{errors}");
    assert!(!errors.contains("Too many open files"), "{errors}");
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_runs_out_of_file_descriptors_pauses_and_keeps_answering() {
    allow_open_files(8192);
    let data = tempfile::tempdir().unwrap();
    // 300 descriptors the budget does not know about.
    let (child, address) = serve_under_1024(data.path(), 300);
    flood_of_slow_clients(address).await;
    let errors = stop(child);
    assert!(errors.contains("Too many open files"), "{errors}");
    assert!(
        errors.contains("cannot accept connections; pausing"),
        "{errors}"
    );
}
