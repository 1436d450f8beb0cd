//! A user's workloads, defined through the `poolbench` facade only (`src/main.rs`), run by
//! their bench binary on every model, and read back by `poolbench compare`, `history` and
//! `export`.

use std::path::Path;
use std::process::{Command, ExitCode, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

const BENCH: &str = env!("CARGO_BIN_EXE_poolbench-user-crate");

/// Every Rust model, by name.
const RUST_MODELS: [&str; 11] = [
    "sequential",
    "thread-per-task",
    "handrolled",
    "threadpool",
    "rayon",
    "crossbeam",
    "tokio",
    "tokio-blocking",
    "process",
    "process-fork",
    "process-spawn",
];

/// Runs the bench binary with `args`, quickly: one warm-up batch and one short sample a cell,
/// writing into `out`.
fn bench(out: &Path, args: &[&str]) -> Output {
    Command::new(BENCH)
        .args(args)
        .args(["--repeat", "1", "--max-repeat", "1", "--min-sample-ms", "0"])
        .args(["--measure-time", "0", "--quiet", "--out"])
        .arg(out)
        .output()
        .expect("the bench binary runs")
}

fn results(out: &Path) -> Value {
    let text = std::fs::read_to_string(out.join("results.json")).expect("results.json");
    serde_json::from_str(&text).expect("results.json is JSON")
}

fn cells<'a>(results: &'a Value, workload: &'a str) -> impl Iterator<Item = &'a Value> {
    results["results"]
        .as_array()
        .expect("cells")
        .iter()
        .filter(move |c| c["workload"] == workload)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `poolbench ARGS…`, in this process, as the `poolbench` program would run them: its exit
/// status.
fn poolbench(args: &[&str]) -> u8 {
    let args = std::iter::once("poolbench")
        .chain(args.iter().copied())
        .map(str::to_owned);
    let code = poolbench_cli::run_with_args(args);
    (0..=u8::MAX)
        .find(|&status| code == ExitCode::from(status))
        .expect("an exit status")
}

#[test]
fn user_workloads_run_on_every_rust_model_and_the_tools_read_them() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&first, &second] {
        let run = bench(
            out,
            &[
                "--workloads",
                "squares,lcg,waits",
                "--workers",
                "2",
                "--tasks",
                "6",
            ],
        );
        assert!(run.status.success(), "{}", stderr(&run));
    }
    let results = results(&first);
    for workload in ["squares", "lcg", "waits"] {
        let mut models: Vec<&str> = cells(&results, workload)
            .map(|c| {
                assert_eq!(c["outcome"]["verified"], true, "{workload}: {c}");
                c["model"].as_str().unwrap()
            })
            .collect();
        models.sort_unstable();
        let mut every = RUST_MODELS.to_vec();
        every.sort_unstable();
        assert_eq!(models, every, "{workload} ran on every Rust model");
    }
    // The custom workload's parameters are recorded with their defaults filled in.
    let lcg = cells(&results, "lcg").next().unwrap();
    assert_eq!(lcg["params"]["steps"], 50_000);
    // What each workload is, recorded: the user's own, with or without an async form.
    let record = |name: &str| {
        results["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(record("squares")["origin"], "user");
    assert_eq!(record("squares")["async_form"], false);
    assert_eq!(record("waits")["async_form"], true);
    assert_eq!(results["preset"], "bench poolbench_user_crate");

    // The report says, beside tokio's squares cells, that they ran the blocking form.
    let report = std::fs::read_to_string(first.join("README.md")).unwrap();
    assert!(report.contains("| tokio † | 2 |"), "{report}");
    assert!(report.contains("squares has no async form"), "{report}");

    let (a, b) = (first.join("results.json"), second.join("results.json"));
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    assert_eq!(
        poolbench(&["compare", a, b, "--no-fail", "--format", "json"]),
        0
    );
    let db = dir.path().join("history.db");
    let db = db.to_str().unwrap();
    assert_eq!(poolbench(&["history", "add", "--db", db, a, b]), 0);
    assert_eq!(poolbench(&["history", "list", "--db", db]), 0);
    let bmf = dir.path().join("bmf.json");
    let bmf_path = bmf.to_str().unwrap();
    assert_eq!(
        poolbench(&["export", "--format", "bmf", a, "-o", bmf_path]),
        0
    );
    let bmf: Value = serde_json::from_str(&std::fs::read_to_string(&bmf).unwrap()).unwrap();
    let names: Vec<&String> = bmf.as_object().unwrap().keys().collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("lcg[steps=50000]/N=6/process-spawn/W=2")),
        "{names:?}"
    );
    assert_eq!(names.len(), 3 * (1 + 10), "{names:?}");
}

