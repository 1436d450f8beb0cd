//! Replacing a report folder whole, or not at all.
//!
//! Why: a report is a set of files that point at one another: `index.html` and `README.md`
//! name the charts. A write that fails half-way (a full disk, a name the file system refuses,
//! a kill) must never leave pages pointing at charts that were not written, nor new pages
//! beside the charts of an older report. So the new report is written in full into a staging
//! folder beside the old one, and the two folders are exchanged in one step (Linux's
//! `renameat2` with `RENAME_EXCHANGE`): whoever reads the folder sees the old report or the new
//! one, never a mix. What the folder holds that is not the report's own (the results files the
//! report was made from, anything a person put there) is carried into the staging folder first,
//! as hard links, so nothing is lost; the old report's own files (an earlier run's charts
//! included) go with the old folder.
//!
//! Where the exchange cannot be made (a file system without it, a mount point, a parent folder
//! that is not writable, or the folder is this process's working directory, which would leave a
//! shell standing in a deleted folder), each file is staged beside its destination and renamed
//! into place instead: the weaker guarantee that no file is ever half-written, and that a
//! failure while rendering or staging changes nothing.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{ReportError, ReportFile};

/// The names at the top of a report folder that belong to the report, whether or not this
/// report writes them: an earlier report's copy is not carried into the new one.
const OWNED: [&str; 6] = [
    "index.html",
    "README.md",
    "results.csv",
    "articles.md",
    "articles",
    "charts",
];

/// How [`write`] put the report in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replaced {
    /// The folder was exchanged whole for the staged one.
    Whole,
    /// File by file (the exchange could not be made here): no file is half-written.
    FileByFile,
}

/// Writes `files` into `dir` so that an earlier report there is replaced whole or not at all
/// (see the module's documentation); a failure leaves `dir` as it was.
pub fn write(dir: &Path, files: &[ReportFile]) -> Result<Replaced, ReportError> {
    let fail = |path: &Path| {
        let path = path.display().to_string();
        move |source| ReportError::Write { path, source }
    };
    std::fs::create_dir_all(dir).map_err(fail(dir))?;
    let real = dir.canonicalize().map_err(fail(dir))?;
    let Some(stage) = Stage::beside(&real) else {
        return file_by_file(dir, files).map(|()| Replaced::FileByFile);
    };
    for file in files {
        let path = stage.path.join(&file.path);
        write_synced(&path, &file.bytes).map_err(fail(&dir.join(&file.path)))?;
    }
    carry_foreign(&real, &stage.path, files).map_err(fail(dir))?;
    match exchange(&stage.path, &real) {
        // The staging path now holds the old report; dropping `stage` removes it.
        Ok(()) => Ok(Replaced::Whole),
        Err(e) if cannot_exchange_here(&e) => {
            drop(stage);
            file_by_file(dir, files).map(|()| Replaced::FileByFile)
        }
        Err(e) => Err(fail(dir)(e)),
    }
}

/// A staging folder beside the report folder, removed when dropped (after an exchange, it holds
/// the old report).
struct Stage {
    path: PathBuf,
}

