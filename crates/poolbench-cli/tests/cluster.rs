//! The cluster engines (issue 24): `py-dask` and `py-ray-pool` on local clusters, `py-dask` on a
//! real Dask deployment (a scheduler and two workers, separate processes on 127.0.0.1, started
//! here), a worker killed mid-batch, and the line that says an engine is not installed.
//! Each test that needs the engines says SKIPPED when `scripts/python-setup.sh --cluster` has
//! not been run.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::{poolbench, results, results_file};
use predicates::prelude::*;

/// One engine test at a time: each starts clusters, and checks that none is left.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The Python with both engines, or `None` after a SKIPPED line.
fn engines(test: &str) -> Option<&'static poolbench_python::PythonEnv> {
    let why = match poolbench_python::python_env() {
        Ok(env) if env.dask.is_some() && env.ray.is_some() => return Some(env),
        Ok(env) => format!(
            "{} has no Dask or no Ray (scripts/python-setup.sh --cluster)",
            env.executable
        ),
        Err(why) => why,
    };
    let _ = writeln!(std::io::stderr(), "SKIPPED poolbench-cli::{test}: {why}");
    None
}

/// Processes of a cluster engine now running (Ray's, Dask's), by pid.
fn engine_processes() -> Vec<(i32, String)> {
    let mut found = Vec::new();
    for pid in std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
    {
        let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        // Ray's and Dask's own processes, the helper, and the worker processes a LocalCluster
        // spawns (`spawn_main`) with their resource tracker. (The tests of this file run one
        // at a time, and no other test binary runs beside them.)
        if [
            "raylet",
            "gcs_server",
            "ray::",
            "ray/_private",
            "distributed",
            "dask",
            "poolbench_helper.py",
            "multiprocessing.spawn",
            "multiprocessing.resource_tracker",
        ]
        .iter()
        .any(|mark| cmdline.contains(mark))
        {
            found.push((pid, cmdline));
        }
    }
    found
}

/// Waits up to 15 s for every engine process not in `before` to be gone; the ones left.
fn left_after(before: &[(i32, String)]) -> Vec<(i32, String)> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let left: Vec<_> = engine_processes()
            .into_iter()
            .filter(|p| !before.iter().any(|b| b.0 == p.0))
            .collect();
        if left.is_empty() || Instant::now() > deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn run(models: &str, workloads: &str, out: &Path) -> assert_cmd::Command {
    let mut cmd = poolbench();
    cmd.timeout(Duration::from_secs(400))
        .args(["run", "--models", models, "--workloads", workloads])
        .args(["--tasks", "4", "--repeat", "2", "--warmup", "1"])
        .args(["--measure-time", "0", "-q", "--out"])
        .arg(out);
    // Small tasks, for the workloads chosen.
    for (workload, setting) in [
        ("sum", "sum.n=20000"),
        ("sleep", "sleep.delay_ms=5"),
        ("thumbnail", "thumbnail.width=64"),
        ("thumbnail", "thumbnail.height=48"),
    ] {
        if workloads.split(',').any(|w| w == workload) {
            cmd.args(["--set", setting]);
        }
    }
    cmd
}

#[test]
fn local_engines_verify_every_workload_and_leave_no_process() {
    let Some(_) = engines("local_engines_verify_every_workload_and_leave_no_process") else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let before = engine_processes();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run(
        "sequential,py-dask,py-ray-pool",
        "sum,sleep,http,thumbnail",
        &out,
    )
    .args(["--workers", "2"])
    .assert()
    .success();
    let cells = results(&out);
    for engine in ["py-dask", "py-ray-pool"] {
        let ran: Vec<_> = cells.iter().filter(|c| c["model"] == engine).collect();
        assert_eq!(ran.len(), 4, "{engine} ran {} cells", ran.len());
        for cell in ran {
            assert_eq!(cell["outcome"]["verified"], true, "{cell}");
            assert_eq!(cell["workers"], 2);
        }
    }
    let engines = &results_file(&out)["environment"]["python"]["engines"];
    assert_eq!(engines.as_array().map(Vec::len), Some(2), "{engines}");
    let left = left_after(&before);
    assert!(left.is_empty(), "processes left after the run: {left:?}");
}

