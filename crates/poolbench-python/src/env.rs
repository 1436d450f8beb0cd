//! Finding a Python with Pillow, and what it is (recorded in every results file).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

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
}

impl PythonEnv {
    /// One line: `CPython 3.11.7, Pillow 13.0.0 (libjpeg-turbo 3.2.0), start method fork`.
    pub fn describe(&self) -> String {
        format!(
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
        )
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

/// Runs the helper's probe with `python`.
pub fn probe(python: &Path) -> Result<PythonEnv, String> {
    let helper = helper_path()?;
    let output = Command::new(python)
        .arg(&helper)
        .arg("probe")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "{} failed its probe: {}",
            python.display(),
            stderr.lines().last().unwrap_or("no message")
        ));
    }
    let env: PythonEnv = serde_json::from_slice(&output.stdout)
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
