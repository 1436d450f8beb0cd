//! The `poolbench` binary as a user meets it: `list`, a tiny `run`, and every kind of bad input.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn poolbench() -> Command {
    Command::cargo_bin("poolbench").expect("the poolbench binary is built")
}

/// A tiny run that still touches every kind of workload preparation.
fn tiny_run(out: &Path, cache: &Path) -> Command {
    let mut cmd = poolbench();
    cmd.args([
        "run",
        "--workloads",
        "sleep,sum,thumbnail,http",
        "--models",
        "rayon,tokio,process",
    ])
    .args([
        "--workers",
        "1,2",
        "--tasks",
        "3",
        "--repeat",
        "2",
        "--warmup",
        "1",
        "--measure-time",
        "0",
    ])
    .args(["--set", "sleep.delay_ms=1", "--set", "sum.n=1000"])
    .args([
        "--set",
        "thumbnail.width=32",
        "--set",
        "thumbnail.height=24",
    ])
    .arg("--out")
    .arg(out)
    .arg("--cache-dir")
    .arg(cache);
    cmd
}

#[test]
fn list_names_every_model_workload_and_preset() {
    let mut assert = poolbench().arg("list").assert().success();
    for name in poolbench_models::MODELS.iter().map(|m| m.name()) {
        assert = assert.stdout(predicate::str::contains(name));
    }
    for info in poolbench_workloads::WORKLOADS {
        assert = assert.stdout(predicate::str::contains(info.name));
    }
    assert
        .stdout(predicate::str::contains("quick"))
        .stdout(predicate::str::contains("seeds"))
        .stdout(predicate::str::contains("delay_ms=10"));
}

#[test]
fn run_help_explains_the_flags() {
    let assert = poolbench().args(["run", "--help"]).assert().success();
    let mut assert = assert.stdout(predicate::str::contains("sequential` always runs"));
    for flag in [
        "--models",
        "--workloads",
        "--workers",
        "--tasks",
        "--repeat",
        "--out",
        "--preset",
        "--set",
        "--suite",
        "--order",
        "--seed",
        "--json",
    ] {
        assert = assert.stdout(predicate::str::contains(flag));
    }
}