#[test]
fn outputs_that_depend_on_time_or_thread_fail_verification_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let run = bench(
        dir.path(),
        &[
            "--workloads",
            "clock,thread-name",
            "--models",
            "rayon,process",
        ],
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let text = stderr(&run);
    assert!(text.contains("must depend only on its index"), "{text}");
    assert!(text.contains("not on where it runs"), "{text}");
    let results = results(dir.path());
    // The oracle itself cannot reproduce a clock: it is caught against its own first batch.
    let oracle = cells(&results, "clock")
        .find(|c| c["model"] == "sequential")
        .unwrap();
    assert_eq!(oracle["outcome"]["verified"], false);
    assert!(oracle["outcome"]["errors"][0]
        .as_str()
        .unwrap()
        .contains("oracle's output changed"));
    // The thread's name is the same for the oracle every time, and not on rayon's threads.
    let rayon = cells(&results, "thread-name")
        .find(|c| c["model"] == "rayon")
        .unwrap();
    assert_eq!(rayon["outcome"]["verified"], false);
    assert!(rayon["outcome"]["mismatched_tasks"].as_u64().unwrap() > 0);
}

#[test]
fn the_re_executed_bench_binary_runs_user_tasks_in_worker_processes() {
    let dir = tempfile::tempdir().unwrap();
    let models = ["--models", "process,process-spawn"];
    // Honest work verifies: each worker built `squares` from its spec, in this binary.
    let run = bench(
        &dir.path().join("ok"),
        &[&["--workloads", "squares", "--workers", "2"][..], &models].concat(),
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let ok = results(&dir.path().join("ok"));
    for cell in cells(&ok, "squares").filter(|c| c["model"] != "sequential") {
        assert_eq!(cell["outcome"]["verified"], true, "{cell}");
        assert!(
            cell["cost"]["peak_rss_bytes"].as_u64().unwrap() > 0,
            "{cell}"
        );
    }

    // A panic in the user's task is that task's error; the other tasks still verify.
    let panics = dir.path().join("panics");
    let run = bench(
        &panics,
        &[&["--workloads", "panics", "--workers", "2"][..], &models].concat(),
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    for cell in cells(&results(&panics), "panics") {
        assert_eq!(cell["outcome"]["failed_tasks"], 1, "{cell}");
        let error = cell["outcome"]["errors"][0].as_str().unwrap();
        assert!(
            error.starts_with("task 2: panicked: task two always panics"),
            "{error}"
        );
    }

    // A hung task meets --task-timeout: its worker is killed and replaced, the task is a
    // timed-out task of its cell, and the run goes on to the end (status 3: a task timed out).
    let hangs = dir.path().join("hangs");
    let started = Instant::now();
    let run = bench(
        &hangs,
        &[
            &[
                "--workloads",
                "hangs",
                "--workers",
                "2",
                "--task-timeout",
                "1",
            ][..],
            &models,
        ]
        .concat(),
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(run.status.code(), Some(3), "{}", stderr(&run));
    let hung = results(&hangs);
    for model in ["process", "process-spawn"] {
        let cell = cells(&hung, "hangs").find(|c| c["model"] == model).unwrap();
        assert_eq!(cell["outcome"]["timed_out_tasks"], 1, "{cell}");
        let error = cell["outcome"]["errors"][0].as_str().unwrap();
        assert!(error.starts_with("task 1: timed out after 1.0"), "{error}");
    }
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for (args, says) in [
        (&["--set", "lcg.steps=0"][..], "steps must be at least 1"),
        (&["--set", "lcg.stepz=4"][..], "stepz"),
        (&["--set", "squares.n=4"][..], "takes none"),
        (&["--workloads", "nosuch"][..], "unknown workload 'nosuch'"),
    ] {
        let args = [args, &["--workloads", "lcg,squares"]].concat();
        let args: Vec<&str> = if args.contains(&"nosuch") {
            vec!["--workloads", "nosuch"]
        } else {
            args
        };
        let run = bench(dir.path(), &args);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {}", stderr(&run));
        let text = stderr(&run);
        assert_eq!(text.trim().lines().count(), 1, "{args:?}: {text}");
        assert!(text.contains(says), "{args:?}: {text}");
    }
    assert!(
        !dir.path().join("results.json").exists(),
        "nothing measured, nothing written"
    );
}

#[test]
fn list_shows_the_benchs_workloads() {
    let run = Command::new(BENCH).arg("--list").output().unwrap();
    assert!(run.status.success());
    let text = String::from_utf8_lossy(&run.stdout);
    for name in ["squares", "waits", "lcg", "steps=50000", "sums of squares"] {
        assert!(text.contains(name), "{name}: {text}");
    }
    // cargo bench passes --bench; it is not a mistake.
    let run = Command::new(BENCH)
        .args(["--list", "--bench"])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
}

#[test]
fn python_models_say_in_one_line_that_they_cannot_run_rust_work() {
    let dir = tempfile::tempdir().unwrap();
    let run = Command::new(BENCH)
        .args([
            "--workloads",
            "squares",
            "--models",
            "rayon",
            "--with-python",
        ])
        .args(["--workers", "2", "--repeat", "1", "--max-repeat", "1"])
        .args(["--min-sample-ms", "0", "--measure-time", "0", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let text = stderr(&run);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("python") || l.contains("Python"))
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    // Either there is no Python here, or its models are left out of `squares`, saying why.
    assert!(
        lines[0].starts_with("python: skipped")
            || lines[0].starts_with(
                "squares: left out the Python models — it is Rust code, and Python's pools run \
                 Python code only"
            ),
        "{text}"
    );
    let results = results(dir.path());
    assert!(cells(&results, "squares").all(|c| !c["model"].as_str().unwrap().starts_with("py-")));
}
