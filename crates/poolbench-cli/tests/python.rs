//! `poolbench run` with Python's pools: verified against the same oracle, recorded with the
//! interpreter's versions, or skipped with one line when there is no Python.

mod common;

use std::io::Write;

use common::{results, results_file, short_run};

#[test]
fn without_python_one_line_says_so_and_the_rust_side_runs_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = short_run("rayon", "sum", &out)
        .args(["--set", "sum.n=1000", "--with-python"])
        .env("POOLBENCH_PYTHON", "/nonexistent/python3")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("python")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("python: skipped") && lines[0].contains("/nonexistent/python3"),
        "{stderr}"
    );
    let cells = results(&out);
    assert!(cells
        .iter()
        .all(|c| !c["model"].as_str().unwrap().starts_with("py-")));
    assert!(results_file(&out)["environment"].get("python").is_none());
}

#[test]
fn python_models_are_verified_against_the_oracle_and_described() {
    if let Err(why) = poolbench_python::python_env() {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED poolbench-cli::python_models_are_verified_against_the_oracle_and_described: \
             {why}"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    short_run(
        "py-sequential,py-pool,py-thread-executor",
        "sum,thumbnail",
        &out,
    )
    .args(["--set", "sum.n=1000"])
    .args([
        "--set",
        "thumbnail.width=64",
        "--set",
        "thumbnail.height=48",
    ])
    .assert()
    .success();
    let file = results_file(&out);
    let cells = results(&out);
    for model in ["py-sequential", "py-pool", "py-thread-executor"] {
        let mine: Vec<_> = cells.iter().filter(|c| c["model"] == model).collect();
        assert_eq!(mine.len(), 2, "{model}: one cell per workload");
        for cell in mine {
            assert_eq!(cell["outcome"]["verified"], true, "{cell}");
        }
    }
    let py_sequential: Vec<_> = cells
        .iter()
        .filter(|c| c["model"] == "py-sequential")
        .collect();
    assert!(
        py_sequential.iter().all(|c| c["workers"] == 1),
        "a loop runs at W = 1 only"
    );
    let thumbnail = cells
        .iter()
        .find(|c| c["model"] == "py-pool" && c["workload"] == "thumbnail")
        .unwrap();
    let phases = thumbnail["per_task"]["phases"].as_array().expect("phases");
    assert_eq!(phases[1]["phase"], "decode");
    let python = &file["environment"]["python"];
    assert!(
        python["version"].as_str().unwrap().starts_with('3'),
        "{python}"
    );
    assert!(python["pillow"].is_string());
    let described = file["models"].as_array().unwrap();
    let py_pool = described.iter().find(|m| m["name"] == "py-pool").unwrap();
    assert_eq!(py_pool["language"], "python");
    assert_eq!(py_pool["workers"], "processes");
    let loop_ = described
        .iter()
        .find(|m| m["name"] == "py-sequential")
        .unwrap();
    assert_eq!(loop_["role"], "baseline");
    let oracle = described
        .iter()
        .find(|m| m["name"] == "sequential")
        .unwrap();
    assert_eq!(oracle["role"], "oracle");
}
