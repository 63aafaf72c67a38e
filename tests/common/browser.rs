//! Headless Chromium for the browser tests (the worker app's and the
//! dashboard's): chromedriver in its own process group (killed with its
//! Chromium on drop), a desktop window or an emulated phone, screenshots
//! under `<target>/e2e-screenshots/`, and axe-core (installed from npm by
//! `.ci/run` into `.ci/node`) to check a page.

use fantoccini::{Client, ClientBuilder};
use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(20);

pub struct Browser {
    pub client: Client,
    child: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_BIN_EXE_tournee"))
                .parent()
                .and_then(Path::parent)
                .unwrap()
                .to_path_buf()
        });
    let dir = target.join("e2e-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl Browser {
    /// A headless Chromium with a desktop window of `width` x `height`.
    pub async fn start(width: u32, height: u32) -> Browser {
        Browser::launch(width, height, false, &[]).await
    }

    /// A headless Chromium emulating a phone's `width` x `height`
    /// viewport (headless windows are never under 500 px).
    pub async fn phone(width: u32, height: u32) -> Browser {
        Browser::launch(width, height, true, &[]).await
    }

    /// A phone whose camera films `video` (a Y4M file) over and over, and
    /// that allows the page to use it without asking.
    pub async fn phone_with_camera(width: u32, height: u32, video: &Path) -> Browser {
        let flags = [
            "--use-fake-ui-for-media-stream".to_string(),
            "--use-fake-device-for-media-stream".to_string(),
            format!("--use-file-for-fake-video-capture={}", video.display()),
        ];
        Browser::launch(width, height, true, &flags).await
    }

    /// A phone whose browser resolves `host` to 127.0.0.1: a page from
    /// `http://host:port` is then an insecure context (no service worker,
    /// no private file system, no Web Locks), as on a server without TLS.
    pub async fn phone_resolving(width: u32, height: u32, host: &str) -> Browser {
        let flags = [format!("--host-resolver-rules=MAP {host} 127.0.0.1")];
        Browser::launch(width, height, true, &flags).await
    }

    async fn launch(width: u32, height: u32, phone: bool, flags: &[String]) -> Browser {
        use std::os::unix::process::CommandExt;
        let _ = rustls::crypto::ring::default_provider().install_default();
        let chrome = std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into());
        assert!(
            Path::new(&chrome).exists(),
            "{chrome} is missing; browser tests need chromium and chromium-driver"
        );
        let driver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = StdListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {driver}: {e}"));
        let profile = tempfile::tempdir().unwrap();
        let mut options = serde_json::json!({
                "binary": chrome,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
        });
        let args = options["args"].as_array_mut().expect("a list");
        args.extend(flags.iter().map(|flag| flag.as_str().into()));
        if phone {
            options["mobileEmulation"] = serde_json::json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0 },
            });
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            match ClientBuilder::rustls()
                .expect("a TLS connector")
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(e) if started.elapsed() > PATIENCE => panic!("no browser from {url}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Browser {
            client,
            child,
            _profile: profile,
        }
    }

    /// The profile folder (`--user-data-dir`), removed on drop.
    pub fn profile(&self) -> &Path {
        self._profile.path()
    }

    pub async fn shot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
    }

    /// Runs axe-core on the page and returns its serious and critical
    /// violations as "rule: help (n nodes: selectors)".
    /// Signs in to the dashboard at `url` through its form.
    pub async fn sign_in(&self, url: &str, name: &str, password: &str) {
        let web = &self.client;
        web.goto(&format!("{url}/signin")).await.unwrap();
        for (field, text) in [("name", name), ("password", password)] {
            let input = web.find(fantoccini::Locator::Id(field)).await.unwrap();
            input.send_keys(text).await.unwrap();
        }
        web.find(fantoccini::Locator::Css("form.signin button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    pub async fn axe_serious(&self) -> Vec<String> {
        let source = std::fs::read_to_string(axe_path()).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; install it with `npm install --no-save --prefix .ci/node axe-core@4.14.1` (.ci/run does)",
                axe_path().display()
            )
        });
        self.client.execute(&source, vec![]).await.unwrap();
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                    .then(r => done(r.violations
                        .filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => v.id + ': ' + v.help + ' (' + v.nodes.length + ' nodes: '
                            + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ') + ')')))
                    .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(result).unwrap()
    }
}

/// A PDF's text, page by page, as `pdftotext -layout` reads it (Debian:
/// `poppler-utils`; `.ci/run` installs it).
pub fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("printed.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("cannot start pdftotext (poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split('\u{c}')
        .filter(|page| !page.trim().is_empty())
        .map(str::to_string)
        .collect()
}

pub fn axe_path() -> PathBuf {
    std::env::var_os("AXE_CORE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/node/node_modules/axe-core/axe.min.js")
        })
}
