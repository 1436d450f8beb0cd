//! `poolbench-worker`: the worker program of the process-pool models.
//!
//! Started by a `ProcessPool` with `serve` (stdin is the socket to the pool) or `forkserver`;
//! not meant to be run by hand.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    poolbench_process::worker_main(&args)
}
