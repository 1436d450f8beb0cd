//! Limits and damaged inputs as a user meets them: plans too big for the machine, suite files
//! over the limits, results files no report can draw, clients that never read, a damaged
//! input cache. Every command here runs under its own time bound.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{poolbench, results, short_run, sum_run, KillOnDrop};
use predicates::prelude::*;
use serde_json::Value;

/// Counts and sizes over what the machine can hold are refused with one line and status 2,
/// before a server starts or a file is written.
#[test]
fn plans_too_big_for_the_machine_exit_2_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let cases: &[(&[&str], &str)] = &[
        (&["--workers", "100000"], "workers is more than"),
        (
            &["--workloads", "noop", "--tasks", "100000000"],
            "over the limit of 1000000",
        ),
        (
            &["--repeat", "4000000000"],
            "repeat 4000000000 is over the limit",
        ),
        (
            &["--workloads", "thumbnail", "--set", "thumbnail.width=65535"],
            "at most 16384 pixels",
        ),
        (
            &[
                "--workloads",
                "thumbnail",
                "--set",
                "thumbnail.width=10000",
                "--set",
                "thumbnail.height=10000",
            ],
            "over the limit of 50000000",
        ),
        (
            &[
                "--workloads",
                "sum-mem",
                "--tasks",
                "1000000",
                "--set",
                "sum-mem.elements_per_task=100000000",
            ],
            "of memory, more than half",
        ),
        (
            &["--workloads", "http,sum", "--set", "sum.x=3"],
            "unknown field `x`",
        ),
        (&["--task-timeout", "0"], "is not a number of seconds"),
        (&["--task-timeout", "nan"], "is not a number of seconds"),
    ];
    for (args, message) in cases {
        poolbench()
            .arg("run")
            .args(*args)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(*message))
            .stderr(predicate::function(|s: &str| {
                s.trim_end().lines().count() == 1
            }));
        assert!(!out.exists(), "{args:?} wrote its output folder");
    }
    let a_file = dir.path().join("a-file");
    std::fs::write(&a_file, "").unwrap();
    poolbench()
        .args(["run", "--workloads", "noop", "--cache-dir"])
        .arg(a_file.join("cache"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot use --cache-dir"));
}

/// The same limits in a suite file are reported at their line and column.
#[test]
fn suite_files_over_the_limits_name_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "repeat = 4000000000\n[[workload]]\nname = \"noop\"\n",
            ":1:10",
            "over the limit",
        ),
        (
            "[[workload]]\nname = \"noop\"\ntasks = 100000000000\n",
            ":3:9",
            "over the limit",
        ),
        (
            "[[workload]]\nname = \"noop\"\nworkers = [100000]\n",
            ":1:1",
            "workers is more than",
        ),
        (
            "task_timeout_s = -1\n[[workload]]\nname = \"noop\"\n",
            ":1:18",
            "must be above 0",
        ),
        (
            "[[workload]]\nname = \"sleep\"\nparams = { delay_ms = inf }\n",
            ":3:10",
            "finite",
        ),
    ];
    for (i, (text, place, message)) in cases.iter().enumerate() {
        let suite = dir.path().join(format!("suite{i}.toml"));
        std::fs::write(&suite, text).unwrap();
        poolbench()
            .args(["run", "--suite"])
            .arg(&suite)
            .arg("--out")
            .arg(dir.path().join("out"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("suite{i}.toml{place}")))
            .stderr(predicate::str::contains(*message));
    }
}

