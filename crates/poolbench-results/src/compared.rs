// The crates whose concurrency poolbench compares: their versions go into every results
// file (`environment.crates`). Shared with `build.rs` through `include!`, so the list the
// build reads from Cargo.lock and the list the tests check are one list.

/// The crates behind the models poolbench compares, as Cargo.lock names them.
pub const COMPARED_CRATES: &[&str] = &["rayon", "crossbeam-deque", "threadpool", "tokio"];
