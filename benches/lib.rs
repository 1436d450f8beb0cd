//! Benchmarks live in `overhead.rs`; this empty library only gives the package a target.
