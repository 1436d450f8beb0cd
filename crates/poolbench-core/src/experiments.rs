//! Experiment labels that a preset writes and a report reads: the report draws a page of its
//! own for the cells that carry them (the seed articles' labels are the articles' own).

/// No-op tasks at W = 2 on every pool and engine: what one task costs each of them.
pub const CLUSTER_OVERHEAD: &str = "Cluster engines: per-task cost";

/// `sum` over decades of task length at W = 2: from which task length each engine is within
/// 10 % of `multiprocessing.Pool`.
pub const CLUSTER_BREAK_EVEN: &str = "Cluster engines: break-even";
