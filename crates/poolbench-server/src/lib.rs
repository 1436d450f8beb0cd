//! poolbench's mock HTTP server: a real HTTP/1.1 server on loopback whose behaviour is set,
//! so the HTTP workload measures the client-side concurrency models and nothing else.
//!
//! - `GET /item/{i}` answers [`poolbench_core::item_body`]`(i, size)` after a latency, or fails
//!   as configured: a 500, a connection closed without a response, or a response that never
//!   comes (a stall). Query parameters override the flags per request: `latency=uniform:5:15`,
//!   `size=1024`, `fail=0.2`, `reset=0.1`, `stall=0.05`, `seed=7`. Every choice is a function
//!   of (seed, i), so every client, model and run meets the same server.
//! - `GET /stats` returns the request counters as JSON; `GET /health` returns `ok`.
//!
//! It is built on hyper and tokio, keeps connections alive, binds 127.0.0.1 unless told
//! otherwise, cuts off clients that dribble their headers (slowloris) after
//! `header_timeout`, caps concurrent connections, and answers malformed requests with 400
//! (or closes them) while it goes on serving everyone else.

mod behaviour;
mod body;
mod server;
mod stats;

use std::net::SocketAddr;
use std::sync::Arc;

pub use behaviour::{Behaviour, Faults, Latency, Plan, MAX_BODY, MOST_LATENCY};
pub use server::{serve, ServerConfig};
pub use stats::{Stats, StatsSnapshot};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot start the server's runtime: {0}")]
    Runtime(std::io::Error),
}

/// A server running on its own runtime in this process (for tests and embedding); it stops
/// when dropped.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    stats: Arc<Stats>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl RunningServer {
    /// Binds `config.bind` and starts serving on `threads` runtime threads.
    pub fn start(config: ServerConfig, threads: usize) -> Result<Self, ServerError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name("mock-server")
            .enable_all()
            .build()
            .map_err(ServerError::Runtime)?;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(config.bind))
            .map_err(|source| ServerError::Bind {
                addr: config.bind,
                source,
            })?;
        let addr = listener.local_addr().map_err(ServerError::Runtime)?;
        let stats = Arc::new(Stats::default());
        runtime.spawn(serve(listener, Arc::new(config), Arc::clone(&stats)));
        Ok(Self {
            addr,
            stats,
            runtime: Some(runtime),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, the base URL clients use.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The request counters now.
    pub fn stats(&self) -> StatsSnapshot {
        self.stats.snapshot()
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Runs the server in the foreground (what `poolbench serve` does): until Ctrl-C or SIGTERM
/// if `until_signal`, else until the process is ended from outside. The first line printed on
/// stdout is `listening on http://ADDR`, for a parent process to read. On the signal the
/// runtime is shut down without waiting for open connections (a stalled request would
/// otherwise hold it), so the server is gone at once.
pub fn serve_foreground(
    config: ServerConfig,
    threads: usize,
    until_signal: bool,
) -> Result<(), ServerError> {
    let server = RunningServer::start(config, threads)?;
    println!("listening on {}", server.url());
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let Some(runtime) = &server.runtime else {
        return Ok(());
    };
    if !until_signal {
        runtime.block_on(std::future::pending::<()>());
    }
    {
        runtime.block_on(async {
            use tokio::signal::unix::{signal, SignalKind};
            match signal(SignalKind::terminate()) {
                Ok(mut term) => {
                    tokio::select! {
                        _ = tokio::signal::ctrl_c() => {}
                        _ = term.recv() => {}
                    }
                }
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        });
    }
    Ok(())
}
