//! Request counters, readable at `GET /stats` and from the embedding program.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

/// Live counters (relaxed atomics: they are tallies, not synchronisation).
#[derive(Debug, Default)]
pub struct Stats {
    requests: AtomicU64,
    items_ok: AtomicU64,
    items_failed: AtomicU64,
    resets: AtomicU64,
    stalls: AtomicU64,
    bad_requests: AtomicU64,
    not_found: AtomicU64,
    connections: AtomicU64,
}

/// One reading of the counters, as `GET /stats` returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StatsSnapshot {
    /// Every request with a parsable request line, whatever its fate.
    pub requests: u64,
    /// Item requests answered 200.
    pub items_ok: u64,
    /// Item requests answered with an injected 500.
    pub items_failed: u64,
    /// Item requests whose connection was closed without a response.
    pub resets: u64,
    /// Item requests left unanswered (stalled).
    pub stalls: u64,
    /// Requests answered 400 or 405.
    pub bad_requests: u64,
    /// Requests answered 404.
    pub not_found: u64,
    /// TCP connections accepted.
    pub connections: u64,
}

/// Which counter an event bumps.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Event {
    Request,
    ItemOk,
    ItemFailed,
    Reset,
    Stall,
    BadRequest,
    NotFound,
    Connection,
}

impl Stats {
    pub(crate) fn count(&self, event: Event) {
        let counter = match event {
            Event::Request => &self.requests,
            Event::ItemOk => &self.items_ok,
            Event::ItemFailed => &self.items_failed,
            Event::Reset => &self.resets,
            Event::Stall => &self.stalls,
            Event::BadRequest => &self.bad_requests,
            Event::NotFound => &self.not_found,
            Event::Connection => &self.connections,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The counters now.
    pub fn snapshot(&self) -> StatsSnapshot {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        StatsSnapshot {
            requests: get(&self.requests),
            items_ok: get(&self.items_ok),
            items_failed: get(&self.items_failed),
            resets: get(&self.resets),
            stalls: get(&self.stalls),
            bad_requests: get(&self.bad_requests),
            not_found: get(&self.not_found),
            connections: get(&self.connections),
        }
    }
}
