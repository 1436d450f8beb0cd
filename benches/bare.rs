//! Each library used bare beside the poolbench model built on it, and the harness ratio.
//!
//! - `noop-W2`: N no-op tasks at W = 2 on every bare baseline of [`bare_pools`] and every
//!   model, each model right after its baseline. The process models have no bare library (the
//!   pool is poolbench's own); `ipc-roundtrip` in the `overhead` bench is their floor.
//! - `http-W8`: 4,000 GETs from 8 threads (W = 8) against poolbench's mock server, started in
//!   this process at zero latency: the bare clients of [`bare_http`], then the models.
//!
//! A model's batch runs as the runner's timed batches of CPU-bound work do: without per-task
//! clock readings (`without_task_stamps`). criterion reports each one's absolute time. Then
//! each model and its baseline are measured again in pairs, round by round ([`ratio`]), and
//! markdown tables give each model's time per task, its baseline's, and the ratio with its 95 %
//! interval (docs/harness-cost.md); a third table pairs each
//! model's batch with per-task readings (a warm-up batch, or any batch of I/O work) against its
//! timed batch, which is what the readings cost. Run with `cargo bench -p poolbench-benches --bench bare`; the
//! argument `noop` or `http` runs one group.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use poolbench_benches::bare_http::{Client, HttpBaseline, ThreadpoolUreq};
use poolbench_benches::bare_pools::{expected, BASELINES};
use poolbench_benches::models::{build, checksums, run_as_worker_if_asked, start_checked};
use poolbench_benches::ratio::{paired, table, Paired, Unit};
use poolbench_core::{without_task_stamps, Model, Pool, Workload, WorkloadSpec};
use poolbench_models::{Sequential, MODELS};
use poolbench_server::{RunningServer, ServerConfig};

/// No-op tasks per batch of a model without a bare baseline (the others take their
/// baseline's `tasks`).
const NOOP_TASKS: usize = 10_000;
const HTTP_REQUESTS: usize = 4_000;
/// The limits: a model within 1.5× of its library, an HTTP client within 0.8×.
const NOOP_LIMIT: f64 = 1.5;
const HTTP_LIMIT: f64 = 1.0 / 0.8;

/// One criterion benchmark of `batch` (`units` units of work each) in `group`.
fn bench(c: &mut Criterion, group: &str, name: &str, units: usize, batch: &mut dyn FnMut()) {
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(units as u64));
    g.bench_function(name, |b| b.iter(&mut *batch));
    g.finish();
}

/// One batch of `pool` as the runner times it: CPU-bound batches take no per-task clock
/// readings (`poolbench_core::without_task_stamps`).
fn run_model(pool: &dyn Pool, workload: &std::sync::Arc<dyn Workload>) {
    let _timed = without_task_stamps();
    black_box(pool.run(black_box(workload)).expect("batch completes"));
}

/// One batch of `pool` with every task's three clock readings, as a warm-up batch takes them.
fn run_model_stamped(pool: &dyn Pool, workload: &std::sync::Arc<dyn Workload>) {
    black_box(pool.run(black_box(workload)).expect("batch completes"));
}

/// The no-op group: each model against its bare library (`rows`), and each model's batches
/// with per-task clock readings against its timed batches without them (`stamps`).
fn noop(c: &mut Criterion) -> (Vec<Paired>, Vec<Paired>) {
    let (group, workers) = ("noop-W2", 2);
    let (mut rows, mut stamps) = (Vec::new(), Vec::new());
    // Fork-started models first, while this process is still single-threaded.
    let mut models: Vec<&dyn Model> = MODELS.to_vec();
    models.sort_by_key(|m| !m.descriptor().copies_inputs());
    for model in models {
        let baselines: Vec<_> = BASELINES
            .iter()
            .filter(|b| b.model == model.name())
            .collect();
        let tasks = baselines.first().map_or(NOOP_TASKS, |b| b.tasks);
        let workload = build(&WorkloadSpec::new("noop", tasks));
        let oracle = checksums(&workload, Sequential.start(1).expect("starts").as_ref());
        let (mut primary, mut variants) = (None, Vec::new());
        for bare in baselines {
            let pool = (bare.start)(workers);
            assert_eq!(pool.run(tasks), expected(tasks), "{} is wrong", bare.name);
            let name = format!("bare/{}", bare.name);
            bench(c, group, &name, tasks, &mut || {
                black_box(pool.run(black_box(tasks)));
            });
            if bare.primary {
                primary = Some((bare, pool));
            } else {
                variants.push((bare, pool));
            }
        }
        let Some(pool) = start_checked(model, workers, &workload, &oracle) else {
            continue;
        };
        let name = format!("model/{}", model.name());
        bench(c, group, &name, tasks, &mut || {
            run_model(pool.as_ref(), &workload)
        });
        let mut row = paired(
            &format!("{} with per-task readings", model.name()),
            "the same, timed",
            tasks,
            &mut || run_model(pool.as_ref(), &workload),
            &mut || run_model_stamped(pool.as_ref(), &workload),
        );
        row.limited = false;
        stamps.push(row);
        if let Some((baseline, bare)) = primary {
            let mut row = paired(
                model.name(),
                baseline.name,
                tasks,
                &mut || {
                    black_box(bare.run(tasks));
                },
                &mut || run_model(pool.as_ref(), &workload),
            );
            row.limited = baseline.library;
            rows.push(row);
            // A variant of the baseline (the lesson's fix), against the baseline itself.
            for (variant, pool) in &variants {
                let mut row = paired(
                    &format!("bare {}", variant.name),
                    baseline.name,
                    tasks,
                    &mut || {
                        black_box(bare.run(tasks));
                    },
                    &mut || {
                        black_box(pool.run(tasks));
                    },
                );
                row.limited = false;
                rows.push(row);
            }
        }
    }
    (rows, stamps)
}

