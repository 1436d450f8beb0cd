//! `poolbench serve`: the mock HTTP server in the foreground.

use std::process::ExitCode;
use std::time::Duration;

use poolbench_server::{Behaviour, Faults, ServerConfig};

use crate::args::ServeArgs;
use crate::UsageError;

pub fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    if args.fail + args.reset + args.stall > 1.0 {
        return Err(UsageError("--fail + --reset + --stall must not exceed 1".into()).into());
    }
    if args.exit_with_parent {
        poolbench_process::tie_to_parent();
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
    poolbench_server::serve_until_ctrl_c(config, threads).map_err(|e| UsageError(e.to_string()))?;
    Ok(ExitCode::SUCCESS)
}