#[test]
fn tiny_run_writes_a_complete_verified_results_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    tiny_run(&out, &dir.path().join("cache"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "verified against the sequential oracle",
        ))
        .stdout(predicate::str::contains("thumbnail"));

    let text = std::fs::read_to_string(out.join("results.json")).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["schema"], "poolbench/2");
    let env = &json["environment"];
    for field in [
        "cpu_model",
        "logical_cores",
        "memory_bytes",
        "os",
        "kernel",
        "rustc",
        "poolbench_version",
        "git_commit",
        "command_line",
        "started_at",
    ] {
        assert!(env.get(field).is_some(), "environment.{field} missing");
    }
    assert!(env["logical_cores"].as_u64().unwrap() >= 1);
    assert_eq!(env["command_line"][1], "run");
    // The machine's noise: every allowed core probed, steal time over the run.
    let noise = &json["noise"];
    let speeds = noise["core_speeds"].as_array().unwrap();
    assert!(!speeds.is_empty(), "{noise}");
    assert!(speeds
        .iter()
        .all(|s| s["ns_per_step"].as_f64().unwrap() > 0.0));
    assert!(noise["steal_fraction"].as_f64().is_some(), "{noise}");
    assert_eq!(json["sampling"]["min_sample_s"], 0.025);

    let cells = json["results"].as_array().unwrap();
    // 4 workloads x (sequential oracle + 3 models x 2 worker counts).
    assert_eq!(cells.len(), 4 * (1 + 3 * 2));
    for cell in cells {
        let name = format!(
            "{} {} W={}",
            cell["workload"], cell["model"], cell["workers"]
        );
        assert_eq!(cell["tasks"], 3, "{name}");
        assert_eq!(
            cell["time"]["samples_s"].as_array().unwrap().len(),
            2,
            "{name}"
        );
        let median = cell["time"]["median_s"].as_f64().unwrap();
        assert!(median > 0.0, "{name}");
        // Two samples: the interval is min..max, at the 50 % it is worth.
        let ci = cell["time"]["median_ci_s"].as_array().unwrap();
        assert!(ci[0].as_f64().unwrap() <= median && median <= ci[1].as_f64().unwrap());
        assert_eq!(cell["time"]["ci_level"], 0.5, "{name}");
        assert_eq!(
            cell["time"]["sample_order"].as_array().unwrap().len(),
            2,
            "{name}"
        );
        assert!(
            cell["plan"]["batches_per_sample"].as_u64().unwrap() >= 1,
            "{name}"
        );
        let switches = &cell["cost"]["context_switches"];
        assert!(
            switches["voluntary"].as_f64().unwrap() >= 0.0,
            "{name}: {switches}"
        );
        assert!(cell["scaling"]["ideal_s"].as_f64().unwrap() > 0.0, "{name}");
        assert_eq!(cell["outcome"]["verified"], true, "{name}: {cell}");
        assert_eq!(cell["outcome"]["failed_tasks"], 0, "{name}");
        assert!(cell["params"].is_object(), "{name}");
    }
    let process_cells: Vec<_> = cells.iter().filter(|c| c["model"] == "process").collect();
    assert_eq!(process_cells.len(), 8);
    for cell in cells.iter().filter(|c| c["workload"] == "http") {
        // `latency` does not say its unit: the workload records it for reports.
        assert_eq!(cell["param_units"]["latency"], "ms", "{cell}");
        assert!(cell["params"]["url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:"));
        let latency = &cell["per_task"]["latency_s"];
        assert!(
            latency["p50"].as_f64().unwrap() <= latency["p99"].as_f64().unwrap(),
            "{cell}"
        );
        assert!(latency["max"].as_f64().unwrap() > 0.0);
    }
    for cell in process_cells {
        assert!(cell["cost"]["startup_s"].as_f64().unwrap() > 0.0, "{cell}");
        assert!(cell["cost"]["child_cpu_s"].as_f64().is_some(), "{cell}");
        assert!(
            cell["cost"]["peak_rss_bytes"].as_u64().unwrap() > 0,
            "{cell}"
        );
    }
    let sleep_rayon_w2 = cells
        .iter()
        .find(|c| c["workload"] == "sleep" && c["model"] == "rayon" && c["workers"] == 2)
        .unwrap();
    assert_eq!(sleep_rayon_w2["params"]["delay_ms"], 1.0);
    assert!(
        sleep_rayon_w2["per_task"]["max_in_flight"]
            .as_u64()
            .unwrap()
            <= 2
    );
    // The report sits beside the results, and nothing temporary is left.
    let mut names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "README.md",
            "charts",
            "index.html",
            "results.csv",
            "results.json"
        ]
    );
    let charts = std::fs::read_dir(out.join("charts")).unwrap().count();
    assert!(
        charts >= 4 * 2 * 3,
        "time, speedup and bar charts per workload, SVG and PNG: {charts}"
    );

    // `report` re-renders from the saved results elsewhere; bad input exits 2.
    let again = dir.path().join("again");
    poolbench()
        .arg("report")
        .arg(out.join("results.json"))
        .arg("--out")
        .arg(&again)
        .assert()
        .success();
    assert!(again.join("index.html").is_file() && again.join("charts").is_dir());
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"schema\": \"poolbench/1\", \"results\": [").unwrap();
    poolbench()
        .arg("report")
        .arg(&broken)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a poolbench results file"));
    poolbench()
        .args(["report", "no-such-results.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read no-such-results.json"));
}