/// A Dask deployment as in production: `dask scheduler` and two `dask worker` processes (one
/// thread each, with their nannies), in a process group killed when dropped.
struct Deployment {
    group: Vec<Child>,
    address: String,
    _dir: tempfile::TempDir,
}

impl Deployment {
    fn start(python: &str) -> Deployment {
        let dask = Path::new(python).with_file_name("dask");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("scheduler.json");
        let spawn = |args: &[&str]| {
            use std::os::unix::process::CommandExt;
            Command::new(&dask)
                .args(args)
                .arg("--scheduler-file")
                .arg(&file)
                .current_dir(dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .unwrap()
        };
        let mut group = vec![spawn(&[
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
        ])];
        let deadline = Instant::now() + Duration::from_secs(60);
        let address = loop {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            if let Ok(info) = serde_json::from_str::<serde_json::Value>(&text) {
                break info["address"].as_str().unwrap().to_owned();
            }
            assert!(Instant::now() < deadline, "the scheduler did not start");
            std::thread::sleep(Duration::from_millis(100));
        };
        for _ in 0..2 {
            group.push(spawn(&["worker", "--nthreads", "1", "--no-dashboard"]));
        }
        let deployment = Deployment {
            group,
            address,
            _dir: dir,
        };
        deployment.wait_for_workers(python, 2);
        deployment
    }

    /// Waits until the scheduler has `n` workers.
    fn wait_for_workers(&self, python: &str, n: usize) {
        let status = Command::new(python)
            .arg("-c")
            .arg(format!(
                "from distributed import Client\n\
                 c = Client('{}', timeout='60s')\n\
                 c.wait_for_workers({n}, timeout=60)\n",
                self.address
            ))
            .status()
            .unwrap();
        assert!(status.success(), "the workers did not join");
    }

    /// Waits until the workers run a timed batch: busy (the first map, which warms the pool
    /// up), idle for half a second at least (the oracle's sample), then busy again.
    fn wait_until_busy(&self, python: &str) {
        let status = Command::new(python)
            .arg("-c")
            .arg(format!(
                "import time\n\
                 from distributed import Client\n\
                 c = Client('{}', timeout='60s')\n\
                 deadline = time.time() + 120\n\
                 def wait(busy, polls):\n\
                 \x20   seen = 0\n\
                 \x20   while seen < polls:\n\
                 \x20       assert time.time() < deadline\n\
                 \x20       now = any(c.processing().values())\n\
                 \x20       seen = seen + 1 if now == busy else 0\n\
                 \x20       time.sleep(0.05)\n\
                 wait(True, 2)\n\
                 wait(False, 10)\n\
                 wait(True, 3)\n",
                self.address
            ))
            .status()
            .unwrap();
        assert!(status.success(), "the cluster never ran a batch");
    }

    /// The process a worker's nanny runs the worker in (its `spawn_main` child).
    fn a_worker_process(&self) -> i32 {
        let nanny = self.group[1].id() as i32;
        poolbench_process::descendants(nanny)
            .into_iter()
            .find(|pid| {
                std::fs::read(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|c| String::from_utf8_lossy(&c).contains("spawn_main"))
            })
            .expect("a worker process")
    }
}

impl Drop for Deployment {
    fn drop(&mut self) {
        for child in &mut self.group {
            // SAFETY: each child leads its own process group (`process_group(0)`).
            unsafe {
                libc::killpg(child.id() as i32, libc::SIGKILL);
            }
            let _ = child.wait();
        }
    }
}

/// A run of `model` on 8 samples of 4 sleeps of 0.6 s (no warm-up, no extra rounds) into `out`,
/// to be started and signalled by the test: long enough batches to lose a worker in.
fn slow_sleeps(model: &str, out: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("poolbench"));
    cmd.args(["run", "--models", model, "--workloads", "sleep"])
        .args(["--set", "sleep.delay_ms=600", "--tasks", "4"])
        .args(["--repeat", "8", "--max-repeat", "8", "--warmup", "0"])
        .args(["--measure-time", "0", "--out"])
        .arg(out);
    cmd
}

