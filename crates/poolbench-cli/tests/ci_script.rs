//! `scripts/ci-regression.sh` stopped while it builds the base commit: its temporary worktree
//! and files are gone, whichever signal stopped it. The build is a stand-in (a `cargo` that
//! sleeps) in a scratch repository, so the test takes seconds.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(repo)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_stopped_comparison_leaves_no_worktree_and_no_temporary_files() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/ci-regression.sh");
    for (signal, code) in [(libc::SIGTERM, 143), (libc::SIGINT, 130)] {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let scratch = dir.path().join("tmp");
        std::fs::create_dir_all(repo.join("scripts")).unwrap();
        std::fs::create_dir_all(&scratch).unwrap();
        std::fs::copy(&script, repo.join("scripts/ci-regression.sh")).unwrap();
        git(&repo, &["init", "--quiet"]);
        std::fs::write(repo.join("a.txt"), "one").unwrap();
        git(&repo, &["add", "."]);
        git(&repo, &["commit", "--quiet", "-m", "one"]);
        std::fs::write(repo.join("a.txt"), "two").unwrap();
        git(&repo, &["commit", "--quiet", "-am", "two"]);
        // The working tree's build passes at once; the base's (in the worktree) takes a minute.
        let cargo = dir.path().join("cargo");
        std::fs::write(
            &cargo,
            format!(
                "#!/bin/sh\n[ \"$PWD\" = \"{}\" ] && exit 0\nexec sleep 60\n",
                repo.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&cargo, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let mut child = Command::new("bash")
            .arg("scripts/ci-regression.sh")
            .arg("HEAD~1")
            .current_dir(&repo)
            .env("POOLBENCH_CI_CARGO", &cargo)
            .env("CI_CACHE", dir.path().join("cache"))
            .env("TMPDIR", &scratch)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while git(&repo, &["worktree", "list"]).lines().count() < 2 {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no worktree was made"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(300));
        // SAFETY: kill has no memory preconditions; the pid is our child's.
        unsafe { libc::kill(child.id() as i32, signal) };
        let stopped = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(
                stopped.elapsed() < Duration::from_secs(20),
                "the script did not stop"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
        assert_eq!(status.code(), Some(code), "{stderr}");
        assert!(stderr.contains("removed its worktree"), "{stderr}");
        assert_eq!(git(&repo, &["worktree", "list"]).lines().count(), 1);
        let left: Vec<_> = std::fs::read_dir(&scratch).unwrap().collect();
        assert!(left.is_empty(), "left behind: {left:?}");
    }
}
