//! `http` (seeds S1, S4, S8): each task GETs one item from an HTTP server and verifies it.
//!
//! Task i requests `{url}/item/i` — by default from poolbench's own mock server, which
//! `poolbench run` starts as a separate process — and checks the body byte for byte against
//! [`poolbench_core::item_body`]. The server's latency, body size and injected faults travel
//! as query parameters (`latency`, `size`, `fail`, `reset`, `stall`, `seed`), so one server
//! serves every cell. With a `{i}` in `url` (e.g. `http://nginx.local/files/{i}.txt`) the URL is
//! used as given, without query parameters; set `verify=false` for servers that do not speak
//! the item contract (checksums are still compared between models).
//!
//! With `save=true` (seed S8: "download files, then write them to disk") each task also writes
//! the body to a file of its own in a folder the workload removes when it is dropped.
//!
//! The checksum is one Python computes alike: the body's CRC-32 (IEEE) and its length.
//!
//! The blocking form uses `ureq`, with one connection pool per process shared by its threads
//! (keep-alive: a fresh connection per request would dominate the cost) and the host looked up
//! once, not per request (see [`agent`] for why that matters); the async form uses hyper's
//! client, one per tokio worker thread. Every request has a timeout: an error status, a
//! dropped connection or a timeout is that task's error, never a hang.

