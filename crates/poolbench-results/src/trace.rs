//! A cell's timeline: every task of one untimed, traced batch, on the worker that ran it.
//!
//! Times and speedups only hint at *how* a model schedules; a timeline shows it. After its
//! timed batches each cell runs three more batches, untimed, in which every task also records
//! the worker that ran it (an OS thread, a worker process, a Python thread or process), and
//! keeps the one whose last task finished at the median time (one batch preempted on a shared
//! machine would otherwise become the picture). This file holds what the chart and the report
//! need of it:
//!
//! - **lanes**: one per worker that ran a task, in the order they first started one. A model
//!   that starts a thread per task (so more workers than W over a batch) has its threads packed
//!   into lanes, each joining the first lane none of whose tasks overlaps its own. tokio's
//!   lanes are its runtime threads, each carrying many tasks at once while they wait.
//! - **spans**: per task its lane and its enqueue, start and finish, nanoseconds from the
//!   batch's start. A batch of more than [`MOST_SPANS`] tasks keeps every k-th task (task indices
//!   0, k, 2k, …; `every` says k), enough to show the shape; the figures below are computed
//!   from every task before that.
//! - **idle while waiting**: the share of the lanes' time (lanes × the batch's span) in which
//!   a lane ran nothing while some task was enqueued and not yet started: load imbalance, the
//!   time a scheduler left a worker idle with work in hand. **busy**: the share in which lanes
//!   ran tasks.

use serde::{Deserialize, Serialize};

use poolbench_core::TaskTiming;

/// The most tasks a trace keeps; longer batches keep every k-th.
pub const MOST_SPANS: usize = 600;

/// One task of the traced batch: `[task, lane, enqueued_ns, started_ns, finished_ns]`, times
/// in whole nanoseconds from the batch's start (integers keep a trace of 600 tasks small).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span(pub usize, pub usize, pub u64, pub u64, pub u64);

impl Span {
    pub fn task(&self) -> usize {
        self.0
    }
    pub fn lane(&self) -> usize {
        self.1
    }
    /// When it was enqueued, seconds from the batch's start.
    pub fn enqueued(&self) -> f64 {
        self.2 as f64 / 1e9
    }
    /// When it started, seconds from the batch's start.
    pub fn started(&self) -> f64 {
        self.3 as f64 / 1e9
    }
    /// When it finished, seconds from the batch's start.
    pub fn finished(&self) -> f64 {
        self.4 as f64 / 1e9
    }
}

/// One lane of the timeline: the workers (OS thread ids or pids) whose tasks it shows; one,
/// except where a model's short-lived threads were packed into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lane {
    pub workers: Vec<u64>,
}

/// A cell's traced batch (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// Tasks in the batch.
    pub tasks: usize,
    /// Tasks with a worker recorded (a task that failed before a worker took it has none).
    pub traced_tasks: usize,
    /// When the last task finished, seconds from the batch's start.
    pub end_s: f64,
    pub lanes: Vec<Lane>,
    /// Every k-th task index is kept in `spans` (1: every task).
    pub every: usize,
    pub spans: Vec<Span>,
    /// Share of the lanes' time spent idle while a task waited to start.
    pub idle_while_waiting: f64,
    /// Share of the lanes' time spent running tasks.
    pub busy: f64,
}

impl Trace {
    /// The trace of one batch's timings (in task order), for a model of `workers` workers;
    /// `None` when no task recorded its worker (the model or the batch was not traced).
    pub fn of(timings: &[TaskTiming], workers: usize) -> Option<Trace> {
        let ns = |d: std::time::Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        // Each traced task's worker and its span (no lane yet), start and finish clamped so
        // that enqueued ≤ started ≤ finished.
        let traced: Vec<(u64, Span)> = timings
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let enqueued = ns(t.enqueued);
                let started = ns(t.started).max(enqueued);
                Some((
                    t.worker?,
                    Span(i, 0, enqueued, started, ns(t.finished).max(started)),
                ))
            })
            .collect();
        if traced.is_empty() {
            return None;
        }
        let lane_of = lanes(&traced, workers);
        let lane_count = lane_of.iter().map(|(_, l)| l + 1).max().unwrap_or(0);
        let mut lanes = vec![Lane { workers: vec![] }; lane_count];
        for &(worker, lane) in &lane_of {
            lanes[lane].workers.push(worker);
        }
        let lane_by_worker: std::collections::HashMap<u64, usize> = lane_of.into_iter().collect();
        let all: Vec<Span> = traced
            .into_iter()
            .map(|(w, s)| Span(s.0, lane_by_worker[&w], s.2, s.3, s.4))
            .collect();
        let end_s = all.iter().map(Span::finished).fold(0.0, f64::max);
        let (idle_while_waiting, busy) = shares(&all, lane_count, end_s);
        let every = timings.len().div_ceil(MOST_SPANS).max(1);
        Some(Trace {
            tasks: timings.len(),
            traced_tasks: all.len(),
            end_s,
            lanes,
            every,
            spans: all
                .into_iter()
                .filter(|s| s.task().is_multiple_of(every))
                .collect(),
            idle_while_waiting,
            busy,
        })
    }
}

