//! A team's CI on `poolbench history`: many jobs adding at once lose nothing, on an SQLite
//! file and on a shared PostgreSQL server (a private one each test starts itself); two runs
//! with one key are an error, not a silent skip; an empty file is refused untouched; both
//! stores find the same change points.

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::postgres::ScratchServer;
use common::{history, history_runs as runs, slower, Fixture};
use predicates::prelude::*;
use serde_json::Value;

/// Starts `poolbench history --db DB add FILE` for every file at once; every one must succeed.
fn add_all_at_once(db: &std::ffi::OsStr, files: &[PathBuf]) {
    let binary = assert_cmd::cargo::cargo_bin("poolbench");
    let children: Vec<_> = files
        .iter()
        .map(|file| {
            Command::new(&binary)
                .arg("history")
                .arg("--db")
                .arg(db)
                .arg("add")
                .arg(file)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        // Each waits for the others' transactions, 30 s at most, then fails: no hang.
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn listed_runs(db: &std::ffi::OsStr) -> usize {
    let out = history(db)
        .arg("list")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let last = text.lines().last().unwrap();
    last.split(' ').next().unwrap().parse().unwrap()
}

#[test]
fn eight_jobs_adding_to_one_new_sqlite_file_at_once_lose_nothing() {
    let f = Fixture::new();
    for trial in 0..6 {
        let files = runs(&f, &format!("t{trial}-"), 8, 99, 1.0);
        let db = f.dir.path().join(format!("h{trial}.db"));
        add_all_at_once(db.as_os_str(), &files);
        assert_eq!(listed_runs(db.as_os_str()), 8, "trial {trial}");
    }
}

#[test]
fn another_run_with_the_same_key_exits_2_naming_both_files() {
    let f = Fixture::new();
    let db = f.dir.path().join("h.db");
    let first = runs(&f, "a", 1, 99, 1.0).remove(0);
    let other = f.write("other.json", &|json: &mut Value| {
        json["environment"]["started_at"] = "2026-11-01T00:00:00Z".into();
        json["environment"]["git_commit"] = "a00".into();
        slower(json, 1.2);
    });
    history(db.as_os_str())
        .arg("add")
        .arg(&first)
        .assert()
        .success();
    let copy = f.dir.path().join("copy.json");
    std::fs::copy(&first, &copy).unwrap();
    history(db.as_os_str())
        .arg("add")
        .arg(&copy)
        .assert()
        .success()
        .stdout(predicate::str::contains("already in the history"));
    history(db.as_os_str())
        .arg("add")
        .arg(&other)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("other.json"))
        .stderr(predicate::str::contains("a00.json"))
        .stderr(predicate::str::contains("other figures"));
    assert_eq!(listed_runs(db.as_os_str()), 1);
    // Named apart, both are kept.
    history(db.as_os_str())
        .args(["add", "--commit", "a00-retry"])
        .arg(&other)
        .assert()
        .success();
    assert_eq!(listed_runs(db.as_os_str()), 2);
}

#[test]
fn an_empty_file_is_refused_by_every_command_and_left_empty() {
    let f = Fixture::new();
    let db = f.dir.path().join("empty.db");
    std::fs::write(&db, b"").unwrap();
    let file = runs(&f, "e", 1, 99, 1.0).remove(0);
    for args in [
        vec!["add", file.to_str().unwrap()],
        vec!["check"],
        vec!["list"],
    ] {
        history(db.as_os_str())
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("empty.db is an empty file"));
    }
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0);
}

///  `history check --format json`'s output and exit code.
fn check_json(db: &std::ffi::OsStr) -> (Value, i32) {
    let out = history(db)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

fn postgres_url(server: &ScratchServer) -> std::ffi::OsString {
    server.url.clone().into()
}

#[test]
fn a_shared_postgres_history_takes_parallel_adds_and_checks_as_sqlite_does() {
    let Some(server) = ScratchServer::start("postgres history") else {
        return;
    };
    let url = postgres_url(&server);
    // Nothing there yet: reading is a clear error, and creates nothing.
    history(&url)
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no history here"));
    let f = Fixture::new();
    for trial in 0..3 {
        let files = runs(&f, &format!("p{trial}-"), 8, 99, 1.0);
        add_all_at_once(&url, &files);
        assert_eq!(listed_runs(&url), 8 * (trial + 1), "trial {trial}");
    }
    // The same series in both stores: the same change points, the same verdict.
    let slowed = runs(&f, "s", 14, 9, 1.4);
    let sqlite = f.dir.path().join("same.db");
    for db in [&url, sqlite.as_os_str()] {
        history(db)
            .args(["add", "--machine", "team runners"])
            .args(&slowed)
            .assert()
            .success();
    }
    let (on_sqlite, sqlite_code) = check_json(sqlite.as_os_str());
    // The server also holds the parallel trials' runs, under their own machine.
    let (on_postgres, postgres_code) = check_json(&url);
    assert_eq!((sqlite_code, postgres_code), (1, 1));
    let pick = |all: &Value| -> Vec<Value> {
        all.as_array()
            .unwrap()
            .iter()
            .filter(|c| c["machine"] == "team runners")
            .map(|c| {
                let mut c = c.clone();
                c.as_object_mut().unwrap().remove("points");
                c
            })
            .collect()
    };
    let (a, b) = (pick(&on_sqlite), pick(&on_postgres));
    assert!(!a.is_empty());
    assert_eq!(a, b);
    // A password in the URL is never printed.
    history(std::ffi::OsStr::new(
        &server.url.replace("poolbench@", "poolbench:sekrit@"),
    ))
    .arg("list")
    .assert()
    .success()
    .stdout(predicate::str::contains("sekrit").not());
}

/// A runner's user needs no CREATE: once the tables are made, SELECT, INSERT and UPDATE on
/// them are enough to add (UPDATE for the lock that makes writers queue), SELECT to check.
#[test]
fn a_runner_with_table_privileges_only_adds_and_checks() {
    let Some(server) = ScratchServer::start("postgres privileges") else {
        return;
    };
    let f = Fixture::new();
    let files = runs(&f, "g", 3, 99, 1.0);
    history(&server.url)
        .arg("add")
        .arg(&files[0])
        .assert()
        .success();
    server.sql(
        "CREATE ROLE ci LOGIN; CREATE ROLE reader LOGIN;
         GRANT USAGE ON SCHEMA poolbench TO ci, reader;
         GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA poolbench TO ci;
         GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA poolbench TO reader;",
    );
    history(server.url_as("ci"))
        .arg("add")
        .arg(&files[1])
        .assert()
        .success();
    history(server.url_as("ci")).arg("check").assert().success();
    history(server.url_as("reader"))
        .arg("add")
        .arg(&files[2])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("permission denied"));
    history(server.url_as("reader"))
        .arg("check")
        .assert()
        .success();
    assert_eq!(listed_runs(std::ffi::OsStr::new(&server.url)), 2);
}
