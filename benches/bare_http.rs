//! HTTP clients used bare against a server that speaks the mock server's item contract: T
//! threads, each with its own keep-alive connection (pool), sharing N GETs of `/item/i`.
//!
//! - `raw`: HTTP/1.1 written and parsed by hand on a `TcpStream` — the floor for a blocking
//!   client;
//! - `ureq`: a `ureq::Agent` per thread with no timeout;
//! - `ureq-timeout-global`: the same with `timeout_global(5 s)`, which poolbench's `http`
//!   workload used to set. ureq then resolves the host on a new thread for every request.
//!
//! [`ThreadpoolUreq`] is the other shape a pool model has: one shared `ureq::Agent`, each GET a
//! `threadpool` job replying on a channel — the `threadpool` library's own dispatch cost in an
//! HTTP client, with no poolbench code.
//!
//! Each response must be a 200 with a body of the requested size. Connections are opened
//! before a batch is timed, as the models' are during their warm-up.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Body size every request asks for (the `http` workload's default).
pub const BODY_SIZE: usize = 256;

/// Which bare client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    Raw,
    Ureq,
    UreqTimeoutGlobal,
}

impl Client {
    pub const ALL: [Client; 3] = [Client::Raw, Client::Ureq, Client::UreqTimeoutGlobal];

    pub fn name(self) -> &'static str {
        match self {
            Client::Raw => "raw-keep-alive",
            Client::Ureq => "ureq",
            Client::UreqTimeoutGlobal => "ureq-timeout-global",
        }
    }
}

#[derive(Debug)]
enum Connection {
    Raw(RawConnection),
    Ureq(ureq::Agent),
}

/// A kept-alive connection that is opened again when the server has closed it (servers close
/// idle connections, as the mock server does after its header timeout).
#[derive(Debug)]
struct RawConnection {
    authority: String,
    stream: Option<BufReader<TcpStream>>,
}

impl RawConnection {
    fn get(&mut self, path: &str) -> Result<usize, String> {
        if let Some(stream) = &mut self.stream {
            match raw_get(stream, path) {
                Ok(length) => return Ok(length),
                // A closed connection shows as an empty status line or a failed write.
                Err(RawError::Closed) => {}
                Err(RawError::Other(e)) => return Err(e),
            }
        }
        let stream =
            TcpStream::connect(&self.authority).map_err(|e| format!("{}: {e}", self.authority))?;
        let stream = self.stream.insert(BufReader::new(stream));
        raw_get(stream, path).map_err(|e| match e {
            RawError::Closed => format!("GET {path}: connection closed"),
            RawError::Other(e) => e,
        })
    }
}

enum RawError {
    Closed,
    Other(String),
}

/// T connections to one server, each used by one thread of a batch.
#[derive(Debug)]
pub struct HttpBaseline {
    base: String,
    connections: Vec<Mutex<Connection>>,
}

impl HttpBaseline {
    /// Opens `threads` connections of `client` to `base` (`http://HOST:PORT`) and makes one
    /// request on each.
    pub fn start(client: Client, base: &str, threads: usize) -> Result<Self, String> {
        let authority = base
            .strip_prefix("http://")
            .ok_or_else(|| format!("{base}: only http:// URLs"))?
            .trim_end_matches('/');
        let connections = (0..threads)
            .map(|_| {
                Ok(Mutex::new(match client {
                    Client::Raw => Connection::Raw(RawConnection {
                        authority: authority.to_owned(),
                        stream: None,
                    }),
                    Client::Ureq => Connection::Ureq(agent(None)),
                    Client::UreqTimeoutGlobal => {
                        Connection::Ureq(agent(Some(Duration::from_secs(5))))
                    }
                }))
            })
            .collect::<Result<_, String>>()?;
        let baseline = Self {
            base: format!("http://{authority}"),
            connections,
        };
        baseline.run(threads)?;
        Ok(baseline)
    }

    /// GETs items 0..requests, thread t taking every T-th one; returns the wall time.
    pub fn run(&self, requests: usize) -> Result<Duration, String> {
        let threads = self.connections.len();
        let started = Instant::now();
        std::thread::scope(|scope| {
            let handles: Vec<_> = self
                .connections
                .iter()
                .enumerate()
                .map(|(t, connection)| {
                    scope.spawn(move || {
                        let mut connection = connection.lock().expect("one thread each");
                        (t..requests)
                            .step_by(threads)
                            .try_for_each(|i| self.get(&mut connection, i))
                    })
                })
                .collect();
            handles
                .into_iter()
                .try_for_each(|h| h.join().expect("client thread"))
        })?;
        Ok(started.elapsed())
    }

