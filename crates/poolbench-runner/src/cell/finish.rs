//! A cell's figures once its samples are in: the summary and interval, CPU and switches,
//! latency and phases, ideal, speedup and verification.

use std::time::Duration;

use poolbench_core::{IdealInput, WorkKind};
use poolbench_results::Timing;

use super::CellRun;
use crate::stats::Summary;
use crate::timing::percentiles_of_sorted;
use crate::{CellResult, ContextSwitches};

impl CellRun {
    /// The cell's figures: summary, interval, CPU and switches, latency, ideal, speedup,
    /// verification. `serial` is the oracle's median.
    pub fn finish(mut self, serial: Option<f64>) -> CellResult {
        self.close();
        let cell = &mut self.cell;
        cell.time = Timing::of(std::mem::take(&mut cell.time.samples_s));
        if cell.time.median_s.is_none() {
            cell.time.no_median = Some(if cell.outcome.failed_batches > 0 {
                format!(
                    "every timed batch had a failed task ({} failed batches; first: {})",
                    cell.outcome.failed_batches,
                    cell.outcome.first_batch_error.as_deref().unwrap_or("?")
                )
            } else if let Some(error) = &cell.outcome.model_error {
                format!("the model failed before a clean sample: {error}")
            } else {
                "no timed sample was taken".to_owned()
            });
        }
        cell.time.sample_order = (!self.order.is_empty()).then(|| std::mem::take(&mut self.order));
        let median_of = |values: Vec<f64>| Summary::of(&values).map(|s| s.median);
        cell.cost.cpu_s = median_of(self.usage.iter().map(|u| u.user + u.system).collect());
        cell.cost.cpu_user_s = median_of(self.usage.iter().map(|u| u.user).collect());
        cell.cost.cpu_system_s = median_of(self.usage.iter().map(|u| u.system).collect());
        cell.cost.child_cpu_s = median_of(std::mem::take(&mut self.child_cpu));
        let voluntary = median_of(self.switches.iter().map(|s| s[0]).collect());
        let involuntary = median_of(self.switches.iter().map(|s| s[1]).collect());
        if let (Some(voluntary), Some(involuntary)) = (voluntary, involuntary) {
            cell.cost.context_switches = Some(ContextSwitches {
                voluntary,
                involuntary,
            });
        }
        let phases = self.phases.means();
        cell.per_task.phases = (!phases.is_empty()).then(|| {
            phases
                .into_iter()
                .map(|(phase, mean_s)| poolbench_results::PhaseMean { phase, mean_s })
                .collect()
        });
        if cell.kind == WorkKind::Io {
            let mut times = std::mem::take(&mut self.service_times);
            times.sort_by(f64::total_cmp);
            cell.per_task.latency_s = percentiles_of_sorted(&times);
            cell.per_task.latency_samples_s = (!times.is_empty()).then_some(times);
        }
        let serial = serial.or(cell.time.median_s);
        cell.scaling.ideal_s = self
            .workload
            .ideal(IdealInput {
                workers: cell.workers,
                cores: cell.plan.cores,
                serial: serial.map(Duration::from_secs_f64),
            })
            .map(|d| d.as_secs_f64());
        if let (Some(serial), Some(median)) = (serial, cell.time.median_s) {
            cell.scaling.speedup = Some(serial / median);
        }
        if let (Some(ideal), Some(median)) = (cell.scaling.ideal_s, cell.time.median_s) {
            cell.scaling.efficiency = Some(ideal / median);
        }
        cell.outcome.verified = cell.outcome.model_error.is_none()
            && cell.time.median_s.is_some()
            && self.verifier.verified(cell.tasks);
        cell.outcome.failed_tasks = self.verifier.failed.len();
        cell.outcome.timed_out_tasks = self.verifier.timed_out.len();
        cell.outcome.mismatched_tasks = self.verifier.mismatched.len();
        cell.outcome.errors = std::mem::take(&mut self.verifier.errors);
        self.cell
    }
}