fn http(c: &mut Criterion) -> Vec<Paired> {
    let (group, workers) = ("http-W8", 8);
    let server = RunningServer::start(ServerConfig::default(), 2).expect("mock server starts");
    let url = server.url();
    let mut baselines = Vec::new();
    for client in Client::ALL {
        let baseline = HttpBaseline::start(client, &url, workers).expect("bare client works");
        let name = format!("bare/{}", client.name());
        bench(c, group, &name, HTTP_REQUESTS, &mut || {
            baseline.run(HTTP_REQUESTS).expect("requests succeed");
        });
        baselines.push((client, baseline));
    }
    let spec = WorkloadSpec::new("http", HTTP_REQUESTS)
        .with("url", url.as_str())
        .with("latency", 0);
    let workload = build(&spec);
    let oracle = checksums(&workload, Sequential.start(1).expect("starts").as_ref());
    let (_, ureq) = baselines
        .iter()
        .find(|(client, _)| *client == Client::Ureq)
        .expect("ureq baseline");
    let mut rows = Vec::new();
    for model in MODELS
        .iter()
        .filter(|m| m.descriptor().watchdog_sees_tasks() && !m.descriptor().ignores_workers())
    {
        let Some(pool) = start_checked(*model, workers, &workload, &oracle) else {
            continue;
        };
        let name = format!("model/{}", model.name());
        bench(c, group, &name, HTTP_REQUESTS, &mut || {
            run_model_stamped(pool.as_ref(), &workload)
        });
        rows.push(paired(
            model.name(),
            Client::Ureq.name(),
            HTTP_REQUESTS,
            &mut || {
                ureq.run(HTTP_REQUESTS).expect("requests succeed");
            },
            &mut || run_model_stamped(pool.as_ref(), &workload),
        ));
    }
    // The threadpool library's own dispatch, bare: what the `threadpool` model's gap is.
    let pooled = ThreadpoolUreq::start(&url, workers).expect("pooled ureq works");
    let mut row = paired(
        "bare ureq-on-threadpool",
        Client::Ureq.name(),
        HTTP_REQUESTS,
        &mut || {
            ureq.run(HTTP_REQUESTS).expect("requests succeed");
        },
        &mut || {
            pooled.run(HTTP_REQUESTS).expect("requests succeed");
        },
    );
    row.limited = false;
    rows.push(row);
    for (client, baseline) in baselines.iter().filter(|(c, _)| *c != Client::Ureq) {
        rows.push(paired(
            &format!("bare {}", client.name()),
            Client::Ureq.name(),
            HTTP_REQUESTS,
            &mut || {
                ureq.run(HTTP_REQUESTS).expect("requests succeed");
            },
            &mut || {
                baseline.run(HTTP_REQUESTS).expect("requests succeed");
            },
        ));
    }
    rows
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let Some(code) = run_as_worker_if_asked(&args) {
        return code;
    }
    // `cargo bench -- noop` runs only that group (criterion's own filter does the rest).
    let wants = |group: &str| {
        let filters: Vec<&String> = args
            .iter()
            .skip(1)
            .filter(|a| !a.starts_with('-'))
            .collect();
        filters.is_empty() || filters.iter().any(|f| group.contains(f.as_str()))
    };
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .without_plots()
        .configure_from_args();
    let (noop_rows, stamp_rows) = if wants("noop-W2") {
        noop(&mut criterion)
    } else {
        Default::default()
    };
    let http_rows = if wants("http-W8") {
        http(&mut criterion)
    } else {
        Vec::new()
    };
    criterion.final_summary();
    if !noop_rows.is_empty() {
        println!(
            "\n{}",
            table(
                &format!("### No-op tasks, W = 2: time per task (limit {NOOP_LIMIT})"),
                &noop_rows,
                Unit::NanosPerTask,
                NOOP_LIMIT,
            )
        );
        println!(
            "\n{}",
            table(
                "### No-op tasks, W = 2: a warm-up batch (three clock readings per task) \
                 against a timed batch (none) of the same model",
                &stamp_rows,
                Unit::NanosPerTask,
                NOOP_LIMIT,
            )
        );
    }
    if !http_rows.is_empty() {
        println!(
            "\n{}",
            table(
                &format!(
                    "### HTTP GETs from 8 threads (W = 8), zero latency: throughput against bare \
                     ureq with no timeout (limit: ≥ 0.8 × bare, a time ratio ≤ {HTTP_LIMIT:.2})"
                ),
                &http_rows,
                Unit::RequestsPerSecond,
                HTTP_LIMIT,
            )
        );
    }
    ExitCode::SUCCESS
}
