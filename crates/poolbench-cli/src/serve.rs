//! `poolbench serve`: the mock HTTP server in the foreground.

use std::process::ExitCode;
use std::time::Duration;

use poolbench_server::{Behaviour, Faults, ServerConfig};

use anyhow::Context;

use crate::args::ServeArgs;
use crate::UsageError;

pub fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    if args.fail + args.reset + args.stall > 1.0 {
        return Err(UsageError("--fail + --reset + --stall must not exceed 1".into()).into());
    }
    if args.exit_with_parent {
        poolbench_process::tie_to_parent();
        // `run`'s own server lives exactly as long as its parent: a Ctrl-C or SIGTERM sent to
        // the whole process group must not take it away from the run's last batches.
        for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // SAFETY: the handler does nothing, which is async-signal-safe.
            unsafe { signal_hook::low_level::register(signal, || {}) }
                .context("cannot ignore signals")?;
        }
    }
    let config = ServerConfig {
        bind: std::net::SocketAddr::new(args.bind, args.port),
        behaviour: Behaviour {
            latency: args.latency,
            body_size: args.size,
            faults: Faults {
                fail: args.fail,
                reset: args.reset,
                stall: args.stall,
            },
            seed: args.seed,
        },
        stall_max: Duration::from_millis(args.stall_max_ms),
        header_timeout: Duration::from_millis(args.header_timeout_ms),
        max_connections: args.max_connections,
    };
    let threads = args.threads.unwrap_or_else(poolbench_core::logical_cores);
    poolbench_server::serve_foreground(config, threads, !args.exit_with_parent)
        .map_err(|e| UsageError(e.to_string()))?;
    Ok(ExitCode::SUCCESS)
}
