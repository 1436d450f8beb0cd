//! The blocking client: one `ureq` agent (connection pool) per workload and process, shared by
//! its threads, with a per-request deadline that costs nothing while it does not fire.
//!
//! Why a resolver of our own: ureq 3 looks the host name up again on *every* request, pooled
//! connection or not, and when a total timeout (`timeout_global`, `timeout_per_call`) is set it
//! does that lookup on a freshly spawned thread so the lookup can be abandoned at the deadline.
//! That is one thread spawn per request, inside the timed region: bare ureq from 8 threads against
//! the mock server fell from about 60,000 to about 13,000 requests/s (4.4–5.0 × the time per
//! request in four paired runs of `cargo bench -p poolbench-benches --bench bare -- http`), which
//! made every thread model look five times slower than async for HTTP. [`ResolveOnce`] looks each
//! `host:port` up once per agent, the first time it is asked (during the warm-up batch), and hands
//! back the same addresses afterwards without a thread — as hyper's client does, which resolves
//! only when it opens a connection. The deadline itself stays ureq's `timeout_global`, enforced
//! with socket timeouts, so a stalled response still ends in a timeout.
//!
//! Why one agent shared by the threads: that is how ureq means an agent to be used, and it lets
//! a thread started for a single task (`thread-per-task`) take a kept-alive connection that an
//! earlier thread left, instead of opening one per request.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// Idle keep-alive connections an agent keeps: enough for every worker of the largest pools.
const IDLE_CONNECTIONS: usize = 1024;

/// A workload's agent, made on first use in each process, shared by that process's threads.
#[derive(Debug)]
pub(super) struct SharedAgent {
    timeout: Duration,
    /// The agent and the id of the process that made it.
    slot: Mutex<Option<(u32, ureq::Agent)>>,
}

impl SharedAgent {
    /// No agent yet; each will have a total deadline of `timeout` per request.
    pub(super) fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            slot: Mutex::new(None),
        }
    }

    /// This process's agent (a cheap handle to the shared connection pool).
    pub(super) fn get(&self) -> ureq::Agent {
        let pid = std::process::id();
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.take() {
            Some((owner, agent)) if owner == pid => slot.insert((owner, agent)).1.clone(),
            inherited => {
                forget_inherited(inherited);
                slot.insert((pid, new_agent(Some(self.timeout)))).1.clone()
            }
        }
    }
}

impl Drop for SharedAgent {
    fn drop(&mut self) {
        let slot = self.slot.get_mut().unwrap_or_else(PoisonError::into_inner);
        match slot.take() {
            Some((owner, agent)) if owner == std::process::id() => drop(agent),
            inherited => forget_inherited(inherited),
        }
    }
}

/// A forked child inherits its parent's agent and pooled connections: the same sockets. Using
/// them would interleave two processes' requests, and closing them could shut the parent's
/// down, so they are abandoned untouched.
fn forget_inherited(agent: Option<(u32, ureq::Agent)>) {
    std::mem::forget(agent);
}

/// A keep-alive agent that treats error statuses as responses, with a total deadline per
/// request when `timeout` is set, resolving each host once.
fn new_agent(timeout: Option<Duration>) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(timeout)
        .http_status_as_error(false)
        .max_idle_connections(IDLE_CONNECTIONS)
        .max_idle_connections_per_host(IDLE_CONNECTIONS)
        .build();
    ureq::Agent::with_parts(config, DefaultConnector::default(), ResolveOnce::default())
}

/// ureq's own resolver, asked once per `host:port`; its answers are kept for the agent's life.
#[derive(Debug, Default)]
struct ResolveOnce {
    resolved: Mutex<HashMap<String, ResolvedSocketAddrs>>,
}

impl Resolver for ResolveOnce {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let key = uri.authority().map(|a| a.as_str()).unwrap_or_default();
        let mut resolved = self.resolved.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(addrs) = resolved.get(key) {
            return Ok(addrs.clone());
        }
        let addrs = DefaultResolver::default().resolve(uri, config, timeout)?;
        resolved.insert(key.to_owned(), addrs.clone());
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_is_resolved_once_and_the_answer_reused() {
        let resolver = ResolveOnce::default();
        let config = Config::default();
        let uri: Uri = "http://127.0.0.1:8080/item/1".parse().unwrap();
        let first = resolver
            .resolve(&uri, &config, NextTimeout::default())
            .unwrap();
        assert_eq!(first[0], "127.0.0.1:8080".parse().unwrap());
        let again: Uri = "http://127.0.0.1:8080/item/2".parse().unwrap();
        let second = resolver
            .resolve(&again, &config, NextTimeout::default())
            .unwrap();
        assert_eq!(&*first, &*second);
        assert_eq!(resolver.resolved.lock().unwrap().len(), 1);
    }
}
