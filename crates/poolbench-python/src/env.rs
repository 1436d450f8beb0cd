//! Finding a Python with Pillow, and what it is (recorded in every results file).

use std::io::{Read, Seek, SeekFrom};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::helper::helper_path;

/// Environment variable naming the Python interpreter to use.
pub const PYTHON_VAR: &str = "POOLBENCH_PYTHON";

/// The virtual environment `scripts/python-setup.sh` makes, relative to the project root.
const VENV_PYTHON: &str = "python/.venv/bin/python";

/// The interpreter poolbench drives, as its probe reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PythonEnv {
    pub executable: String,
    /// `3.11.7`.
    pub python: String,
    /// `cpython`.
    pub implementation: String,
    /// multiprocessing's default start method (`fork` on Linux before Python 3.14).
    pub start_method: String,
    pub pillow: Option<String>,
    pub libjpeg_turbo: Option<String>,
    /// Dask's `distributed`, when installed (`scripts/python-setup.sh --cluster`).
    #[serde(default)]
    pub dask: Option<String>,
    /// Ray, when installed.
    #[serde(default)]
    pub ray: Option<String>,
}

impl PythonEnv {
    /// One line: `CPython 3.11.7, Pillow 13.0.0 (libjpeg-turbo 3.2.0), start method fork`,
    /// and the cluster engines installed (`, dask 2026.8.0, ray 2.60.0`).
    pub fn describe(&self) -> String {
        let mut line = format!(
            "{} {}, Pillow {} (libjpeg-turbo {}), start method {}",
            if self.implementation == "cpython" {
                "CPython"
            } else {
                &self.implementation
            },
            self.python,
            self.pillow.as_deref().unwrap_or("missing"),
            self.libjpeg_turbo.as_deref().unwrap_or("?"),
            self.start_method
        );
        for engine in crate::Engine::ALL {
            if let Some(version) = engine.version(self) {
                line.push_str(&format!(", {} {version}", engine.name()));
            }
        }
        line
    }
}

/// The Python poolbench drives, probed once; or one line saying why there is none.
pub fn python_env() -> Result<&'static PythonEnv, String> {
    static ENV: OnceLock<Result<PythonEnv, String>> = OnceLock::new();
    ENV.get_or_init(find).as_ref().map_err(Clone::clone)
}

/// `$POOLBENCH_PYTHON`, else the project's virtual environment (from the working folder or
/// from where poolbench was built), probed.
fn find() -> Result<PythonEnv, String> {
    let candidates: Vec<PathBuf> = match std::env::var_os(PYTHON_VAR) {
        Some(python) => vec![PathBuf::from(python)],
        None => {
            let built_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
            vec![PathBuf::from(VENV_PYTHON), built_in.join(VENV_PYTHON)]
        }
    };
    let Some(python) = candidates.iter().find(|p| p.exists()) else {
        return Err(match std::env::var_os(PYTHON_VAR) {
            Some(p) => format!("{PYTHON_VAR}={} does not exist", Path::new(&p).display()),
            None => format!(
                "no Python environment ({VENV_PYTHON} is missing): run scripts/python-setup.sh \
                 or set {PYTHON_VAR}"
            ),
        });
    };
    probe(python)
}

/// How long the probe may take: an interpreter that never answers is skipped, not waited on.
pub const PROBE_LIMIT: Duration = Duration::from_secs(30);

/// Runs the helper's probe with `python`, for at most [`PROBE_LIMIT`]: in a process group of
/// its own, killed whole when it overruns, and dying with poolbench (`PR_SET_PDEATHSIG`) if
/// poolbench is stopped meanwhile.
pub fn probe(python: &Path) -> Result<PythonEnv, String> {
    probe_within(python, PROBE_LIMIT)
}

/// [`probe`] with a time limit of `limit`.
pub fn probe_within(python: &Path, limit: Duration) -> Result<PythonEnv, String> {
    let stdout = run_helper(python, &["probe"], &[], limit)?;
    let env: PythonEnv = serde_json::from_slice(&stdout)
        .map_err(|e| format!("{} answered its probe oddly: {e}", python.display()))?;
    if env.pillow.is_none() {
        return Err(format!(
            "{} (Python {}) has no Pillow: run scripts/python-setup.sh",
            python.display(),
            env.python
        ));
    }
    Ok(env)
}

/// Runs `python helper.py ARGS…` with `envs` set, for at most `limit`: in a process group of
/// its own, killed whole when it overruns, and dying with poolbench (`PR_SET_PDEATHSIG`) if
/// poolbench is stopped meanwhile. Returns its standard output, or one line saying why not.
pub(crate) fn run_helper(
    python: &Path,
    args: &[&str],
    envs: &[(&str, String)],
    limit: Duration,
) -> Result<Vec<u8>, String> {
    let helper = helper_path()?;
    let what = args.join(" ");
    let cannot = |e: std::io::Error| format!("cannot run {}: {e}", python.display());
    let mut stdout = tempfile::tempfile().map_err(cannot)?;
    let mut stderr = tempfile::tempfile().map_err(cannot)?;
    let mut command = Command::new(python);
    command
        .arg(&helper)
        .args(args)
        .envs(envs.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(stdout.try_clone().map_err(cannot)?)
        .stderr(stderr.try_clone().map_err(cannot)?)
        .process_group(0);
    // SAFETY: prctl is async-signal-safe; it only asks the kernel to kill the child when its
    // parent thread ends.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let mut child = command.spawn().map_err(cannot)?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(cannot)? {
            break status;
        }
        if started.elapsed() >= limit {
            // SAFETY: signals the process group the child leads (made by `process_group(0)`).
            unsafe {
                libc::killpg(child.id() as i32, libc::SIGKILL);
            }
            let _ = child.wait();
            return Err(format!(
                "{} gave no answer to its {what} in {} s",
                python.display(),
                limit.as_secs_f64()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // The group's other processes (a cluster engine's, say) end with it.
    // SAFETY: as above.
    unsafe {
        libc::killpg(child.id() as i32, libc::SIGKILL);
    }
    let read = |file: &mut std::fs::File| {
        let mut bytes = Vec::new();
        let _ = file.seek(SeekFrom::Start(0));
        let _ = file.read_to_end(&mut bytes);
        bytes
    };
    if !status.success() {
        let stderr = read(&mut stderr);
        let stderr = String::from_utf8_lossy(&stderr);
        return Err(format!(
            "{} failed its {what}: {}",
            python.display(),
            stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no message")
                .trim()
        ));
    }
    Ok(read(&mut stdout))
}

#[cfg(test)]
mod probe_tests {
    use super::*;

    /// An interpreter that never answers is given up on at the limit, its whole process group
    /// killed, with one line saying so.
    #[test]
    fn a_hanging_interpreter_is_given_up_on_at_the_limit() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let python = dir.path().join("python3");
        std::fs::write(&python, "#!/bin/sh\nsleep 600 &\nexec sleep 600\n").unwrap();
        std::fs::set_permissions(&python, std::fs::Permissions::from_mode(0o755)).unwrap();
        let started = Instant::now();
        let err = probe_within(&python, Duration::from_millis(300)).unwrap_err();
        assert!(
            err.contains("gave no answer to its probe in 0.3 s"),
            "{err}"
        );
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
