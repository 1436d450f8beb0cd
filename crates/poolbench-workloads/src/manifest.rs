//! A verified input cache: every cached file is checked against the digest recorded when it
//! was generated.
//!
//! Generated inputs (the thumbnail workload's photos) are kept between runs, because making
//! them takes longer than measuring them. A cached file that was truncated, flipped by a bad
//! disk or swapped for another would otherwise be used as is — by every model, the sequential
//! oracle included, so every output would still "verify". So the folder holds a manifest,
//! `MANIFEST` (one line per file: name, length, FNV-1a 64 digest), written when files are
//! generated; a file whose bytes no longer match, or that the manifest does not list, is
//! generated again. The digest guards against accidents, not against an attacker who can
//! rewrite the manifest too.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;

use poolbench_core::fnv1a;

/// The manifest's file name inside a cache folder.
pub const MANIFEST: &str = "MANIFEST";

/// A cache folder's manifest: file name → (length, digest).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Manifest {
    entries: BTreeMap<String, (u64, u64)>,
}

impl Manifest {
    /// The manifest of `dir`; empty when it has none (every file is then untrusted). Lines
    /// that do not parse are ignored, so a damaged manifest only costs regenerations.
    pub fn load(dir: &Path) -> Self {
        let text = fs::read_to_string(dir.join(MANIFEST)).unwrap_or_default();
        let entries = text
            .lines()
            .filter_map(|line| {
                let mut fields = line.split_whitespace();
                let name = fields.next()?.to_owned();
                let len = fields.next()?.parse().ok()?;
                let digest = u64::from_str_radix(fields.next()?, 16).ok()?;
                Some((name, (len, digest)))
            })
            .collect();
        Self { entries }
    }

    /// Whether `bytes` are what the manifest recorded for `name`.
    pub fn matches(&self, name: &str, bytes: &[u8]) -> bool {
        self.entries
            .get(name)
            .is_some_and(|&(len, digest)| len == bytes.len() as u64 && digest == fnv1a(bytes))
    }

    /// Records `bytes` as the content of `name`.
    pub fn record(&mut self, name: &str, bytes: &[u8]) {
        self.entries
            .insert(name.to_owned(), (bytes.len() as u64, fnv1a(bytes)));
    }

    /// Writes the manifest into `dir` atomically (a temporary file renamed into place).
    pub fn save(&self, dir: &Path) -> Result<(), String> {
        let mut text = String::new();
        for (name, (len, digest)) in &self.entries {
            text.push_str(&format!("{name} {len} {digest:016x}\n"));
        }
        let mut file = tempfile::NamedTempFile::new_in(dir)
            .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
        file.write_all(text.as_bytes())
            .map_err(|e| format!("cannot write the cache manifest: {e}"))?;
        file.persist(dir.join(MANIFEST))
            .map_err(|e| format!("cannot write {}: {e}", dir.join(MANIFEST).display()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_file_matches_only_its_own_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let mut manifest = Manifest::default();
        manifest.record("a.jpg", b"photo a");
        manifest.save(dir.path()).unwrap();
        let loaded = Manifest::load(dir.path());
        assert_eq!(loaded, manifest);
        assert!(loaded.matches("a.jpg", b"photo a"));
        assert!(
            !loaded.matches("a.jpg", b"photo b"),
            "same length, other bytes"
        );
        assert!(!loaded.matches("a.jpg", b"photo"), "truncated");
        assert!(!loaded.matches("b.jpg", b"photo a"), "not listed");
        assert_eq!(
            Manifest::load(&dir.path().join("none")),
            Manifest::default()
        );
    }
}