mod agent;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use poolbench_core::{
    io_bound_ideal, item_body, mix, BoxFuture, IdealInput, TaskError, TaskOutput, TaskResult,
    WorkKind, Workload, WorkloadError, WorkloadSpec,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use self::agent::SharedAgent;
use crate::{defaults_of, BuildContext, Footprint, WorkloadInfo};

pub(crate) const INFO: WorkloadInfo = WorkloadInfo {
    name: "http",
    kind: WorkKind::Io,
    role: poolbench_core::WorkloadRole::Measured,
    needs_server: true,
    only_in: None,
    origin: crate::WorkloadOrigin::BuiltIn,
    summary: "GET /item/i from the mock server (or any url) and verify the body; save=true writes it to a file (S1, S8)",
    default_tasks: 16,
    default_params: &defaults_of::<HttpParams>,
    // Before a run, the url may still be unset: `poolbench run` fills in its mock server's.
    check: &|spec| {
        let params: HttpParams = spec.parse_params()?;
        checked(spec, &params, false).map(|_| Footprint::default())
    },
    build: &build,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct HttpParams {
    /// Base URL (`http://HOST:PORT`); `poolbench run` fills it in with its mock server's.
    url: String,
    /// Server-side latency per request: `MS`, `uniform:LOW:HIGH` or `exp:MEAN`.
    #[serde(deserialize_with = "number_or_text")]
    latency: String,
    /// Body size in bytes.
    size: usize,
    /// Fractions of requests the mock server answers 500, resets, or stalls.
    fail: f64,
    reset: f64,
    stall: f64,
    /// Seed of the server's per-item choices.
    seed: u64,
    /// Per-request timeout, milliseconds.
    timeout_ms: f64,
    /// Check each body against the item contract.
    verify: bool,
    /// Write each body to a file (S8: download, then write to disk).
    save: bool,
}

impl Default for HttpParams {
    fn default() -> Self {
        Self {
            url: String::new(),
            latency: "0".into(),
            size: 256,
            fail: 0.0,
            reset: 0.0,
            stall: 0.0,
            seed: 0,
            timeout_ms: 5000.0,
            verify: true,
            save: false,
        }
    }
}

/// Accepts `5` as well as `"5"` or `"uniform:5:15"` (what `--set http.latency=5` gives).
fn number_or_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumberOrText {
        Number(f64),
        Text(String),
    }
    Ok(match NumberOrText::deserialize(deserializer)? {
        NumberOrText::Number(n) => n.to_string(),
        NumberOrText::Text(t) => t,
    })
}

thread_local! {
    /// One hyper client (connection pool) per tokio worker thread.
    static CLIENT: Client<HttpConnector, Empty<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
}

#[derive(Debug)]
struct Http {
    spec: WorkloadSpec,
    params: HttpParams,
    timeout: Duration,
    /// The blocking client.
    agent: SharedAgent,
    /// Everything of the URL but the item index: `prefix + i + suffix`.
    prefix: String,
    suffix: String,
    /// The server's fixed latency, when it has one (for the ideal time).
    fixed_latency: Option<Duration>,
    /// Where bodies are written with `save=true` (removed when the workload is dropped).
    saved: Option<tempfile::TempDir>,
}

/// The value an http task's checksum mixes with its index, computed alike in every language:
/// the body's CRC-32 (IEEE) and, above it, its length.
pub fn body_value(body: &[u8]) -> u64 {
    u64::from(crc32fast::hash(body)) | ((body.len() as u64) << 32)
}

fn build(spec: &WorkloadSpec, ctx: &BuildContext) -> Result<Arc<dyn Workload>, WorkloadError> {
    let params: HttpParams = spec.parse_params()?;
    let saved = if params.save {
        let prepare = |message: String| WorkloadError::Prepare {
            workload: spec.name.clone(),
            message,
        };
        std::fs::create_dir_all(&ctx.cache_dir).map_err(|e| prepare(e.to_string()))?;
        let dir = tempfile::Builder::new()
            .prefix("downloads-")
            .tempdir_in(&ctx.cache_dir)
            .map_err(|e| prepare(format!("cannot create a download folder: {e}")))?;
        Some(dir)
    } else {
        None
    };
    let (url, timeout) = checked(spec, &params, true)?;
    let (prefix, suffix) = url_parts(&url, &params);
    let fixed_latency = params
        .latency
        .strip_prefix("fixed:")
        .unwrap_or(&params.latency)
        .parse::<f64>()
        .ok()
        .and_then(|ms| Duration::try_from_secs_f64(ms / 1e3).ok());
    Ok(Arc::new(Http {
        spec: spec.normalised(&params),
        params,
        timeout,
        agent: SharedAgent::new(timeout),
        prefix,
        suffix,
        fixed_latency,
        saved,
    }))
}

/// The parameters checked: the base URL (without a trailing `/`) and the request timeout. An
/// empty url passes unless `need_url`.
fn checked(
    spec: &WorkloadSpec,
    params: &HttpParams,
    need_url: bool,
) -> Result<(String, Duration), WorkloadError> {
    let bad = |message: String| WorkloadError::BadParams {
        workload: spec.name.clone(),
        message,
    };
    let mut url = String::new();
    if need_url || !params.url.is_empty() {
        url = base_url(&params.url).map_err(bad)?;
    }
    let timeout = Duration::try_from_secs_f64(params.timeout_ms / 1e3)
        .ok()
        .filter(|t| !t.is_zero())
        .ok_or_else(|| {
            bad(format!(
                "timeout_ms must be positive (got {})",
                params.timeout_ms
            ))
        })?;
    for (name, rate) in [
        ("fail", params.fail),
        ("reset", params.reset),
        ("stall", params.stall),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(bad(format!(
                "{name} must be a fraction between 0 and 1 (got {rate})"
            )));
        }
    }
    Ok((url, timeout))
}

/// `url` checked: `http://HOST:PORT[/path]`, without a trailing `/`.
fn base_url(url: &str) -> Result<String, String> {
    if url.is_empty() {
        return Err("needs url=http://HOST:PORT (poolbench run sets it to its mock server)".into());
    }
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("url '{url}' must start with http:// (https is not supported)"))?;
    let url = format!("http://{}", rest.trim_end_matches('/'));
    let authority = rest.split('/').next().unwrap_or("");
    if authority.is_empty() || authority.parse::<hyper::Uri>().is_err() {
        return Err(format!("url '{url}' has no valid HOST:PORT"));
    }
    Ok(url)
}

/// The URL of item i is `prefix + i + suffix`: `{url}/item/{i}?{mock parameters}`, or the
/// user's template with `{i}` replaced.
fn url_parts(url: &str, params: &HttpParams) -> (String, String) {
    match url.split_once("{i}") {
        Some((before, after)) => (before.to_owned(), after.to_owned()),
        None => (
            format!("{url}/item/"),
            format!(
                "?latency={}&size={}&fail={}&reset={}&stall={}&seed={}",
                params.latency, params.size, params.fail, params.reset, params.stall, params.seed
            ),
        ),
    }
}