/// Each worker's lane, workers in order of their first start: one lane per worker when there
/// are at most `workers` of them; else (short-lived threads: a thread per task, a blocking pool
/// that rotates its threads) each packed into the first lane none of whose tasks overlaps any of
/// its own.
fn lanes(traced: &[(u64, Span)], workers: usize) -> Vec<(u64, usize)> {
    use std::collections::HashMap;
    // Each worker's tasks as (started, finished) nanoseconds, workers in order of appearance.
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut tasks: Vec<(u64, Vec<(u64, u64)>)> = Vec::new();
    for &(w, span) in traced {
        let at = *index.entry(w).or_insert_with(|| {
            tasks.push((w, Vec::new()));
            tasks.len() - 1
        });
        tasks[at].1.push((span.3, span.4));
    }
    for (_, spans) in &mut tasks {
        spans.sort_unstable();
    }
    tasks.sort_by_key(|(w, spans)| (spans[0].0, *w));
    if tasks.len() <= workers.max(1) {
        return tasks
            .iter()
            .enumerate()
            .map(|(i, (w, _))| (*w, i))
            .collect();
    }
    // Each lane's tasks so far, sorted by start; they never overlap, so also by finish.
    let mut lanes: Vec<Vec<(u64, u64)>> = Vec::new();
    let free = |lane: &[(u64, u64)], (start, end): (u64, u64)| {
        // The last task of the lane starting before `end` is the only one that can overlap.
        let before = lane.partition_point(|t| t.0 < end);
        before == 0 || lane[before - 1].1 <= start
    };
    tasks
        .into_iter()
        .map(|(w, spans)| {
            let lane = lanes
                .iter()
                .position(|lane| spans.iter().all(|&span| free(lane, span)))
                .unwrap_or_else(|| {
                    lanes.push(Vec::new());
                    lanes.len() - 1
                });
            for span in spans {
                let at = lanes[lane].partition_point(|t| t.0 < span.0);
                lanes[lane].insert(at, span);
            }
            (w, lane)
        })
        .collect()
}

