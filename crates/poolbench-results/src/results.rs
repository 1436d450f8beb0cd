//! `results.json`: the stable, documented output every other tool reads.
//!
//! The format is versioned by [`SCHEMA`]; fields are only ever added (optional ones), never
//! renamed or removed, within one schema version. `docs/results-format.md` describes each field.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use poolbench_core::{Language, ModelRole, ModelStyle, WorkerKind, WorkloadOrigin, WorkloadRole};

use crate::noise::NoiseReport;
use crate::{CellResult, Environment, Sampling};

/// The schema identifier written into every results file.
pub const SCHEMA: &str = "poolbench/2";

/// A whole results file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultsFile {
    pub schema: String,
    pub environment: Environment,
    /// The preset the run started from, if any (`suite FILE` for a suite file).
    pub preset: Option<String>,
    /// The seed of the shuffled cell order; absent when cells ran in the fixed order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_seed: Option<u64>,
    /// How samples were taken (absent in files from before interleaved rounds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling: Option<Sampling>,
    /// The machine's noise: core speeds before the run, steal time during it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<NoiseReport>,
    /// The models the poolbench that wrote this file knows, in its registry's order: a report
    /// draws each in the colour and marker of its place, and a model missing from the list
    /// after them (absent in files from before it was recorded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub model_order: Vec<String>,
    /// What each model of the run is: language, role, colour and marker (absent in files from
    /// before it was recorded; [`ResultsFile::model_role`] then falls back on the names of
    /// that time).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<ModelInfo>,
    /// What each workload of the run is for, and whether it needs the mock server.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<WorkloadRecord>,
    /// What to use: for each workload, across every W and at each W, the recommended model
    /// among those the run could not tell apart by time, and why (see [`crate::Verdict`]).
    /// Absent in files from before it was recorded (reports then decide from the cells).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verdicts: Vec<crate::Verdict>,
    /// Finished cells, workload by workload.
    pub results: Vec<CellResult>,
}

impl ResultsFile {
    /// An empty results file for a run starting now.
    pub fn new(environment: Environment, preset: Option<String>) -> Self {
        Self {
            schema: SCHEMA.to_owned(),
            environment,
            preset,
            order_seed: None,
            sampling: None,
            noise: None,
            model_order: Vec::new(),
            models: Vec::new(),
            workloads: Vec::new(),
            verdicts: Vec::new(),
            results: Vec::new(),
        }
    }

    /// What the file says of model `name`, if anything.
    pub fn model(&self, name: &str) -> Option<&ModelInfo> {
        self.models.iter().find(|m| m.name == name)
    }

    /// Model `name`'s role: as recorded, else as poolbench named its oracle before roles were
    /// recorded (`sequential`).
    pub fn model_role(&self, name: &str) -> ModelRole {
        match self.model(name) {
            Some(info) => info.role,
            None => crate::upgrade::legacy_model_role(name),
        }
    }

    /// What runs model `name`'s tasks: as recorded, else as poolbench's models of the time
    /// before it was recorded ran them (`None` for a model it cannot know).
    pub fn model_workers(&self, name: &str) -> Option<WorkerKind> {
        match self.model(name) {
            Some(info) => info.workers,
            None => crate::upgrade::legacy_model_workers(name),
        }
    }

    /// Model `name`'s language: as recorded, else Rust (files from before Python models).
    pub fn model_language(&self, name: &str) -> Language {
        self.model(name).map_or(Language::Rust, |m| m.language)
    }

    /// The warning for JPEG work compared across languages with different decoders (see
    /// [`crate::Environment::jpeg_mismatch`]): the workloads whose Python cells timed a
    /// `decode` phase, and why their figures are not like for like.
    pub fn jpeg_caveat(&self) -> Option<String> {
        let mismatch = self.environment.jpeg_mismatch()?;
        let mut decoding: Vec<&str> = self
            .results
            .iter()
            .filter(|c| self.model_language(&c.model) == Language::Python)
            .filter(|c| {
                c.per_task
                    .phases
                    .iter()
                    .flatten()
                    .any(|p| p.phase == "decode")
            })
            .map(|c| c.workload.as_str())
            .collect();
        decoding.dedup();
        decoding.sort_unstable();
        decoding.dedup();
        (!decoding.is_empty())
            .then(|| format!("{} Python ÷ Rust is {mismatch}", decoding.join(", ")))
    }

    /// What the file records of workload `name`, if anything.
    pub fn workload(&self, name: &str) -> Option<&WorkloadRecord> {
        self.workloads.iter().find(|w| w.name == name)
    }

    /// Workload `name`'s role: as recorded, else as the names of the time before roles were
    /// recorded say (`noop`: overhead probe, `fault`: testing aid).
    pub fn workload_role(&self, name: &str) -> WorkloadRole {
        match self.workloads.iter().find(|w| w.name == name) {
            Some(record) => record.role,
            None => crate::upgrade::legacy_workload_role(name),
        }
    }

    /// Writes the file atomically (see [`write_atomic`]) as pretty JSON.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        write_atomic(path, &json)
    }
}

/// One model of a run, as reports need it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub name: String,
    pub language: Language,
    pub role: ModelRole,
    /// What runs its tasks (absent in files from before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers: Option<WorkerKind>,
    pub style: ModelStyle,
    /// One line on what the model is.
    #[serde(default)]
    pub summary: String,
}

/// One workload of a run, as reports and the command line need it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkloadRecord {
    pub name: String,
    pub role: WorkloadRole,
    /// Whether its tasks talk to the mock HTTP server (or a `--url`).
    #[serde(default)]
    pub needs_server: bool,
    /// poolbench's own, or the user's (a workload of their crate, a `--py-task` function).
    #[serde(default)]
    pub origin: WorkloadOrigin,
    /// Whether it has an async form. Without one, the async models (tokio) ran its blocking
    /// form on their runtime threads, which reports say beside their cells. Absent in files
    /// from before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub async_form: Option<bool>,
    /// Its parameters' default values, so reports can name only the parameters a run
    /// changed (absent in files from before it was recorded: reports then name them all).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub defaults: serde_json::Map<String, serde_json::Value>,
}

/// Writes `bytes` to `path` so that readers see either the old file or the new one, never a
/// half-written one: the bytes go to a temporary file in the same folder, are flushed to disk,
/// and the temporary file is renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    staged_file(dir, bytes)?
        .persist(path)
        .map_err(|e| e.error)?;
    Ok(())
}

/// A hidden temporary file in `dir` holding `bytes`, flushed to disk, ready to be renamed over
/// its destination with `persist`. It is created readable by all (as the umask allows), like
/// any file a program writes, not with the owner-only mode of a usual temporary file; dropped
/// without being persisted, it is deleted.
pub fn staged_file(dir: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    let mut tmp = tempfile::Builder::new()
        .prefix(".poolbench-")
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        write_atomic(&path, b"first version, rather long").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn written_files_are_readable_by_others_as_the_umask_allows() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        write_atomic(&path, b"{}").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        // SAFETY: umask only reads and restores the process's file mode mask.
        let umask = unsafe {
            let old = libc::umask(0o022);
            libc::umask(old);
            old
        };
        assert_eq!(mode, 0o666 & !(umask as u32), "mode {mode:o}");
    }

    #[test]
    fn atomic_write_into_a_missing_folder_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_atomic(&dir.path().join("nope/results.json"), b"x").is_err());
    }
}
