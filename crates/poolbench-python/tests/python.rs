//! The Python side against the Rust side, on the same inputs: identical checksums for every
//! workload Python implements, thumbnails that look alike, and failures that say what failed.
//!
//! These tests need the environment `scripts/python-setup.sh` makes. Without it each test
//! writes one SKIPPED line straight to standard error (past the test harness's capture, so it
//! shows in every `cargo test`) and passes: a machine without Python still builds and tests
//! the Rust side.

use std::io::Write;
use std::sync::Arc;

use poolbench_core::{Model, Workload, WorkloadSpec};
use poolbench_python::{find_python_model, python_env};
use poolbench_workloads::BuildContext;

/// Whether Python is usable; if not, says so visibly.
fn python_or_skip(test: &str) -> bool {
    match python_env() {
        Ok(_) => true,
        Err(why) => {
            let _ = writeln!(std::io::stderr(), "SKIPPED poolbench-python::{test}: {why}");
            false
        }
    }
}

fn context() -> BuildContext {
    BuildContext {
        cache_dir: tempfile::tempdir().unwrap().keep(),
    }
}

/// The checksums of the Rust tasks, run one by one.
fn rust_checksums(workload: &Arc<dyn Workload>) -> Vec<u64> {
    (0..workload.tasks())
        .map(|i| workload.run_blocking(i).expect("rust task").checksum)
        .collect()
}

/// The checksums one batch of `model` produces.
fn python_checksums(model: &str, workers: usize, workload: &Arc<dyn Workload>) -> Vec<u64> {
    let model = find_python_model(model).unwrap();
    let pool = model.start(workers).expect("helper starts");
    pool.prepare(workload).expect("prepare");
    pool.run(workload)
        .expect("batch")
        .into_iter()
        .map(|o| o.result.expect("python task").checksum)
        .collect()
}

#[test]
fn python_computes_the_rust_checksums_for_every_workload() {
    if !python_or_skip("python_computes_the_rust_checksums_for_every_workload") {
        return;
    }
    let server = poolbench_server::RunningServer::start(Default::default(), 1).unwrap();
    let ctx = context();
    let specs = [
        WorkloadSpec::new("noop", 5),
        WorkloadSpec::new("sum", 3).with("n", 10_000),
        WorkloadSpec::new("sleep", 4)
            .with("delay_ms", 1.0)
            .with("jitter", 0.5),
        WorkloadSpec::new("http", 4)
            .with("url", server.url())
            .with("size", 300),
        WorkloadSpec::new("http", 2)
            .with("url", server.url())
            .with("save", true),
        WorkloadSpec::new("thumbnail", 3)
            .with("width", 320)
            .with("height", 240),
        WorkloadSpec::new("thumbnail", 2)
            .with("width", 200)
            .with("height", 300)
            .with("decode", "full"),
    ];
    for spec in specs {
        let workload = poolbench_workloads::build(&spec, &ctx).unwrap();
        let rust = rust_checksums(&workload);
        for (model, workers) in [
            ("py-sequential", 1),
            ("py-pool", 2),
            ("py-imap-unordered", 3),
        ] {
            assert_eq!(
                python_checksums(model, workers, &workload),
                rust,
                "{model} on {spec:?}"
            );
        }
    }
    std::fs::remove_dir_all(&ctx.cache_dir).ok();
}

#[test]
fn pillow_and_rust_make_the_same_thumbnail_from_the_same_decode_scale() {
    if !python_or_skip("pillow_and_rust_make_the_same_thumbnail_from_the_same_decode_scale") {
        return;
    }
    let ctx = context();
    for decode in ["reduced", "full"] {
        let spec = WorkloadSpec::new("thumbnail", 2).with("decode", decode);
        let workload = poolbench_workloads::build(&spec, &ctx).unwrap();
        rust_checksums(&workload);
        python_checksums("py-sequential", 1, &workload);
        let out = std::fs::read_dir(&ctx.cache_dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("thumbnails-")
                    && p.join("py-00001.jpg").exists()
            })
            .expect("both thumbnails written");
        let read = |name: &str| {
            let bytes = std::fs::read(out.join(name)).unwrap();
            poolbench_jpeg::decode_rgb(&bytes, poolbench_jpeg::Decode::Full, (1, 1)).unwrap()
        };
        let (rust, python) = (read("00001.jpg"), read("py-00001.jpg"));
        assert_eq!((rust.width, rust.height), (python.width, python.height));
        let mean_difference = rust
            .pixels
            .iter()
            .zip(&python.pixels)
            .map(|(a, b)| f64::from(a.abs_diff(*b)))
            .sum::<f64>()
            / rust.pixels.len() as f64;
        assert!(
            mean_difference < 4.0,
            "{decode}: thumbnails differ by {mean_difference:.2} levels on average"
        );
        drop(workload);
        std::fs::remove_dir_all(&out).ok();
    }
    std::fs::remove_dir_all(&ctx.cache_dir).ok();
}