impl Stage {
    /// A new, empty folder beside `real` with `real`'s permissions; `None` where one cannot be
    /// made there, or where `real` holds this process's working directory.
    fn beside(real: &Path) -> Option<Stage> {
        let parent = real.parent()?;
        let cwd = std::env::current_dir().ok()?;
        if cwd.starts_with(real) {
            return None;
        }
        let mut name = OsString::from(".");
        name.push(real.file_name()?);
        name.push(format!(".poolbench-new-{}", std::process::id()));
        let path = parent.join(name);
        // A folder left by a killed earlier report of this same process id is stale.
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir(&path).ok()?;
        let stage = Stage { path };
        let permissions = std::fs::metadata(real).ok()?.permissions();
        std::fs::set_permissions(&stage.path, permissions).ok()?;
        Some(stage)
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Writes `bytes` to the new file `path` (creating its folders) and flushes it to disk.
fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Links into `stage` everything at the top of `old` that is not the report's own, so the
/// exchange keeps it.
fn carry_foreign(old: &Path, stage: &Path, files: &[ReportFile]) -> std::io::Result<()> {
    let written = |name: &str| files.iter().any(|f| f.path.split('/').next() == Some(name));
    for entry in std::fs::read_dir(old)? {
        let entry = entry?;
        let name = entry.file_name();
        let owned = name
            .to_str()
            .is_some_and(|n| OWNED.contains(&n) || written(n));
        if !owned {
            carry(&entry.path(), &stage.join(&name))?;
        }
    }
    Ok(())
}

/// `from` recreated at `to`: files as hard links (copies where a link cannot be made),
/// folders entry by entry, symbolic links as links to the same target.
fn carry(from: &Path, to: &Path) -> std::io::Result<()> {
    let kind = std::fs::symlink_metadata(from)?.file_type();
    if kind.is_symlink() {
        std::os::unix::fs::symlink(std::fs::read_link(from)?, to)
    } else if kind.is_dir() {
        std::fs::create_dir(to)?;
        std::fs::set_permissions(to, std::fs::metadata(from)?.permissions())?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            carry(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else if kind.is_file() {
        std::fs::hard_link(from, to).or_else(|_| std::fs::copy(from, to).map(drop))
    } else {
        // A socket or a named pipe has no content to carry; it is left with the old folder.
        Ok(())
    }
}

/// Exchanges the folders `a` and `b` in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call; the
    // system call only reads them.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Errors that say the exchange is impossible here (not that the disk failed).
fn cannot_exchange_here(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::Unsupported
        || matches!(
            e.raw_os_error(),
            Some(libc::EINVAL | libc::ENOSYS | libc::EXDEV | libc::EBUSY | libc::EPERM)
        )
}

/// The fallback: every file staged in full beside its destination, then all renamed into
/// place. A failure before the renames removes the staged files and changes nothing.
fn file_by_file(dir: &Path, files: &[ReportFile]) -> Result<(), ReportError> {
    let mut staged = Vec::with_capacity(files.len());
    for file in files {
        let path = dir.join(&file.path);
        let fail = |source| ReportError::Write {
            path: path.display().to_string(),
            source,
        };
        let parent = path.parent().unwrap_or(dir);
        std::fs::create_dir_all(parent).map_err(fail)?;
        let tmp = poolbench_results::staged_file(parent, &file.bytes).map_err(fail)?;
        staged.push((tmp, path));
    }
    for (tmp, path) in staged {
        tmp.persist(&path).map_err(|e| ReportError::Write {
            path: path.display().to_string(),
            source: e.error,
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> ReportFile {
        ReportFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    /// Every file under `dir`, with its text, sorted.
    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path.strip_prefix(dir).unwrap().display().to_string();
                    out.push((rel, std::fs::read_to_string(&path).unwrap_or_default()));
                }
            }
        }
        out.sort();
        out
    }

    fn old_report(dir: &Path) {
        write(
            dir,
            &[
                file("index.html", "old index"),
                file("README.md", "old readme"),
                file("charts/gone.svg", "old chart"),
                file("charts/kept.svg", "old kept"),
            ],
        )
        .unwrap();
        std::fs::write(dir.join("results.json"), "measured").unwrap();
        std::fs::create_dir(dir.join("notes")).unwrap();
        std::fs::write(dir.join("notes/mine.txt"), "a person's").unwrap();
    }

    #[test]
    fn a_new_report_replaces_the_old_whole_and_keeps_what_is_not_the_reports() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("latest");
        old_report(&dir);
        let how = write(
            &dir,
            &[
                file("index.html", "new index"),
                file("charts/kept.svg", "new"),
            ],
        )
        .unwrap();
        assert_eq!(how, Replaced::Whole);
        let want: Vec<(String, String)> = [
            ("charts/kept.svg", "new"),
            ("index.html", "new index"),
            ("notes/mine.txt", "a person's"),
            ("results.json", "measured"),
        ]
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
        assert_eq!(
            tree(&dir),
            want,
            "the old charts and README go with the old report"
        );
        // Nothing is left beside the folder.
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_write_leaves_the_old_report_exactly_as_it_was() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("latest");
        old_report(&dir);
        let before = tree(&dir);
        let too_long = format!("charts/{}.svg", "x".repeat(300));
        let err = write(
            &dir,
            &[file("index.html", "new index"), file(&too_long, "chart")],
        )
        .unwrap_err();
        assert!(err.to_string().contains("cannot write"), "{err}");
        assert_eq!(tree(&dir), before);
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_folder_reached_through_a_symbolic_link_stays_a_link() {
        let root = tempfile::tempdir().unwrap();
        let real = root.path().join("real");
        old_report(&real);
        let link = root.path().join("latest");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write(&link, &[file("index.html", "new index")]).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            std::fs::read_to_string(real.join("index.html")).unwrap(),
            "new index"
        );
        assert_eq!(
            std::fs::read_to_string(real.join("results.json")).unwrap(),
            "measured"
        );
    }

    #[test]
    fn file_by_file_writes_the_same_files() {
        let root = tempfile::tempdir().unwrap();
        file_by_file(root.path(), &[file("charts/a.svg", "a"), file("x.md", "x")]).unwrap();
        assert_eq!(
            tree(root.path()),
            vec![
                ("charts/a.svg".to_owned(), "a".to_owned()),
                ("x.md".to_owned(), "x".to_owned())
            ]
        );
    }
}
