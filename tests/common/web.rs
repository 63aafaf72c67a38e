//! A small browser for the dashboard tests: real HTTP to the server on
//! loopback, cookies kept by hand (so tests can see and spoil them), no
//! redirects followed (so tests can assert where they lead).

use std::collections::BTreeMap;

pub struct Web {
    pub base: String,
    client: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
}

pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: String,
    pub cache_control: Option<String>,
    pub set_cookies: Vec<String>,
    /// Every header of the answer, for the tests that check them all.
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Web {
    pub fn new(base: &str) -> Web {
        Web {
            base: base.to_string(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn answer(&mut self, response: reqwest::Response) -> Answer {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let location = header("location");
        let content_type = header("content-type").unwrap_or_default();
        let cache_control = header("cache-control");
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect();
        for line in &set_cookies {
            let pair = line.split(';').next().unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                let expired = line.to_ascii_lowercase().contains("max-age=0");
                if expired || value.is_empty() {
                    self.cookies.remove(name.trim());
                } else {
                    self.cookies.insert(name.trim().into(), value.trim().into());
                }
            }
        }
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Answer {
            status,
            location,
            content_type,
            cache_control,
            set_cookies,
            headers,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.answer(response).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(form).unwrap())
            .send()
            .await
            .unwrap();
        self.answer(response).await
    }

    /// Signs in through the form, as a browser would; returns the answer
    /// to the POST (a redirect on success).
    pub async fn sign_in(&mut self, name: &str, password: &str) -> Answer {
        let form = self.get("/signin").await;
        let csrf = csrf_in(&form.body);
        self.post(
            "/signin",
            &[("name", name), ("password", password), ("csrf", &csrf)],
        )
        .await
    }

    /// The CSRF token of the first form on a page this browser loads.
    pub async fn csrf(&mut self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        csrf_in(&page.body)
    }
}

/// The value of the first `name="csrf"` field in a page.
pub fn csrf_in(html: &str) -> String {
    let at = html.find("name=\"csrf\"").expect("a csrf field");
    let rest = &html[at..];
    let start = rest.find("value=\"").expect("a csrf value") + 7;
    let end = rest[start..].find('"').unwrap();
    rest[start..start + end].to_string()
}

/// A supervisor account on `server`'s organization, for signing in.
pub async fn supervisor(server: &tournee::server::Server, name: &str, password: &str) {
    let name = tournee::server::supervisors::SupervisorName::parse(name).unwrap();
    let password = tournee::server::supervisors::Password::parse(password).unwrap();
    server
        .admin()
        .create_supervisor(&name, &password)
        .await
        .unwrap();
}

/// A page's path with ids folded, so one contact's detail stands for all
/// (the crawls of the accessibility and the security-header tests).
pub fn page_kind(path: &str) -> String {
    path.split('?')
        .next()
        .unwrap_or("")
        .split('/')
        .map(|part| {
            if part.len() >= 20 && part.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
                "{id}"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}
