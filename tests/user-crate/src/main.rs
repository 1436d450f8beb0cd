//! A user's bench binary, as `poolbench::main!` makes one, for poolbench's own tests
//! (`tests/user.rs` runs it). Everything here uses the `poolbench` crate's public API only.
//!
//! - `squares` (CPU) and `waits` (I/O, with an async form): honest work every model must
//!   reproduce;
//! - `lcg`: a custom [`Workload`] with typed parameters;
//! - `clock`, `thread-name`: outputs that depend on when or where a task runs, which
//!   verification must catch;
//! - `panics`, `hangs`: a task that panics, and one that never returns in a worker process.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use poolbench::{
    checksum_of, ideal_from_serial, Definition, IdealInput, TaskOutput, TaskResult, Tasks,
    WorkKind, Workload, WorkloadError, WorkloadSpec,
};
use serde::{Deserialize, Serialize};

poolbench::main!(
    Tasks::new("squares", WorkKind::Cpu, |i| {
        (0..20_000u64).fold(i as u64, |acc, k| acc.wrapping_add(k * k))
    })
    .tasks(8)
    .summary("sums of squares"),
    Tasks::new("waits", WorkKind::Io, |i| {
        std::thread::sleep(Duration::from_millis(2));
        i * 3
    })
    .with_async(|_, i| async move {
        tokio::time::sleep(Duration::from_millis(2)).await;
        i * 3
    })
    .tasks(8),
    lcg(),
    Tasks::new("clock", WorkKind::Cpu, |i| {
        // Depends on when the task runs: never the same twice.
        (
            i,
            START.elapsed().as_nanos(),
            TICK.fetch_add(1, Ordering::Relaxed),
        )
    })
    .tasks(4),
    Tasks::new("thread-name", WorkKind::Cpu, |i| {
        // Depends on which thread runs the task.
        (i, std::thread::current().name().map(str::to_owned))
    })
    .tasks(4),
    Tasks::try_new("panics", WorkKind::Cpu, |i| {
        if i == 2 {
            panic!("task two always panics");
        }
        Ok::<_, String>(i)
    })
    .tasks(4),
    Tasks::new("hangs", WorkKind::Cpu, |i| {
        // Task 1 never returns in a worker process (a process pool's worker re-executes this
        // binary as `… __worker …`), as a task stuck on something only workers wait for.
        if i == 1 && std::env::args().nth(1).as_deref() == Some("__worker") {
            std::thread::sleep(Duration::from_secs(3_600));
        }
        i
    })
    .tasks(3),
);

static START: std::sync::LazyLock<Instant> = std::sync::LazyLock::new(Instant::now);
static TICK: AtomicU64 = AtomicU64::new(0);

#[derive(Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct LcgParams {
    steps: u64,
}

impl Default for LcgParams {
    fn default() -> Self {
        Self { steps: 50_000 }
    }
}

/// A custom workload: typed parameters, its own spec (with defaults filled in), its ideal.
struct Lcg {
    spec: WorkloadSpec,
    steps: u64,
}

fn lcg() -> Definition {
    Definition::custom("lcg", WorkKind::Cpu, 6, |spec: &WorkloadSpec| {
        let params: LcgParams = spec.parse_params()?;
        if params.steps == 0 {
            return Err(WorkloadError::BadParams {
                workload: "lcg".into(),
                message: "steps must be at least 1".into(),
            });
        }
        Ok(Lcg {
            spec: spec.normalised(&params),
            steps: params.steps,
        })
    })
    .params::<LcgParams>()
    .summary("a linear congruential generator, STEPS steps a task")
}

impl Workload for Lcg {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn kind(&self) -> WorkKind {
        WorkKind::Cpu
    }

    fn run_blocking(&self, index: usize) -> TaskResult {
        let mut x = index as u64;
        for _ in 0..self.steps {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
        }
        Ok(TaskOutput {
            checksum: checksum_of(index, &x),
        })
    }

    fn ideal(&self, input: IdealInput) -> Option<Duration> {
        ideal_from_serial(WorkKind::Cpu, self.tasks(), input)
    }
}