/// Each bad input: exit code 2, one clear message, and an earlier results.json untouched.
#[test]
fn bad_input_exits_2_with_a_clear_message_and_keeps_earlier_results() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    std::fs::create_dir_all(&out).unwrap();
    let earlier = out.join("results.json");
    std::fs::write(&earlier, "{\"earlier\": true}").unwrap();
    let a_file = dir.path().join("a-file");
    std::fs::write(&a_file, "").unwrap();
    let unwritable = a_file.join("report");

    let cases: &[(&[&str], &str)] = &[
        (&["--workers", "0"], "at least 1"),
        (&["--workers", "1,two"], "not a whole number"),
        (&["--tasks", "many"], "not a whole number"),
        (&["--repeat", "0"], "at least 1"),
        (
            &["--models", "rayon,gevent"],
            "unknown model 'gevent' (accepted: sequential,",
        ),
        (
            &["--workloads", "fibonacci"],
            "unknown workload 'fibonacci' (accepted: sleep,",
        ),
        (
            &["--preset", "huge"],
            "unknown preset 'huge' (accepted: quick",
        ),
        (&["--set", "sleep"], "is not WORKLOAD.KEY=VALUE"),
        (
            &["--workloads", "sleep", "--set", "sleep.speed=3"],
            "bad parameters for workload 'sleep'",
        ),
        (
            &["--workloads", "sleep", "--set", "sum.n=3"],
            "workload 'sum' is not selected",
        ),
        (
            &["--workloads", "http", "--url", "localhost:8080"],
            "--url localhost:8080: must start with http://",
        ),
        (
            &["--workloads", "http", "--url", "http://127.0.0.1:1"],
            "cannot connect to 127.0.0.1:1",
        ),
        (
            &["--workloads", "http", "--url", "http://no such host/"],
            "is not HOST:PORT",
        ),
        (
            &["--workloads", "sleep", "--url", "http://127.0.0.1:1"],
            "add http to --workloads",
        ),
    ];
    for (args, message) in cases {
        poolbench()
            .arg("run")
            .args(*args)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*message));
        assert_eq!(
            std::fs::read_to_string(&earlier).unwrap(),
            "{\"earlier\": true}",
            "{args:?}"
        );
    }
    poolbench()
        .args(["run", "--workloads", "noop", "--out"])
        .arg(&unwritable)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write to --out"));
}

