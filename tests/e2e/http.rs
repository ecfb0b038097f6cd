//! A blocking HTTP/1.1 client for the console's tests and bench, on the
//! hyper client the browser tests' WebDriver session already uses, so the
//! tests carry one HTTP client: redirects are not followed, cookies are
//! set by hand, every status is an answer.

use http_body_util::BodyExt;
use hyper::Request;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// A client with a runtime of its own.
pub struct Http {
    runtime: tokio::runtime::Runtime,
    client: Client<HttpConnector, String>,
}

/// An answer: its status, every header (names in lower case), its body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Http {
    pub fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the client");
        // The console closes a kept-alive connection after 10 s without a
        // request; the connection's task runs only while a request is under
        // way here, so the pool gives up a connection well before then
        // rather than send into one the server has closed.
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(std::time::Duration::from_secs(5))
            .build_http();
        Self { runtime, client }
    }

    /// `GET url`, with the cookie if given.
    pub fn get(&self, url: &str, cookie: Option<&str>) -> Result<Answer, String> {
        self.send(self.request("GET", url, cookie), String::new())
    }

    /// `POST url` with `form` URL-encoded, with the cookie if given.
    pub fn post_form(
        &self,
        url: &str,
        cookie: Option<&str>,
        form: &[(&str, &str)],
    ) -> Result<Answer, String> {
        let body = serde_urlencoded::to_string(form).map_err(|e| e.to_string())?;
        let request = self
            .request("POST", url, cookie)
            .header("content-type", "application/x-www-form-urlencoded");
        self.send(request, body)
    }

    fn request(
        &self,
        method: &str,
        url: &str,
        cookie: Option<&str>,
    ) -> hyper::http::request::Builder {
        let request = Request::builder().method(method).uri(url);
        match cookie {
            Some(c) => request.header("cookie", c),
            None => request,
        }
    }

    fn send(&self, request: hyper::http::request::Builder, body: String) -> Result<Answer, String> {
        let request = request.body(body).map_err(|e| e.to_string())?;
        self.runtime.block_on(async {
            let response = self.client.request(request).await.map_err(|e| {
                // The cause says what happened to the connection.
                let mut why = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    why = format!("{why}: {s}");
                    source = s.source();
                }
                why
            })?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_ascii_lowercase(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| e.to_string())?
                .to_bytes();
            Ok(Answer {
                status,
                headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            })
        })
    }
}
