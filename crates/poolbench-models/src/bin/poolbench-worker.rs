//! `poolbench-worker`: the worker program of the process-pool models.
//!
//! Started by a `ProcessPool` with `serve` (stdin is the socket to the pool) or `forkserver`;
//! not meant to be run by hand. `mock-server` runs poolbench's mock HTTP server on a free
//! loopback port, tied to its parent (for tests that need a server in another process).

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("mock-server") {
        poolbench_process::tie_to_parent();
        let config = poolbench_server::ServerConfig::default();
        return match poolbench_server::serve_foreground(config, 2, true) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("poolbench-worker mock-server: {e}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    poolbench_process::worker_main(&args)
}
