//! Did the article's claim hold here? Each claim names two cells and how they should compare;
//! the answer comes from their 95 % intervals, never from the medians alone.

use poolbench_core::WorkKind;

use poolbench_compare::fmt::secs;
use poolbench_compare::overlap;
use poolbench_compare::{Point, Series, WorkloadGroup};

/// Which cell of a model a claim means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// W = 1.
    One,
    /// The W nearest the machine's core count from below (a pool of `cpu_count()`).
    Cores,
    /// The largest W that ran.
    Most,
}

/// A cell a claim names: a model, or the fastest Rust pool, at a W.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Model(&'static str),
    /// The fastest verified Rust model that is not a one-at-a-time loop.
    FastestRustPool,
}

/// How the two cells of a claim should compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The first is faster than the second.
    Faster,
    /// The second gains nothing over the first (it is not faster).
    NoGain,
    /// Both come within [`NEAR_IDEAL`] of their ideal time (a zero-overhead scheduler's).
    NearIdeal,
    /// The first hands results back as tasks finish (the second cell is not used): some task
    /// of its recorded batch finished out of submission order (when every task finishes in
    /// turn, no order can show it).
    OutOfTurn,
}

/// How far above its ideal a cell's interval may start and still count as reaching it (5 %).
pub const NEAR_IDEAL: f64 = 0.05;

/// An article's claim, checkable on a group of cells.
#[derive(Debug, Clone, Copy)]
pub struct Claim {
    /// The claim in words.
    pub text: &'static str,
    /// The kind of work it is about, when an experiment has groups of both kinds (S5).
    pub kind: Option<WorkKind>,
    pub first: (Who, At),
    pub second: (Who, At),
    pub expect: Expect,
}

/// What the intervals say of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Held,
    DidNotHold,
    NoDifference,
}

impl Outcome {
    pub fn text(self) -> &'static str {
        match self {
            Outcome::Held => "held",
            Outcome::DidNotHold => "did not hold here",
            Outcome::NoDifference => "no difference within the intervals",
        }
    }
}

/// The outcome of `claim` on `g` (its first machine) and a sentence with the two cells'
/// figures; `None` when `g` lacks one of its cells.
pub fn check(claim: &Claim, g: &WorkloadGroup) -> Option<(Outcome, String)> {
    if claim.kind.is_some_and(|k| k != g.kind) {
        return None;
    }
    let cores = g.machines.first().map_or(1, |m| m.cores);
    if claim.expect == Expect::OutOfTurn {
        return out_of_turn(claim, g, cores);
    }
    let (a_name, a) = cell(g, claim.first, cores)?;
    let (b_name, b) = cell(g, claim.second, cores)?;
    let a_faster = a.ci.1 < b.ci.0;
    let b_faster = b.ci.1 < a.ci.0;
    let near_ideal = |p: &Point| p.ideal.is_some_and(|i| p.ci.0 <= i * (1.0 + NEAR_IDEAL));
    let outcome = match claim.expect {
        Expect::NearIdeal if near_ideal(a) && near_ideal(b) => Outcome::Held,
        Expect::NearIdeal | Expect::OutOfTurn => Outcome::DidNotHold,
        Expect::Faster if a_faster => Outcome::Held,
        Expect::Faster if b_faster => Outcome::DidNotHold,
        Expect::Faster => Outcome::NoDifference,
        Expect::NoGain if !b_faster => Outcome::Held,
        Expect::NoGain => Outcome::DidNotHold,
    };
    let describe = |name: &str, p: &Point| {
        let ideal = match (claim.expect, p.ideal) {
            (Expect::NearIdeal, Some(i)) => format!(", ideal {}", secs(i)),
            _ => String::new(),
        };
        format!(
            "{name} at W = {} took {} (95 % interval {}–{}{ideal})",
            p.workers,
            secs(p.median),
            secs(p.ci.0),
            secs(p.ci.1)
        )
    };
    let said = match claim.expect {
        Expect::NearIdeal => "a cell reaches its ideal when its interval starts within 5 % of it",
        _ if overlap(a.ci, b.ci) => "the intervals overlap",
        _ => "the intervals are apart",
    };
    Some((
        outcome,
        format!(
            "The article's claim — {} — {}: {}; {}; {said}.",
            claim.text,
            outcome.text(),
            describe(&a_name, a),
            describe(&b_name, b)
        ),
    ))
}

/// The cell `who` at `at`, with its model's name.
fn cell(g: &WorkloadGroup, (who, at): (Who, At), cores: usize) -> Option<(String, &Point)> {
    let mine = |s: &&Series| s.machine == 0;
    let w = |s: &Series| -> Option<usize> {
        let counts: Vec<usize> = s
            .points
            .iter()
            .filter(|p| p.verified)
            .map(|p| p.workers)
            .collect();
        match at {
            At::One => counts.iter().copied().find(|&w| w == 1),
            At::Most => counts.iter().copied().max(),
            At::Cores => counts.iter().copied().filter(|&w| w <= cores).max(),
        }
    };
    fn point(s: &Series, w: Option<usize>) -> Option<&Point> {
        let w = w?;
        s.points.iter().find(|p| p.workers == w && p.verified)
    }
    match who {
        Who::Model(name) => {
            let s = g.series.iter().filter(mine).find(|s| s.model == name)?;
            Some((s.model.clone(), point(s, w(s))?))
        }
        Who::FastestRustPool => g
            .series
            .iter()
            .filter(mine)
            .filter(|s| s.language == poolbench_core::Language::Rust && !s.oracle)
            .filter(|s| s.worker_kind != Some(poolbench_core::WorkerKind::Caller))
            .filter_map(|s| Some((s.model.clone(), point(s, w(s))?)))
            .min_by(|a, b| a.1.median.total_cmp(&b.1.median)),
    }
}

/// [`Expect::OutOfTurn`]: how many of the first cell's tasks finished out of their turn.
fn out_of_turn(claim: &Claim, g: &WorkloadGroup, cores: usize) -> Option<(Outcome, String)> {
    let (_, point) = cell(g, claim.first, cores)?;
    let order = point.completion_order.as_ref()?;
    let late = order.iter().enumerate().filter(|(k, t)| k != *t).count();
    let (outcome, why) = if late > 0 {
        (
            Outcome::Held,
            format!(
                "{late} of {} tasks finished out of turn, and it handed each back as it finished",
                order.len()
            ),
        )
    } else {
        (
            Outcome::DidNotHold,
            "every task finished in submission order, so no order could show it".to_owned(),
        )
    };
    Some((
        outcome,
        format!(
            "The article's claim — {} — {}: {why}.",
            claim.text,
            outcome.text()
        ),
    ))
}
