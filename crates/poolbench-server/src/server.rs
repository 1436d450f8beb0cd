//! The HTTP/1.1 server: an accept loop on tokio, one hyper connection task per client.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::behaviour::{Behaviour, Plan};
use crate::body::{self, AnyBody};
use crate::stats::{Event, Stats};

/// How the server is set up.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where to listen; loopback by default, port 0 = any free port.
    pub bind: SocketAddr,
    /// Latency, body size and faults of item responses.
    pub behaviour: Behaviour,
    /// How long a stalled request is left unanswered before a 504 ends it.
    pub stall_max: Duration,
    /// A client must finish sending its request headers within this time (slowloris guard).
    pub header_timeout: Duration,
    /// Connections served at once; further clients wait in the listen backlog.
    pub max_connections: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            behaviour: Behaviour::default(),
            stall_max: Duration::from_secs(60),
            header_timeout: Duration::from_secs(10),
            max_connections: 10_000,
        }
    }
}

/// Returned by the service to make hyper drop the connection without answering.
#[derive(Debug)]
pub(crate) struct ResetConnection;

impl std::fmt::Display for ResetConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("injected connection reset")
    }
}

impl std::error::Error for ResetConnection {}

/// Accepts connections on `listener` forever, serving each on its own task.
pub async fn serve(listener: TcpListener, config: Arc<ServerConfig>, stats: Arc<Stats>) {
    let slots = Arc::new(Semaphore::new(config.max_connections.max(1)));
    loop {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors and the like: back off briefly, keep serving.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        stats.count(Event::Connection);
        let _ = stream.set_nodelay(true);
        let (config, stats) = (Arc::clone(&config), Arc::clone(&stats));
        let header_timeout = config.header_timeout;
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let (config, stats) = (Arc::clone(&config), Arc::clone(&stats));
                async move { respond(request, &config, &stats).await }
            });
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(slot);
        });
    }
}

type Reply = Result<Response<AnyBody>, ResetConnection>;

/// Waits `latency`; zero returns at once (tokio would round even a zero sleep up to its
/// next 1 ms timer tick).
async fn wait(latency: Duration) {
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
}

fn text(status: StatusCode, body: impl Into<bytes::Bytes>) -> Reply {
    reply(status, body::whole(body))
}

fn reply(status: StatusCode, body: AnyBody) -> Reply {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    Ok(response)
}

async fn respond(request: Request<Incoming>, config: &ServerConfig, stats: &Stats) -> Reply {
    stats.count(Event::Request);
    if request.method() != Method::GET {
        stats.count(Event::BadRequest);
        return text(StatusCode::METHOD_NOT_ALLOWED, "only GET is served\n");
    }
    let path = request.uri().path();
    if path == "/health" {
        return text(StatusCode::OK, "ok\n");
    }
    if path == "/stats" {
        let json = serde_json::to_vec(&stats.snapshot()).unwrap_or_default();
        return text(StatusCode::OK, json);
    }
    let Some(index) = path.strip_prefix("/item/") else {
        stats.count(Event::NotFound);
        return text(
            StatusCode::NOT_FOUND,
            "not found: try /item/{i}, /stats or /health\n",
        );
    };
    let Ok(index) = index.parse::<u64>() else {
        stats.count(Event::BadRequest);
        return text(
            StatusCode::BAD_REQUEST,
            format!("bad item index '{index}'\n"),
        );
    };
    let behaviour = match config.behaviour.with_query(request.uri().query()) {
        Ok(b) => b,
        Err(message) => {
            stats.count(Event::BadRequest);
            return text(StatusCode::BAD_REQUEST, format!("{message}\n"));
        }
    };
    match behaviour.plan(index) {
        Plan::Respond { latency } => {
            wait(latency).await;
            stats.count(Event::ItemOk);
            reply(StatusCode::OK, body::item(index, behaviour.body_size))
        }
        Plan::Fail { latency } => {
            wait(latency).await;
            stats.count(Event::ItemFailed);
            text(StatusCode::INTERNAL_SERVER_ERROR, "injected failure\n")
        }
        Plan::Reset { latency } => {
            wait(latency).await;
            stats.count(Event::Reset);
            Err(ResetConnection)
        }
        Plan::Stall => {
            stats.count(Event::Stall);
            tokio::time::sleep(config.stall_max).await;
            text(StatusCode::GATEWAY_TIMEOUT, "stall ended\n")
        }
    }
}