/// `report` on results no chart can draw honestly — absurd or negative times, an endless
/// device — answers with one line and status 2 in bounded time, never a panic or a hang; a
/// cell with millions of samples is reported.
#[test]
fn report_is_total_on_extreme_and_huge_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let base = sum_run(&dir.path().join("base"));
    let variant = |name: &str, edit: &dyn Fn(&mut Value)| {
        let mut json = base.clone();
        for cell in json["results"].as_array_mut().unwrap() {
            edit(cell);
        }
        let path = dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
        path
    };
    let refused = [
        (
            variant("m308.json", &|c| c["time"]["median_s"] = 1e308.into()),
            "at most",
        ),
        (
            variant("m20.json", &|c| c["time"]["median_s"] = 1e20.into()),
            "at most",
        ),
        (
            variant("ideal.json", &|c| c["scaling"]["ideal_s"] = 1e25.into()),
            "at most",
        ),
        (
            variant("cpu.json", &|c| c["cost"]["cpu_s"] = 1e25.into()),
            "at most",
        ),
        (
            variant("neg.json", &|c| c["time"]["samples_s"][0] = (-1.0).into()),
            "negative",
        ),
        (Path::new("/dev/zero").to_owned(), "over 256 MiB"),
    ];
    for (path, message) in refused {
        poolbench()
            .arg("report")
            .arg(&path)
            .arg("--out")
            .arg(dir.path().join("r"))
            .timeout(Duration::from_secs(30))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message))
            .stderr(predicate::function(|s: &str| {
                s.trim_end().lines().count() == 1
            }));
    }
    // Five million samples in one cell, written as text: building them as JSON values would dominate.
    let many = variant("many.json", &|c| {
        c["time"]["samples_s"] = Value::String("MANY".into())
    });
    let samples: Vec<String> = (0..5_000_000).map(|i| format!("0.001{i:07}")).collect();
    let text = std::fs::read_to_string(&many).unwrap();
    let text = text
        .replacen("\"MANY\"", &format!("[{}]", samples.join(",")), 1)
        .replace("\"MANY\"", "[0.001]");
    std::fs::write(&many, text).unwrap();
    poolbench()
        .arg("report")
        .arg(&many)
        .arg("--out")
        .arg(dir.path().join("many"))
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
}

/// The mock server streams large bodies: 150 clients asking for 16 MiB each and never
/// reading keep it under 256 MiB (it held 2.5 GB when bodies were built whole), and
/// `/health` still answers. SIGTERM then ends `serve` at once, with status 0.
#[cfg(target_os = "linux")]
#[test]
fn the_server_stays_small_under_unread_large_bodies_and_stops_on_sigterm() {
    use std::io::{BufRead, Read, Write};
    let mut server = KillOnDrop(
        std::process::Command::new(assert_cmd::cargo::cargo_bin("poolbench"))
            .args(["serve", "--port", "0"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let server = &mut server.0;
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap()
        .to_owned();
    let clients: Vec<std::net::TcpStream> = (0..150)
        .map(|i| {
            let mut c = std::net::TcpStream::connect(&address).unwrap();
            write!(c, "GET /item/{i}?size=16777216 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            c
        })
        .collect();
    std::thread::sleep(Duration::from_secs(2));
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.id())).unwrap();
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap();
    assert!(peak_kib < 256 * 1024, "the server peaked at {peak_kib} KiB");
    let mut health = std::net::TcpStream::connect(&address).unwrap();
    // Generous: this debug build generates the bodies that fill the clients' socket buffers
    // slowly, and other tests share the cores.
    health
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        health,
        "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    health.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    drop(clients);
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            server.kill().ok();
            panic!("serve was still running 5 s after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}

/// A cached input photo that was truncated or swapped is generated again, so the run uses the
/// same inputs as a clean run and verifies.
#[test]
fn a_damaged_cached_photo_is_generated_again() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let run = |out: &str| {
        short_run("rayon", "thumbnail", &dir.path().join(out))
            .args([
                "--set",
                "thumbnail.width=64",
                "--set",
                "thumbnail.height=48",
            ])
            .arg("--cache-dir")
            .arg(&cache)
            .assert()
            .success();
    };
    run("clean");
    let photos: Vec<_> = walk(&cache)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    assert_eq!(photos.len(), 4, "{photos:?}");
    let clean: Vec<Vec<u8>> = photos.iter().map(|p| std::fs::read(p).unwrap()).collect();
    std::fs::write(&photos[0], &clean[0][..clean[0].len() / 3]).unwrap();
    std::fs::write(&photos[1], &clean[2]).unwrap();
    run("again");
    for (photo, bytes) in photos.iter().zip(&clean) {
        assert_eq!(&std::fs::read(photo).unwrap(), bytes, "{}", photo.display());
    }
    assert!(results(&dir.path().join("again"))
        .iter()
        .all(|c| c["outcome"]["verified"] == true));
}

/// Every file under `dir`, sorted.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
}
