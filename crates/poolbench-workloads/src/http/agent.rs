//! The blocking client: one `ureq` agent (connection pool) per process and workload, shared by
//! its threads, with a per-request deadline that costs nothing while it does not fire.
//!
//! Why a resolver of our own: ureq 3 looks the host name up again on *every* request, pooled
//! connection or not, and when a total timeout (`timeout_global`, `timeout_per_call`) is set it
//! does that lookup on a freshly spawned thread so the lookup can be abandoned at the deadline.
//! That is one thread spawn per request, inside the timed region: 8 threads against the mock
//! server fell from ~56,000 to ~12,000 requests/s, which made every thread model look five
//! times slower than async for HTTP. [`ResolveOnce`] looks each `host:port` up once per agent,
//! the first time it is asked (during the warm-up batch), and hands back the same addresses
//! afterwards without a thread — as hyper's client does, which resolves only when it opens a
//! connection. The deadline itself stays ureq's `timeout_global`, enforced with socket
//! timeouts, so a stalled response still ends in a timeout. `scripts/http-throughput.sh`
//! measures both agents side by side.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// Idle keep-alive connections an agent keeps: enough for every worker of the largest pools.
const IDLE_CONNECTIONS: usize = 1024;

/// The process's agents, one per workload (keyed by the workload's id) and shared by all its
/// threads — as ureq means an agent to be used — tagged with the process id that made them.
static SHARED: Mutex<Option<(u32, HashMap<u64, ureq::Agent>)>> = Mutex::new(None);

thread_local! {
    /// This thread's handles to the shared agents, so a request takes no lock to find one.
    static LOCAL: RefCell<(u32, HashMap<u64, ureq::Agent>)> =
        RefCell::new((std::process::id(), HashMap::new()));
}

/// The agent for workload `id`, created on first use with a total timeout per request of
/// `timeout`. One agent per process and workload means its connection pool is shared: a
/// thread started for a single task (`thread-per-task`) takes a kept-alive connection that an
/// earlier thread left, instead of opening one per request.
pub(super) fn agent(id: u64, timeout: Duration) -> ureq::Agent {
    let pid = std::process::id();
    LOCAL.with(|local| {
        let (owner, agents) = &mut *local.borrow_mut();
        if *owner != pid {
            // A forked child inherited its parent's pooled connections: the same sockets.
            // Using them would interleave two processes' requests, and closing them could
            // shut the parent's down, so they are abandoned untouched.
            std::mem::forget(std::mem::take(agents));
            *owner = pid;
        }
        agents
            .entry(id)
            .or_insert_with(|| {
                let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
                if shared.as_ref().is_some_and(|(owner, _)| *owner != pid) {
                    std::mem::forget(shared.take());
                }
                let (_, agents) = shared.get_or_insert_with(|| (pid, HashMap::new()));
                agents
                    .entry(id)
                    .or_insert_with(|| new_agent(Some(timeout)))
                    .clone()
            })
            .clone()
    })
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
