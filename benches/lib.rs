//! poolbench's criterion benchmarks live in `overhead.rs` beside this file; this empty library
//! only gives the package a target so `cargo bench -p poolbench-benches` finds them.