impl Http {
    fn url(&self, index: usize) -> String {
        format!("{}{index}{}", self.prefix, self.suffix)
    }

    /// Turns a status and body into the task's result.
    fn check(&self, index: usize, status: u16, body: &[u8]) -> TaskResult {
        if status != 200 {
            return Err(TaskError::failed(format!(
                "GET {} answered HTTP {status}",
                self.url(index)
            )));
        }
        if self.params.verify && body != item_body(index as u64, self.params.size).as_slice() {
            return Err(TaskError::failed(format!(
                "GET {}: body of {} bytes does not match item {index}",
                self.url(index),
                body.len()
            )));
        }
        if let Some(path) = self.saved_path(index) {
            std::fs::write(&path, body)
                .map_err(|e| TaskError::failed(format!("writing {}: {e}", path.display())))?;
        }
        Ok(TaskOutput {
            checksum: mix(index, body_value(body)),
        })
    }

    /// Where task `index` writes its body, with `save=true`.
    fn saved_path(&self, index: usize) -> Option<PathBuf> {
        self.saved
            .as_ref()
            .map(|dir| dir.path().join(format!("{index:05}.body")))
    }

    fn timed_out(&self) -> TaskError {
        TaskError::TimedOut {
            seconds: self.timeout.as_secs_f64(),
        }
    }
}

impl Workload for Http {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn kind(&self) -> WorkKind {
        WorkKind::Io
    }

    fn param_units(&self) -> &'static [(&'static str, &'static str)] {
        // `5`, `uniform:5:15` and `exp:5` are all milliseconds of server latency.
        &[("latency", "ms"), ("size", "bytes")]
    }

    fn foreign_form(&self) -> Option<serde_json::Value> {
        Some(json!({
            "prefix": self.prefix,
            "suffix": self.suffix,
            "timeout_s": self.timeout.as_secs_f64(),
            "size": self.params.size,
            "save_dir": self.saved.as_ref().map(|d| d.path()),
        }))
    }

    fn run_blocking(&self, index: usize) -> TaskResult {
        let url = self.url(index);
        let response = self.agent.get().get(&url).call();
        let mut response = response.map_err(|e| match e {
            ureq::Error::Timeout(_) => self.timed_out(),
            e => TaskError::failed(format!("GET {url}: {e}")),
        })?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(self.params.size as u64 + (1 << 20))
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::Timeout(_) => self.timed_out(),
                e => TaskError::failed(format!("GET {url}: reading the body: {e}")),
            })?;
        self.check(index, status, &body)
    }

    fn has_async_form(&self) -> bool {
        true
    }

    fn run_async(&self, index: usize) -> Option<BoxFuture<'_, TaskResult>> {
        Some(Box::pin(async move {
            let url = self.url(index);
            let uri: hyper::Uri = url
                .parse()
                .map_err(|e| TaskError::failed(format!("bad url {url}: {e}")))?;
            let client = CLIENT.with(Clone::clone);
            let exchange = async {
                let response = client
                    .get(uri)
                    .await
                    .map_err(|e| format!("GET {url}: {e}"))?;
                let status = response.status().as_u16();
                let body = response
                    .into_body()
                    .collect()
                    .await
                    .map_err(|e| format!("GET {url}: reading the body: {e}"))?
                    .to_bytes();
                Ok::<_, String>((status, body))
            };
            match tokio::time::timeout(self.timeout, exchange).await {
                Err(_) => Err(self.timed_out()),
                Ok(Err(message)) => Err(TaskError::failed(message)),
                Ok(Ok((status, body))) => self.check(index, status, &body),
            }
        }))
    }

    /// ⌈N/W⌉ rounds of one request's time: the sequential run's time per request when known
    /// (it includes the server's timer overshoot and the loopback round trip, which no
    /// scheduler can remove), else the server's nominal fixed latency.
    fn ideal(&self, input: IdealInput) -> Option<Duration> {
        let tasks = self.tasks().max(1);
        let per_request = match input.serial {
            Some(serial) => serial.div_f64(tasks as f64),
            None => self.fixed_latency?,
        };
        Some(io_bound_ideal(tasks, input.workers, per_request))
    }
}

#[cfg(test)]
mod tests;
