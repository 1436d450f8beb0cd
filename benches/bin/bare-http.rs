//! `bare-http URL [THREADS] [REQUESTS]`: GETs `/item/i?latency=0&size=256` from THREADS
//! threads (default 8) with each bare client of `poolbench_benches::bare_http` — a raw
//! keep-alive client, `ureq`, and `ureq` with `timeout_global` — and prints one line each:
//! `CLIENT THREADS REQ_PER_S`. Connections are opened and used once before timing.

use std::process::ExitCode;

use poolbench_benches::bare_http::{Client, HttpBaseline};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: bare-http URL [THREADS] [REQUESTS]";
    let Some(url) = args.first() else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let number = |i: usize, default: usize| match args.get(i) {
        None => Ok(default),
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|&n| n > 0 && n <= 100_000_000)
            .ok_or_else(|| format!("'{text}' is not a positive count; {usage}")),
    };
    let (threads, requests) = match (number(1, 8), number(2, 20_000)) {
        (Ok(t), Ok(r)) if t <= 1024 => (t, r),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
        _ => {
            eprintln!("at most 1024 threads; {usage}");
            return ExitCode::from(2);
        }
    };
    for client in Client::ALL {
        let result =
            HttpBaseline::start(client, url, threads).and_then(|baseline| baseline.run(requests));
        match result {
            Ok(elapsed) => println!(
                "{} {threads} {:.0}",
                client.name(),
                requests as f64 / elapsed.as_secs_f64()
            ),
            Err(e) => {
                eprintln!("{}: {e}", client.name());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
