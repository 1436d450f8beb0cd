//! The mock server `poolbench run` starts for the `http` workload: a separate process (so it
//! does not compete for the measured process's threads), stopped when the run ends — normally,
//! on error or on Ctrl-C (it is tied to this process and ignores the terminal's Ctrl-C).

use std::io::{BufRead, BufReader};
use std::net::{TcpStream, ToSocketAddrs};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use poolbench_core::WorkloadSpec;
use poolbench_runner::Plan;

use crate::UsageError;

/// A running `poolbench serve` child process.
#[derive(Debug)]
pub struct MockServer {
    child: Child,
    pub url: String,
}

impl MockServer {
    /// Starts this program as the mock server (`poolbench serve`, or a bench binary's hidden
    /// equivalent) on a free loopback port and waits until `/health` answers.
    pub fn start() -> anyhow::Result<Self> {
        let program = std::env::current_exe().context("cannot locate this program")?;
        let mut child = Command::new(program)
            .args([crate::SERVE_SUBCOMMAND, "--port", "0", "--exit-with-parent"])
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start the mock HTTP server")?;
        let stdout = child
            .stdout
            .take()
            .context("no stdout from the mock server")?;
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line);
        let url = match (read, line.trim().strip_prefix("listening on ")) {
            (Ok(_), Some(url)) => url.to_owned(),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                bail!("the mock HTTP server did not start (it printed {line:?})");
            }
        };
        let server = Self { child, url };
        server.wait_until_healthy(Duration::from_secs(10))?;
        Ok(server)
    }

    fn wait_until_healthy(&self, limit: Duration) -> anyhow::Result<()> {
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_secs(1)))
                .build(),
        );
        let deadline = Instant::now() + limit;
        loop {
            if agent.get(&format!("{}/health", self.url)).call().is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "the mock HTTP server at {} did not become healthy",
                    self.url
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Checks a user's `--url` before anything runs: it must be `http://HOST:PORT[...]` and accept
/// a TCP connection.
pub fn check_url(url: &str) -> anyhow::Result<()> {
    let usage = |why: String| UsageError(format!("--url {url}: {why}"));
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| usage("must start with http:// (https is not supported)".into()))?;
    let authority = rest.split('/').next().unwrap_or_default();
    let uri: hyper::http::uri::Authority = authority
        .parse()
        .map_err(|_| usage(format!("'{authority}' is not HOST:PORT")))?;
    let target = format!("{}:{}", uri.host(), uri.port_u16().unwrap_or(80));
    let addrs: Vec<_> = target
        .to_socket_addrs()
        .map_err(|e| usage(format!("cannot resolve {target}: {e}")))?
        .collect();
    let reachable = addrs
        .iter()
        .any(|addr| TcpStream::connect_timeout(addr, Duration::from_secs(3)).is_ok());
    if !reachable {
        return Err(usage(format!(
            "cannot connect to {target} (connection refused or timed out)"
        ))
        .into());
    }
    Ok(())
}

/// Gives every workload that needs a server (`http`) one: the user's `--url` (checked first),
/// or a mock server started for this run, unless `--set http.url=…` already chose one.
pub(crate) fn point_http_at_a_server(
    plan: &mut Plan,
    url: Option<&str>,
    chatty: bool,
) -> anyhow::Result<Option<MockServer>> {
    let mut http: Vec<&mut WorkloadSpec> = plan
        .entries
        .iter_mut()
        .map(|e| &mut e.spec)
        .filter(|s| poolbench_workloads::find_workload(&s.name).is_ok_and(|info| info.needs_server))
        .collect();
    if http.is_empty() {
        if url.is_some() {
            return Err(UsageError(
                "--url is for the http workload: add http to --workloads".into(),
            )
            .into());
        }
        return Ok(None);
    }
    let (url, server) = match url {
        Some(url) => {
            check_url(url)?;
            (url.to_owned(), None)
        }
        None if http.iter().all(|s| s.params.contains_key("url")) => return Ok(None),
        None => {
            let server = MockServer::start()?;
            if chatty {
                eprintln!("started the mock HTTP server at {}", server.url);
            }
            (server.url.clone(), Some(server))
        }
    };
    for spec in &mut http {
        spec.params
            .entry("url")
            .or_insert_with(|| url.clone().into());
    }
    Ok(server)
}