/// A process model whose worker program cannot be started fails its cells with a clear
/// message and the run exits 1, instead of hanging.
#[test]
fn a_missing_worker_program_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    poolbench()
        .env("POOLBENCH_WORKER", dir.path().join("no-such-worker"))
        .args([
            "run",
            "--models",
            "process-spawn",
            "--workloads",
            "noop",
            "--tasks",
            "10",
        ])
        .args(["--workers", "2", "--repeat", "1", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no-such-worker does not exist"));
}

/// Every process descended from `pid` (children, grandchildren…), from /proc.
fn descendants(pid: u32) -> Vec<u32> {
    let parent_of = |p: u32| -> Option<u32> {
        let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
        stat.rsplit_once(')')?
            .1
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    let all: Vec<u32> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(all.iter().filter(|&&p| parent_of(p) == Some(parent)));
        i += 1;
    }
    found.remove(0);
    found
}

/// Ctrl-C while a process pool takes its turns: the run stops, keeps the finished workload and
/// the measured cells, ends and reaps every worker process, and exits with status 130.
#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_saves_finished_cells_and_leaves_no_process_behind() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("poolbench"))
        .args([
            "run",
            "--models",
            "process",
            "--workloads",
            "noop,sleep",
            "--set",
            "sleep.delay_ms=10",
        ])
        .args(["--tasks", "8", "--workers", "1", "--repeat", "40"])
        .args(["--measure-time", "0", "--warmup", "0", "-q", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the noop workload to be saved and the sleep workload's pool to exist.
    let deadline = Instant::now() + Duration::from_secs(60);
    let workers = loop {
        let found = descendants(child.id());
        if out.join("results.json").is_file() && found.len() >= 2 {
            break found;
        }
        assert!(
            Instant::now() < deadline,
            "the sleep workload never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    // Let some rounds of 80 ms samples go by (40 rounds would take about 6.5 s).
    std::thread::sleep(Duration::from_millis(1500));
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "poolbench did not stop after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("interrupted"), "{stderr}");
    for pid in workers {
        assert!(
            !Path::new(&format!("/proc/{pid}")).exists(),
            "worker {pid} outlived the run"
        );
    }
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let cells = json["results"].as_array().unwrap();
    let noop: Vec<_> = cells.iter().filter(|c| c["workload"] == "noop").collect();
    assert_eq!(noop.len(), 2, "the finished workload is kept whole");
    assert!(noop.iter().all(|c| c["outcome"]["verified"] == true
        && c["time"]["samples_s"].as_array().unwrap().len() == 40
        && c.get("interrupted").is_none()));
    // The stopped workload keeps the cells it measured, each with its samples so far.
    let sleep: Vec<_> = cells.iter().filter(|c| c["workload"] == "sleep").collect();
    assert!(!sleep.is_empty(), "{stderr}");
    for cell in &sleep {
        assert_eq!(cell["outcome"]["interrupted"], true);
        let samples = cell["time"]["samples_s"].as_array().unwrap().len();
        assert!((1..40).contains(&samples), "{samples} samples");
    }
    let report = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(
        report.contains(&format!("{} cells (2 models)", cells.len())),
        "a report is rendered from the measured cells: {report}"
    );
    assert!(out.join("index.html").is_file());
}

/// `repro` compares two runs of the same plan: here a run with itself agrees everywhere.
#[test]
fn repro_compares_two_runs_per_workload() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    poolbench()
        .args(["run", "--workloads", "noop,sleep", "--models", "rayon"])
        .args([
            "--workers",
            "2",
            "--tasks",
            "4",
            "--set",
            "sleep.delay_ms=1",
        ])
        .args([
            "--repeat",
            "6",
            "--measure-time",
            "0",
            "--min-sample-ms",
            "1",
            "-q",
        ])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let results = out.join("results.json");
    poolbench()
        .arg("repro")
        .arg(&results)
        .arg(&results)
        .assert()
        .success()
        .stdout(predicate::str::contains("noop"))
        .stdout(predicate::str::contains("sleep"))
        .stdout(predicate::str::contains(
            "all: 4/4 cells (100.0%) had the second median inside",
        ));
    let assert = poolbench()
        .args(["repro", "--json"])
        .arg(&results)
        .arg(&results)
        .assert()
        .success();
    let json: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(json["cells"], 4);
    assert_eq!(json["workloads"].as_array().unwrap().len(), 2);
    // Not a results file: exit 2, one line.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{}").unwrap();
    poolbench()
        .arg("repro")
        .arg(&bad)
        .arg(&results)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a poolbench results file"));
}

/// `--url` sends the http workload to an existing server instead of starting one.
#[test]
fn url_points_the_http_workload_at_an_existing_server() {
    let server =
        poolbench_server::RunningServer::start(poolbench_server::ServerConfig::default(), 1)
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    poolbench()
        .args([
            "run",
            "--workloads",
            "http",
            "--models",
            "tokio",
            "--tasks",
            "5",
        ])
        .args(["--workers", "2", "--repeat", "1", "--warmup", "0"])
        .args(["--measure-time", "0", "--min-sample-ms", "0", "--no-trace"])
        .arg("--url")
        .arg(server.url())
        .arg("--out")
        .arg(dir.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("started the mock").not());
    // The sequential oracle fetched the 5 items twice (its reference batch, then its sample),
    // tokio once (no traced batches: --no-trace).
    assert_eq!(server.stats().items_ok, 15);
}

/// `poolbench serve` prints where it listens first, and serves the item contract there.
#[test]
fn serve_prints_its_address_and_serves_items() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("poolbench"))
        .args(["serve", "--port", "0", "--size", "64"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on http://127.0.0.1:")
        .map(|port| format!("http://127.0.0.1:{port}"));
    let body = url.as_ref().and_then(|url| {
        let mut response = ureq::get(&format!("{url}/item/3")).call().ok()?;
        response.body_mut().read_to_vec().ok()
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(url.is_some(), "first line: {line:?}");
    assert_eq!(body.unwrap(), poolbench_core::item_body(3, 64));
}

const TINY_SUITE: &str = r#"
repeat = 2
warmup = 0
measure_time_s = 0
workers = [1, 2]
models = ["rayon", "tokio"]

[[workload]]
name = "sleep"
tasks = 3
experiment = "S6-like"
params = { delay_ms = 1 }

[[workload]]
name = "noop"
tasks = 5
workers = [2]
"#;

/// Runs `suite` with `--json` into `out`; returns the stdout lines as JSON.
fn run_suite(suite: &Path, out: &Path, extra: &[&str]) -> Vec<Value> {
    let assert = poolbench()
        .args(["run", "--json", "--suite"])
        .arg(suite)
        .args(extra)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    String::from_utf8_lossy(&assert.get_output().stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}")))
        .collect()
}

#[test]
fn a_suite_file_runs_with_json_lines_and_a_recorded_shuffled_order() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("tiny.toml");
    std::fs::write(&suite, TINY_SUITE).unwrap();
    let out = dir.path().join("out");
    let lines = run_suite(&suite, &out, &["--seed", "11"]);
    // sleep: oracle + 2 models x 2 W; noop: oracle + 2 models x 1 W.
    assert_eq!(lines.len(), 5 + 3 + 1, "{lines:?}");
    let (cells, last) = lines.split_at(lines.len() - 1);
    assert!(cells.iter().all(|l| l["event"] == "cell"));
    assert_eq!(last[0]["event"], "finished");
    assert_eq!(last[0]["verified"], 8);
    let order: Vec<String> = cells
        .iter()
        .map(|l| {
            let c = &l["cell"];
            format!(
                "{} {} {} started {}",
                c["workload"], c["model"], c["workers"], c["plan"]["run_index"]
            )
        })
        .collect();
    // Workload by workload, each starting with its sequential oracle.
    assert!(order[0].contains("sleep") && order[0].contains("sequential"));
    assert!(order[5].contains("noop") && order[5].contains("sequential"));

    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(json["order_seed"], 11);
    assert_eq!(json["preset"], format!("suite {}", suite.display()));
    let saved = json["results"].as_array().unwrap();
    // Cells are saved in the registry's order; each records where it started in the run.
    let mut started: Vec<u64> = saved
        .iter()
        .map(|c| c["plan"]["run_index"].as_u64().unwrap())
        .collect();
    started.sort_unstable();
    assert_eq!(started, (0..saved.len() as u64).collect::<Vec<_>>());
    assert!(saved
        .iter()
        .filter(|c| c["workload"] == "sleep")
        .all(|c| c["experiment"] == "S6-like" && c["per_task"]["latency_samples_s"].is_array()));
    assert!(saved
        .iter()
        .all(|c| c["model"] != "sequential" || c["workers"] == 1));

    // The same seed gives the same order.
    let again = run_suite(&suite, &dir.path().join("again"), &["--seed", "11"]);
    let order_again: Vec<String> = again[..again.len() - 1]
        .iter()
        .map(|l| {
            let c = &l["cell"];
            format!(
                "{} {} {} started {}",
                c["workload"], c["model"], c["workers"], c["plan"]["run_index"]
            )
        })
        .collect();
    assert_eq!(order, order_again);

    // Two results files merge into one report labelled by machine.
    let merged = dir.path().join("merged");
    poolbench()
        .arg("report")
        .arg(out.join("results.json"))
        .arg(dir.path().join("again/results.json"))
        .args(["--labels", "first,second", "--out"])
        .arg(&merged)
        .assert()
        .success();
    let md = std::fs::read_to_string(merged.join("README.md")).unwrap();
    assert!(
        md.contains("On first: ") && md.contains("On second: "),
        "{md}"
    );
    assert!(md.contains("rayon · second"));
    assert!(merged
        .join("charts/time-vs-workers-s6-like-sleep.svg")
        .is_file());
    assert!(merged
        .join("charts/latency-cdf-s6-like-sleep.png")
        .is_file());

    // A bad --out leaves the earlier report intact.
    let index = std::fs::read(merged.join("index.html")).unwrap();
    let a_file = dir.path().join("a-file");
    std::fs::write(&a_file, "").unwrap();
    poolbench()
        .arg("report")
        .arg(out.join("results.json"))
        .arg("--out")
        .arg(a_file.join("report"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write to --out"));
    assert_eq!(std::fs::read(merged.join("index.html")).unwrap(), index);
    poolbench()
        .arg("report")
        .arg(out.join("results.json"))
        .args(["--labels", "a,b"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("2 labels for 1 results files"));
}

#[test]
fn a_malformed_suite_file_exits_2_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("repeat = 2\nworkers = [1,\n", ":2:"),
        (
            "[[workload]]\nname = \"sleep\"\nparams = { delay = 1 }\n",
            ":3:",
        ),
        (
            "[[workload]]\nname = \"fibonacci\"\n",
            "unknown workload 'fibonacci'",
        ),
        (
            "models = [\"gevent\"]\n[[workload]]\nname = \"noop\"\n",
            ":1:",
        ),
    ];
    for (i, (text, message)) in cases.iter().enumerate() {
        let suite = dir.path().join(format!("bad{i}.toml"));
        std::fs::write(&suite, text).unwrap();
        poolbench()
            .args(["run", "--suite"])
            .arg(&suite)
            .arg("--out")
            .arg(dir.path().join("out"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("bad{i}.toml")))
            .stderr(predicate::str::contains(*message));
    }
    assert!(!dir.path().join("out/results.json").exists());
    poolbench()
        .args(["run", "--suite", "no-such-suite.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read the suite file"));
}
