//! `poolbench`: which concurrency model should run this work? (The command line lives in the
//! `poolbench_cli` library, so that a user's bench binary can run the same `run`.)

fn main() -> std::process::ExitCode {
    poolbench_cli::main()
}