#[test]
fn python_times_the_thumbnail_phases() {
    if !python_or_skip("python_times_the_thumbnail_phases") {
        return;
    }
    let ctx = context();
    let spec = WorkloadSpec::new("thumbnail", 3)
        .with("width", 160)
        .with("height", 120);
    let workload = poolbench_workloads::build(&spec, &ctx).unwrap();
    let pool = find_python_model("py-thread-executor")
        .unwrap()
        .start(2)
        .unwrap();
    pool.run(&workload).unwrap();
    let batch = pool.last_batch_time().expect("Python's own batch time");
    assert!(!batch.is_zero());
    let phases = pool.take_phases(&workload).expect("phases");
    assert_eq!(phases.tasks, 3);
    let names: Vec<&str> = phases.phases.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["read", "decode", "resize", "encode", "write"]);
    assert!(pool.take_phases(&workload).is_none(), "taken once");
    drop(pool);
    std::fs::remove_dir_all(&ctx.cache_dir).ok();
}

#[test]
fn a_failing_python_task_is_its_own_error_and_the_batch_goes_on() {
    if !python_or_skip("a_failing_python_task_is_its_own_error_and_the_batch_goes_on") {
        return;
    }
    let ctx = context();
    let spec = WorkloadSpec::new("thumbnail", 3)
        .with("width", 64)
        .with("height", 48);
    let workload = poolbench_workloads::build(&spec, &ctx).unwrap();
    // Damage photo 1 behind the workload's back.
    let form = workload.foreign_form().unwrap();
    let damaged = form["inputs"][1].as_str().unwrap().to_owned();
    std::fs::write(&damaged, b"not a jpeg").unwrap();
    let pool = find_python_model("py-pool").unwrap().start(2).unwrap();
    let outcomes = pool.run(&workload).unwrap();
    assert!(outcomes[0].result.is_ok() && outcomes[2].result.is_ok());
    let error = outcomes[1].result.as_ref().unwrap_err().to_string();
    assert!(error.contains("UnidentifiedImageError"), "{error}");
    drop(pool);
    std::fs::remove_dir_all(&ctx.cache_dir).ok();
}

#[test]
fn a_hung_python_task_stops_the_helper_within_the_limit() {
    if !python_or_skip("a_hung_python_task_stops_the_helper_within_the_limit") {
        return;
    }
    let ctx = context();
    // One task of 30 s against a limit of 0.3 s.
    let spec = WorkloadSpec::new("sleep", 1).with("delay_ms", 30_000.0);
    let workload = poolbench_workloads::build(&spec, &ctx).unwrap();
    let pool = find_python_model("py-process-executor")
        .unwrap()
        .start(1)
        .unwrap();
    pool.prepare(&workload).unwrap();
    poolbench_core::watch::set_task_timeout(Some(std::time::Duration::from_millis(300)));
    let started = std::time::Instant::now();
    let error = pool.run(&workload).unwrap_err().to_string();
    poolbench_core::watch::set_task_timeout(None);
    assert!(error.contains("no answer within"), "{error}");
    assert!(started.elapsed().as_secs() < 15, "{:?}", started.elapsed());
    let again = pool.run(&workload).unwrap_err().to_string();
    assert!(again.contains("stopped earlier"), "{again}");
}

#[test]
fn a_missing_interpreter_is_one_clear_line() {
    let Err(why) = poolbench_python::probe_interpreter(std::path::Path::new("/nonexistent/python"))
    else {
        panic!("a missing interpreter was accepted");
    };
    assert!(
        why.contains("/nonexistent/python") && !why.contains('\n'),
        "{why}"
    );
}
