//! poolbench's benchmarks and the baselines they compare the models with.
//!
//! - `overhead.rs` (`cargo bench -p poolbench-benches --bench overhead`): per-task overhead,
//!   start-up cost and a CPU-bound batch for every model;
//! - `bare.rs` (`--bench bare`): each library used bare ([`bare_pools`], [`bare_http`]) beside
//!   the poolbench model built on it, and the harness ratio model / bare ([`ratio`]);
//! - `bin/bare-http.rs`: the bare HTTP clients as a program, for `scripts/http-throughput.sh`.

pub mod bare_http;
pub mod bare_pools;
pub mod models;
pub mod ratio;