#[test]
fn a_real_dask_deployment_runs_py_dask_at_its_own_size_and_survives_a_lost_worker() {
    let Some(env) = engines("a_real_dask_deployment_runs_py_dask_at_its_own_size") else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let deployment = Deployment::start(&env.executable);
    let dir = tempfile::tempdir().unwrap();

    // W is the cluster's: two workers of one thread each.
    let out = dir.path().join("out");
    run("sequential", "sum,sleep", &out)
        .args(["--dask-scheduler", &deployment.address])
        .assert()
        .success();
    let cells = results(&out);
    let dask: Vec<_> = cells.iter().filter(|c| c["model"] == "py-dask").collect();
    assert_eq!(dask.len(), 2, "--dask-scheduler adds py-dask");
    for cell in dask {
        assert_eq!(cell["outcome"]["verified"], true, "{cell}");
        assert_eq!(cell["workers"], 2);
    }
    let clusters = results_file(&out)["environment"]["python"]["clusters"].to_string();
    assert!(clusters.contains(&deployment.address), "{clusters}");

    // A sweep over W is refused before anything runs.
    run("py-dask", "sleep", &dir.path().join("sweep"))
        .args(["--dask-scheduler", &deployment.address, "--workers", "2,4"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("sweeps over W are refused"));

    // A worker killed while a batch of 0.6 s tasks runs: the scheduler reruns its tasks on the
    // other worker, the outputs verify, and the reruns are recorded.
    let lost = dir.path().join("lost");
    let mut child = slow_sleeps("py-dask", &lost)
        .args(["--dask-scheduler", &deployment.address])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let drain = std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    // The oracle's samples (2.4 s each) alternate with py-dask's (1.2 s): wait until the cluster
    // runs a batch, and kill a worker then.
    deployment.wait_until_busy(&env.executable);
    let victim = deployment.a_worker_process();
    // SAFETY: a plain signal to a worker process of the deployment this test started.
    unsafe {
        libc::kill(victim, libc::SIGKILL);
    }
    let status = child.wait().unwrap();
    drain.join().unwrap().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{stderr}");
    let cell = results(&lost)
        .into_iter()
        .find(|c| c["model"] == "py-dask")
        .unwrap();
    assert_eq!(cell["outcome"]["verified"], true, "{cell}");
    let retried = cell["outcome"]["retried_tasks"].as_u64().unwrap_or(0);
    assert!(retried >= 1, "no rerun recorded: {cell}");
    assert!(
        stderr.contains("task runs repeated after a lost worker"),
        "{stderr}"
    );
}

/// A wrapper interpreter whose probe reports no engine: the real one, its answer edited.
fn python_without_engines(dir: &Path, python: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let wrapper = dir.join("python3");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nif [ \"$2\" = probe ]; then\n  \"{python}\" \"$@\" | sed -e \
             's/\"dask\": \"[^\"]*\"/\"dask\": null/' -e 's/\"ray\": \"[^\"]*\"/\"ray\": null/'\n\
             else\n  exec \"{python}\" \"$@\"\nfi\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    wrapper
}

#[test]
fn without_the_engines_one_line_each_and_the_rest_runs() {
    let env = match poolbench_python::python_env() {
        Ok(env) => env,
        Err(why) => {
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED poolbench-cli::without_the_engines_one_line_each_and_the_rest_runs: {why}"
            );
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let python = python_without_engines(dir.path(), &env.executable);
    let out = dir.path().join("out");
    let output = run("sequential,py-pool,py-dask,py-ray-pool", "sum", &out)
        .env("POOLBENCH_PYTHON", &python)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    for (model, package) in [("py-dask", "dask[distributed]"), ("py-ray-pool", "ray")] {
        let said: Vec<&str> = stderr.lines().filter(|l| l.starts_with(model)).collect();
        assert_eq!(said.len(), 1, "{stderr}");
        assert!(
            said[0].contains(&format!("has no {package}"))
                && said[0].contains("scripts/python-setup.sh --cluster"),
            "{stderr}"
        );
    }
    let models: Vec<String> = results(&out)
        .iter()
        .map(|c| c["model"].as_str().unwrap().to_owned())
        .collect();
    assert!(models.contains(&"py-pool".to_owned()), "{models:?}");
    assert!(!models.iter().any(|m| m == "py-dask" || m == "py-ray-pool"));
    // On a real cluster the engine is required: a usage error, before anything runs.
    run("sequential", "sum", &dir.path().join("real"))
        .env("POOLBENCH_PYTHON", &python)
        .args(["--dask-scheduler", "tcp://127.0.0.1:1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--dask-scheduler needs dask[distributed]",
        ));
}

/// A Ray pool's worker (an actor) killed mid-run: `ray.util.multiprocessing.Pool` does not run
/// its tasks again, so the cell stops there with Ray's own error, keeps the samples it had, and
/// the run exits 1; no Ray process outlives it.
#[test]
fn a_lost_ray_worker_ends_its_cell_with_rays_error_and_leaves_no_process() {
    let Some(_) = engines("a_lost_ray_worker_ends_its_cell_with_rays_error") else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let before = engine_processes();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut child = slow_sleeps("py-ray-pool", &out)
        .args(["--workers", "2", "-q"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let actor = loop {
        let actors: Vec<i32> = engine_processes()
            .into_iter()
            .filter(|(_, cmdline)| cmdline.contains("PoolActor"))
            .map(|(pid, _)| pid)
            .collect();
        if let Some(pid) = actors.first() {
            break *pid;
        }
        assert!(Instant::now() < deadline, "Ray's pool never started");
        std::thread::sleep(Duration::from_millis(100));
    };
    std::thread::sleep(Duration::from_millis(1500));
    // SAFETY: a plain signal to a Ray worker this test's run started.
    unsafe {
        libc::kill(actor, libc::SIGKILL);
    }
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("ActorDiedError"), "{stderr}");
    let cell = results(&out)
        .into_iter()
        .find(|c| c["model"] == "py-ray-pool")
        .unwrap();
    assert_eq!(cell["outcome"]["verified"], false);
    let left = left_after(&before);
    assert!(left.is_empty(), "processes left after the run: {left:?}");
}

/// SIGTERM while both engines' clusters are up: the run stops with 130, and no scheduler,
/// worker, raylet or actor outlives it.
#[test]
fn sigterm_leaves_no_engine_process() {
    let Some(_) = engines("sigterm_leaves_no_engine_process") else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let before = engine_processes();
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("poolbench"))
        .args([
            "run",
            "--models",
            "py-dask,py-ray-pool",
            "--workloads",
            "sleep",
        ])
        .args([
            "--set",
            "sleep.delay_ms=200",
            "--repeat",
            "30",
            "--workers",
            "2",
        ])
        .args(["-q", "--out"])
        .arg(dir.path().join("out"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Both clusters up: a Dask worker and a Ray actor exist.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let now = engine_processes();
        let count = |mark: &str| now.iter().filter(|(_, c)| c.contains(mark)).count();
        if count("PoolActor") >= 1 && count("spawn_main") >= 2 {
            break;
        }
        assert!(Instant::now() < deadline, "the clusters never started");
        std::thread::sleep(Duration::from_millis(100));
    }
    // SAFETY: a plain signal to the run this test started.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    assert_eq!(child.wait().unwrap().code(), Some(130));
    let left = left_after(&before);
    assert!(left.is_empty(), "processes left after SIGTERM: {left:?}");
}