/// (idle while waiting, busy) as shares of `lanes` × `end`: a sweep over every task's
/// enqueue, start and finish.
fn shares(spans: &[Span], lanes: usize, end: f64) -> (f64, f64) {
    if lanes == 0 || end <= 0.0 {
        return (0.0, 0.0);
    }
    // Events: (time, change in waiting tasks, lane, change in that lane's running tasks).
    let mut events: Vec<(f64, i64, usize, i64)> = Vec::with_capacity(spans.len() * 3);
    for s in spans {
        events.push((s.enqueued(), 1, s.lane(), 0));
        events.push((s.started(), -1, s.lane(), 1));
        events.push((s.finished(), 0, s.lane(), -1));
    }
    events.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut running = vec![0i64; lanes];
    let (mut busy_lanes, mut waiting) = (0usize, 0i64);
    let (mut idle_waiting, mut busy, mut last) = (0.0, 0.0, 0.0);
    for (at, wait, lane, run) in events {
        let dt = at - last;
        if dt > 0.0 {
            busy += busy_lanes as f64 * dt;
            if waiting > 0 {
                idle_waiting += (lanes - busy_lanes) as f64 * dt;
            }
            last = at;
        }
        waiting += wait;
        let was = running[lane] > 0;
        running[lane] += run;
        match (was, running[lane] > 0) {
            (false, true) => busy_lanes += 1,
            (true, false) => busy_lanes -= 1,
            _ => {}
        }
    }
    let total = lanes as f64 * end;
    (idle_waiting / total, busy / total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn t(enqueued: u64, started: u64, finished: u64, worker: u64) -> TaskTiming {
        let ms = Duration::from_millis;
        TaskTiming {
            enqueued: ms(enqueued),
            started: ms(started),
            finished: ms(finished),
            worker: Some(worker),
        }
    }

    #[test]
    fn an_untraced_batch_has_no_trace() {
        assert_eq!(Trace::of(&[TaskTiming::default(); 3], 2), None);
    }

    #[test]
    fn lanes_follow_first_starts_and_every_task_is_kept_once() {
        // Two workers; worker 9 starts first, so it is lane 0.
        let timings = [
            t(0, 5, 10, 7),
            t(0, 0, 5, 9),
            t(0, 10, 20, 7),
            t(0, 5, 8, 9),
        ];
        let trace = Trace::of(&timings, 2).unwrap();
        assert_eq!(
            trace.lanes,
            [Lane { workers: vec![9] }, Lane { workers: vec![7] }]
        );
        let tasks: Vec<usize> = trace.spans.iter().map(Span::task).collect();
        assert_eq!(tasks, [0, 1, 2, 3]);
        assert_eq!(trace.spans[0].lane(), 1);
        assert!((trace.end_s - 0.020).abs() < 1e-12);
    }

    #[test]
    fn a_long_task_with_work_queued_behind_it_is_idle_time() {
        // W = 2, all enqueued at 0. Lane A (worker 1): task 0 runs 0–10. Lane B (worker 2) runs
        // task 1 0–2, then idles while tasks 2 and 3 wait for lane A (a per-worker queue).
        let timings = [
            t(0, 0, 10, 1),
            t(0, 0, 2, 2),
            t(0, 10, 12, 1),
            t(0, 12, 14, 1),
        ];
        let trace = Trace::of(&timings, 2).unwrap();
        // Lane B idles 2–14 while something waits (2–12) : 10 of 2 × 14 lane-ms.
        assert!(
            (trace.idle_while_waiting - 10.0 / 28.0).abs() < 1e-9,
            "{trace:?}"
        );
        // Busy: lane A 14, lane B 2.
        assert!((trace.busy - 16.0 / 28.0).abs() < 1e-9);
    }

    #[test]
    fn a_shared_queue_idles_only_at_the_tail() {
        let timings = [t(0, 0, 10, 1), t(0, 0, 2, 2), t(0, 2, 4, 2), t(0, 4, 6, 2)];
        let trace = Trace::of(&timings, 2).unwrap();
        assert_eq!(trace.idle_while_waiting, 0.0);
        assert!((trace.busy - 16.0 / 20.0).abs() < 1e-9);
    }

    #[test]
    fn a_thread_per_task_packs_into_at_most_w_lanes() {
        // Six threads, never more than two running at once.
        let timings: Vec<TaskTiming> = (0..6)
            .map(|i| t(0, 5 * (i / 2), 5 * (i / 2) + 5, 100 + i))
            .collect();
        let trace = Trace::of(&timings, 2).unwrap();
        assert_eq!(trace.lanes.len(), 2);
        assert_eq!(
            trace.lanes.iter().map(|l| l.workers.len()).sum::<usize>(),
            6
        );
    }

    #[test]
    fn workers_that_take_turns_share_a_lane() {
        // W = 1, three threads taking turns (a blocking pool rotating its threads): threads
        // 1 and 2 each run two tasks with the others' in between. Lifetimes overlap; tasks
        // never do, so one lane.
        let timings = [
            t(0, 0, 10, 1),
            t(0, 10, 20, 2),
            t(0, 20, 30, 3),
            t(0, 30, 40, 1),
            t(0, 40, 50, 2),
        ];
        let trace = Trace::of(&timings, 1).unwrap();
        assert_eq!(trace.lanes.len(), 1, "{:?}", trace.lanes);
        assert_eq!(trace.lanes[0].workers, [1, 2, 3]);
        assert!((trace.busy - 1.0).abs() < 1e-9);
    }

    #[test]
    fn long_batches_keep_every_kth_task_and_their_figures() {
        let n = 3 * MOST_SPANS + 1;
        let timings: Vec<TaskTiming> = (0..n as u64).map(|i| t(0, i, i + 1, 1)).collect();
        let trace = Trace::of(&timings, 1).unwrap();
        assert_eq!(trace.every, 4);
        assert!(trace.spans.len() <= MOST_SPANS);
        assert!(trace.spans.iter().all(|s| s.task() % 4 == 0));
        assert_eq!(trace.traced_tasks, n);
        assert!((trace.busy - 1.0).abs() < 1e-9);
    }
}
