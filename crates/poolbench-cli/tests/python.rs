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

/// Whether Python is there; else one SKIPPED line for `test`.
fn python_ready(test: &str) -> bool {
    match poolbench_python::python_env() {
        Ok(_) => true,
        Err(why) => {
            let _ = writeln!(std::io::stderr(), "SKIPPED poolbench-cli::{test}: {why}");
            false
        }
    }
}

/// A user's Python module in a folder of its own: deterministic functions, one returning a
/// set of strings (its pickle order depends on the string hash seed), one that fails on
/// task 3, one that prints, one returning what cannot be pickled.
fn user_module(dir: &std::path::Path) {
    std::fs::write(
        dir.join("usermod.py"),
        "import hashlib\n\
         def digest(i):\n    return {'i': i, 'hex': hashlib.sha256(str(i).encode() * 1000).hexdigest(), 'tags': {'a', 'b', f't{i}'}}\n\
         def chatty(i):\n    print('task', i, 'says hello')\n    return i * i\n\
         def fails(i):\n    if i == 3:\n        raise ValueError('three is not allowed')\n    return i\n\
         def unpicklable(i):\n    return lambda: i\n\
         NOT_A_FUNCTION = 3\n",
    )
    .unwrap();
}

#[test]
fn a_users_python_function_runs_on_every_python_pool_verified() {
    if !python_ready("a_users_python_function_runs_on_every_python_pool_verified") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    user_module(dir.path());
    for function in ["digest", "chatty"] {
        let out = dir.path().join(function);
        let output = common::poolbench()
            .args(["run", "--with-python", "--py-task"])
            .arg(format!("usermod:{function}"))
            .arg("--py-path")
            .arg(dir.path())
            .args(["--tasks", "6", "--workers", "2", "--repeat", "2"])
            .args(["--measure-time", "0", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{function}: {stderr}");
        assert!(
            stderr.contains("the Rust models cannot run Python code"),
            "{stderr}"
        );
        let file = results_file(&out);
        let cells = results(&out);
        let mut models: Vec<&str> = cells
            .iter()
            .map(|c| {
                assert_eq!(c["outcome"]["verified"], true, "{c}");
                assert_eq!(c["workload"], "py-task");
                c["model"].as_str().unwrap()
            })
            .collect();
        models.sort_unstable();
        models.dedup();
        // The cluster engines run a --py-task only when named.
        let mut python: Vec<&str> = poolbench_python::PYTHON_MODELS
            .iter()
            .filter(|m| m.engine().is_none())
            .map(|m| poolbench_core::Model::name(*m))
            .collect();
        python.sort_unstable();
        assert_eq!(models, python, "every local Python pool, and only those");
        let oracle = file["models"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["role"] == "oracle")
            .unwrap();
        assert_eq!(oracle["name"], "py-sequential");
        assert_eq!(cells[0]["params"]["module"], "usermod");
    }
}

#[test]
fn a_python_function_that_cannot_run_is_one_line_and_exit_2() {
    if !python_ready("a_python_function_that_cannot_run_is_one_line_and_exit_2") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    user_module(dir.path());
    for (task, says) in [
        ("nosuchmod:f", "no module named 'nosuchmod'"),
        ("usermod:nosuch", "has no function 'nosuch'"),
        ("usermod:NOT_A_FUNCTION", "not a function"),
        ("usermod:unpicklable", "cannot be pickled"),
        ("usermod", "give MODULE:FUNCTION"),
    ] {
        let out = dir.path().join("out");
        let output = common::poolbench()
            .args(["run", "--py-task", task, "--py-path"])
            .arg(dir.path())
            .args(["--tasks", "4", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{task}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{task}: {stderr}");
        assert!(stderr.contains(says), "{task}: {stderr}");
        assert!(!out.join("results.json").exists(), "{task}");
    }
    // An exception in the function is that task's error; the run says which.
    let out = dir.path().join("fails");
    let output = common::poolbench()
        .args(["run", "--py-task", "usermod:fails", "--py-path"])
        .arg(dir.path())
        .args(["--models", "py-pool", "--tasks", "5", "--workers", "2"])
        .args(["--repeat", "2", "--measure-time", "0", "-q", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let cell = results(&out)
        .into_iter()
        .find(|c| c["model"] == "py-pool")
        .unwrap();
    assert_eq!(cell["outcome"]["failed_tasks"], 1, "{cell}");
    assert_eq!(
        cell["outcome"]["errors"][0],
        "task 3: failed: ValueError: three is not allowed"
    );
}

#[test]
fn a_python_function_without_python_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = common::poolbench()
        .args(["run", "--py-task", "usermod:f", "--out"])
        .arg(dir.path().join("out"))
        .env("POOLBENCH_PYTHON", "/nonexistent/python3")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("needs Python"), "{stderr}");
}

/// `--models` chooses the Python models too: `--with-python` beside it adds no others.
#[test]
fn models_limit_the_python_models_with_python_too() {
    if let Err(why) = poolbench_python::python_env() {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED poolbench-cli::models_limit_the_python_models_with_python_too: {why}"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    short_run("py-pool", "noop", &out)
        .arg("--with-python")
        .assert()
        .success();
    let mut models: Vec<String> = results(&out)
        .iter()
        .map(|c| c["model"].as_str().unwrap().to_owned())
        .collect();
    models.sort();
    models.dedup();
    // The Rust oracle always runs; of Python's pools, only the one asked for.
    assert_eq!(models, ["py-pool", "sequential"], "{models:?}");
}
