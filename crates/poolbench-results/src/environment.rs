//! The conditions of a run, recorded beside its numbers: a figure without its machine, its
//! compiler and its command line cannot be compared with anything.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// Where and how a run happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    /// The machine's host name: the default label of its results in a merged report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    pub cpu_model: Option<String>,
    pub logical_cores: usize,
    pub memory_bytes: Option<u64>,
    pub os: String,
    pub kernel: Option<String>,
    pub rustc: Option<String>,
    pub poolbench_version: String,
    pub git_commit: Option<String>,
    /// Versions of the concurrency crates compared, from Cargo.lock at build time.
    pub crates: Vec<String>,
    /// The release/debug profile poolbench was built with: debug timings are not comparable.
    pub build_profile: String,
    pub command_line: Vec<String>,
    /// RFC 3339, UTC.
    pub started_at: String,
    /// The JPEG decoder of the Rust thumbnail workload, and whether it uses SIMD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jpeg_decoder: Option<String>,
    /// Whether that decoder was built with SIMD (`nasm` at build time). Absent in files from
    /// before it was recorded: [`Environment::jpeg_simd`] reads the description then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jpeg_decoder_simd: Option<bool>,
    /// The Python the `py-…` models ran on, when they ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python: Option<PythonSide>,
}

/// The Python side of a run: interpreter, libraries, and what each Python model is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PythonSide {
    pub executable: String,
    /// `3.11.7`.
    pub version: String,
    pub implementation: String,
    /// multiprocessing's start method for the process pools (`fork` on Linux).
    pub start_method: String,
    pub pillow: Option<String>,
    pub libjpeg_turbo: Option<String>,
    /// Each Python model and the exact call it makes (pool, map, chunksize).
    pub models: Vec<(String, String)>,
    /// The cluster engines installed, with their versions (`dask 2026.8.0`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub engines: Vec<String>,
    /// The real clusters the engines ran on (`dask at tcp://10.0.0.5:8786`); none when they
    /// started local ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<String>,
}

/// What to do so that Rust's and Python's JPEG decoding are compared like for like.
pub const JPEG_CURE: &str = "install nasm (apt-get install nasm), then run scripts/jpeg-simd.sh \
     (or cargo clean -p mozjpeg-sys) and build again: libjpeg-turbo then compiles its SIMD code";

impl Environment {
    /// Whether Rust's JPEG decoder was built with SIMD, when the file says.
    pub fn jpeg_simd(&self) -> Option<bool> {
        self.jpeg_decoder_simd.or_else(|| {
            let d = self.jpeg_decoder.as_deref()?;
            Some(!d.contains("without SIMD"))
        })
    }

    /// Why Rust's and Python's JPEG decoding in this run are not like for like, with the
    /// cure: Python's Pillow decodes with libjpeg-turbo's SIMD code (its wheels are built with
    /// it), and Rust's libjpeg-turbo was built without it. `None` when they match or Python
    /// did not run.
    pub fn jpeg_mismatch(&self) -> Option<String> {
        let pillow = self.python.as_ref()?.libjpeg_turbo.as_deref()?;
        if self.jpeg_simd()? {
            return None;
        }
        Some(format!(
            "not like for like: Rust's JPEG decoder (libjpeg-turbo) was built without SIMD \
             (nasm was missing), while Pillow's libjpeg-turbo {pillow} uses it; {JPEG_CURE}"
        ))
    }

    /// Reads this machine's description now; `command_line` is what the user typed.
    pub fn capture(command_line: Vec<String>) -> Self {
        let non_empty = |s: &'static str| (!s.is_empty()).then(|| s.to_owned());
        Self {
            hostname: std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty()),
            cpu_model: read_field("/proc/cpuinfo", "model name", ':'),
            logical_cores: poolbench_core::logical_cores(),
            memory_bytes: read_field("/proc/meminfo", "MemTotal", ':')
                .and_then(|kb| kb.trim_end_matches("kB").trim().parse::<u64>().ok())
                .map(|kb| kb * 1024),
            os: read_field("/etc/os-release", "PRETTY_NAME", '=')
                .map(|name| name.trim_matches('"').to_owned())
                .unwrap_or_else(|| std::env::consts::OS.to_owned()),
            kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .ok()
                .map(|s| s.trim().to_owned()),
            rustc: non_empty(env!("POOLBENCH_RUSTC_VERSION")),
            poolbench_version: env!("CARGO_PKG_VERSION").to_owned(),
            git_commit: non_empty(env!("POOLBENCH_GIT_COMMIT")),
            crates: env!("POOLBENCH_DEP_VERSIONS")
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            build_profile: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            }
            .to_owned(),
            command_line,
            started_at: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            jpeg_decoder: None,
            jpeg_decoder_simd: None,
            python: None,
        }
    }

    /// A short name for this machine in a merged report: `host (N cores)`.
    pub fn machine_label(&self) -> String {
        format!(
            "{} ({} cores)",
            self.hostname.as_deref().unwrap_or("machine"),
            self.logical_cores
        )
    }

    /// One line for the top of the terminal table.
    pub fn headline(&self) -> String {
        format!(
            "{} · {} logical cores · {} · {} · poolbench {}{} ({})",
            self.cpu_model.as_deref().unwrap_or("unknown CPU"),
            self.logical_cores,
            self.os,
            self.rustc.as_deref().unwrap_or("rustc ?"),
            self.poolbench_version,
            self.git_commit
                .as_deref()
                .map(|c| format!(" @ {c}"))
                .unwrap_or_default(),
            self.build_profile,
        )
    }
}

/// The value of the first `key<sep>value` line of a text file.
fn read_field(path: &str, key: &str, sep: char) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().find_map(|line| {
        let (k, v) = line.split_once(sep)?;
        (k.trim() == key).then(|| v.trim().to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_the_basics() {
        let env = Environment::capture(vec!["poolbench".into(), "run".into()]);
        assert!(env.logical_cores >= 1);
        assert_eq!(env.command_line, ["poolbench", "run"]);
        assert!(env.started_at.ends_with('Z'), "{}", env.started_at);
        assert!(
            env.crates.iter().any(|c| c.starts_with("rayon=")),
            "{:?}",
            env.crates
        );
        assert!(env.headline().contains("logical cores"));
    }

    /// Every compared crate's version is recorded: a crate the build looks for under a name
    /// Cargo.lock no longer has (as `crossbeam-channel` once was) would silently go missing.
    #[test]
    fn every_compared_crates_version_is_recorded() {
        let env = Environment::capture(Vec::new());
        for name in crate::COMPARED_CRATES {
            let prefix = format!("{name}=");
            assert!(
                env.crates.iter().any(|c| c.starts_with(&prefix)),
                "{name}'s version is missing from {:?}",
                env.crates
            );
        }
    }
}