    fn get(&self, connection: &mut Connection, index: usize) -> Result<(), String> {
        match connection {
            Connection::Ureq(agent) => ureq_get(agent, &self.base, index),
            Connection::Raw(raw) => {
                let path = item_path(index);
                check_length(&path, raw.get(&path)?)
            }
        }
    }
}

/// `ureq` with one agent shared by the W threads of a `threadpool`, each GET a job that
/// replies on a channel: the shape of the `threadpool` model with nothing of poolbench's.
#[derive(Debug)]
pub struct ThreadpoolUreq {
    base: String,
    agent: ureq::Agent,
    pool: threadpool::ThreadPool,
}

impl ThreadpoolUreq {
    /// A pool of `threads` over one agent for `base` (`http://HOST:PORT`); one batch of
    /// `threads` GETs opens its connections.
    pub fn start(base: &str, threads: usize) -> Result<Self, String> {
        let pooled = Self {
            base: base.trim_end_matches('/').to_owned(),
            agent: agent(None),
            pool: threadpool::ThreadPool::new(threads),
        };
        pooled.run(threads)?;
        Ok(pooled)
    }

    /// GETs items 0..requests, one job each; returns the wall time.
    pub fn run(&self, requests: usize) -> Result<Duration, String> {
        let started = Instant::now();
        let (replies, received) = std::sync::mpsc::channel();
        for index in 0..requests {
            let (agent, base, replies) = (self.agent.clone(), self.base.clone(), replies.clone());
            self.pool.execute(move || {
                let _ = replies.send(ureq_get(&agent, &base, index));
            });
        }
        drop(replies);
        let answered = received
            .iter()
            .take(requests)
            .collect::<Result<Vec<()>, _>>()?;
        if answered.len() != requests {
            return Err(format!("{} of {requests} GETs answered", answered.len()));
        }
        Ok(started.elapsed())
    }
}

fn item_path(index: usize) -> String {
    format!("/item/{index}?latency=0&size={BODY_SIZE}")
}

fn check_length(path: &str, body_len: usize) -> Result<(), String> {
    if body_len == BODY_SIZE {
        Ok(())
    } else {
        Err(format!("GET {path}: {body_len} bytes, not {BODY_SIZE}"))
    }
}

/// One GET of item `index` through `agent`, checked: a 200 with the requested body size.
fn ureq_get(agent: &ureq::Agent, base: &str, index: usize) -> Result<(), String> {
    let path = item_path(index);
    let mut response = agent
        .get(&format!("{base}{path}"))
        .call()
        .map_err(|e| format!("GET {path}: {e}"))?;
    if response.status() != 200 {
        return Err(format!("GET {path}: HTTP {}", response.status()));
    }
    let body = response
        .body_mut()
        .read_to_vec()
        .map_err(|e| format!("GET {path}: {e}"))?;
    check_length(&path, body.len())
}

fn agent(timeout: Option<Duration>) -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .timeout_global(timeout)
            .http_status_as_error(false)
            .build(),
    )
}

/// One GET on a kept-alive connection; returns the body's length.
fn raw_get(stream: &mut BufReader<TcpStream>, path: &str) -> Result<usize, RawError> {
    let fail = |e: std::io::Error| RawError::Other(format!("GET {path}: {e}"));
    let request = format!("GET {path} HTTP/1.1\r\nHost: poolbench\r\n\r\n");
    if stream.get_mut().write_all(request.as_bytes()).is_err() {
        return Err(RawError::Closed);
    }
    let mut line = String::new();
    if stream.read_line(&mut line).map_err(fail)? == 0 {
        return Err(RawError::Closed);
    }
    if !line.starts_with("HTTP/1.1 200") {
        return Err(RawError::Other(format!("GET {path}: status line {line:?}")));
    }
    let mut content_length = None;
    loop {
        line.clear();
        stream.read_line(&mut line).map_err(fail)?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                content_length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let length =
        content_length.ok_or_else(|| RawError::Other(format!("GET {path}: no Content-Length")))?;
    let mut body = vec![0; length];
    stream.read_exact(&mut body).map_err(fail)?;
    Ok(length)
}
