//! Records, at build time, what the results file reports about how poolbench was built:
//! the rustc version, the git commit (when built from a checkout) and the versions of the
//! concurrency crates being compared (from the workspace's Cargo.lock).

use std::path::Path;
use std::process::Command;

include!("src/compared.rs");

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = command_output(Command::new(rustc).arg("--version"));
    println!(
        "cargo:rustc-env=POOLBENCH_RUSTC_VERSION={}",
        version.unwrap_or_default()
    );

    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let root = Path::new(&manifest).join("../..");
    // A missing path makes cargo rerun this script on every build: that is what we want
    // until the first commit exists, and it never happens in a normal checkout.
    for watched in [
        ".git/HEAD",
        ".git/logs/HEAD",
        "Cargo.lock",
        "crates/poolbench-results/src/compared.rs",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    let commit = command_output(
        Command::new("git")
            .args(["rev-parse", "--short=12", "HEAD"])
            .current_dir(&root),
    );
    println!(
        "cargo:rustc-env=POOLBENCH_GIT_COMMIT={}",
        commit.unwrap_or_default()
    );

    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    let versions: Vec<String> = COMPARED_CRATES
        .iter()
        .filter_map(|name| locked_version(&lock, name).map(|v| format!("{name}={v}")))
        .collect();
    println!(
        "cargo:rustc-env=POOLBENCH_DEP_VERSIONS={}",
        versions.join(",")
    );
}

fn command_output(command: &mut Command) -> Option<String> {
    let output = command.output().ok().filter(|o| o.status.success())?;
    Some(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The version Cargo.lock records for package `name` (the first one, if several).
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let needle = format!("name = \"{name}\"\nversion = \"");
    let start = lock.find(&needle)? + needle.len();
    let end = lock[start..].find('"')? + start;
    Some(lock[start..end].to_owned())
}
