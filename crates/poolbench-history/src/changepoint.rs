//! Change points: where in a series of runs did the numbers shift, and is the shift real?
//!
//! A CI history is a series of one figure per commit (a cell's median), each with noise. A
//! threshold on the newest value cries wolf at every noisy run, and misses a slow creep. A
//! change-point method asks instead: is there a place where the series before and the series
//! after come from different distributions? This module follows Apache Otava (formerly Hunter,
//! MongoDB's tool; Fleming et al., "Hunter: Using Change Point Detection to Hunt for
//! Performance Regressions", ICPE 2023), which builds on **E-divisive means** (Matteson &
//! James, JASA 2014):
//!
//! 1. **Where.** For each split `τ` of a segment into `X = z[..τ]` and `Y = z[τ..]`, the
//!    energy distance `Ê = 2·mean|x − y| − mean|x − x'| − mean|y − y'|` measures how
//!    different the two sides are; weighted by `|X|·|Y| / (|X| + |Y|)` it is `Q̂(τ)`. The
//!    candidate is the split with the largest `Q̂` (the form with the segment's end fixed;
//!    all splits of a segment cost O(n²)).
//! 2. **Whether.** As Hunter does (the original permutation test is slow, and random), the
//!    candidate is tested with Student's t-test of the two sides' means, pooled over both
//!    sides, which gives a short newest segment (3 runs) the power of the long one. A CI
//!    machine's noise is heavy-tailed, though (this VM's two-speed vCPUs make one run in five
//!    25 % slow), and a t-test on raw values is what heavy tails defeat: one slow run inflates
//!    the variance and hides a real step. So the t-test reads each value clipped to its side's
//!    median ± [`CLIP_AT`] robust standard deviations (1.4826 × the pooled median absolute
//!    deviation): an outlier keeps its sign but loses its weight. Clipping could make two slow
//!    runs at the end look like a step; a rank test (Mann–Whitney, on the raw values, which no
//!    outlier can sway by more than one rank each) must agree at [`RANK_AGREEMENT`]. Measured
//!    against Apache Otava on the same series (`examples/changepoints`,
//!    docs/ci-regression.md), this finds what Otava finds with no more false alarms, and far
//!    more under heavy tails.
//! 3. **Bisection.** A significant split cuts its segment in two, and each part is searched
//!    again, until no split is significant.
//!
//! Each change is reported with its size (median after ÷ median before − 1, between the
//! neighbouring change points) and its p-value.

use serde::Serialize;

/// How the search runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// A split is significant when its p-value is at most this. The default is strict, as
    /// Otava's is, because a check tests every cell's series at once.
    pub significance: f64,
    /// Fewest points on either side of a change.
    pub min_size: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            significance: 0.001,
            min_size: 3,
        }
    }
}

/// One change point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    /// The index of the first point after the change.
    pub index: usize,
    /// Median after ÷ median before − 1, each over the points up to the neighbouring change.
    pub size: f64,
    /// The p-value of the test that found the change (see the module docs).
    pub p_value: f64,
}

/// The change points of `series`, in order of index.
pub fn change_points(series: &[f64], settings: &Settings) -> Vec<Change> {
    let mut found: Vec<(usize, f64)> = Vec::new();
    let mut segments = vec![(0, series.len())];
    while let Some((start, end)) = segments.pop() {
        let Some((tau, _)) = best_split(&series[start..end], settings.min_size) else {
            continue;
        };
        let p = p_value(&series[start..end], tau);
        if p <= settings.significance {
            found.push((start + tau, p));
            segments.push((start, start + tau));
            segments.push((start + tau, end));
        }
    }
    found.sort_by_key(|(index, _)| *index);
    let bounds: Vec<usize> = std::iter::once(0)
        .chain(found.iter().map(|(i, _)| *i))
        .chain(std::iter::once(series.len()))
        .collect();
    found
        .iter()
        .enumerate()
        .map(|(k, &(index, p_value))| {
            let before = median(&series[bounds[k]..index]);
            let after = median(&series[index..bounds[k + 2]]);
            Change {
                index,
                size: if before > 0.0 {
                    after / before - 1.0
                } else {
                    0.0
                },
                p_value,
            }
        })
        .collect()
}

/// The split of `z` with the largest `Q̂`, with at least `min_size` points on each side:
/// `(τ, Q̂(τ))`; `None` when `z` is too short to split.
pub fn best_split(z: &[f64], min_size: usize) -> Option<(usize, f64)> {
    let n = z.len();
    let min_size = min_size.max(2);
    if n < 2 * min_size {
        return None;
    }
    let d = |i: usize, j: usize| (z[i] - z[j]).abs();
    // With X = z[..τ] and Y = z[τ..]: the sums of |·| within X, within Y and across.
    let mut within_x = 0.0;
    let mut within_y: f64 = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .map(|(i, j)| d(i, j))
        .sum();
    let mut across = 0.0;
    let mut best: Option<(usize, f64)> = None;
    for tau in 1..n - 1 {
        // Point tau - 1 moves from Y to X.
        let k = tau - 1;
        let to_x: f64 = (0..k).map(|i| d(k, i)).sum();
        let to_y: f64 = (k + 1..n).map(|j| d(k, j)).sum();
        within_x += to_x;
        within_y -= to_y;
        across += to_y - to_x;
        if tau < min_size || n - tau < min_size {
            continue;
        }
        let (m, l) = (tau as f64, (n - tau) as f64);
        let energy = 2.0 * across / (m * l)
            - within_x / (m * (m - 1.0) / 2.0)
            - within_y / (l * (l - 1.0) / 2.0);
        let q = m * l / (m + l) * energy;
        if best.is_none_or(|(_, b)| q > b) {
            best = Some((tau, q));
        }
    }
    best
}

/// How many robust standard deviations from its side's median a value may be before the
/// t-test reads it clipped there.
pub const CLIP_AT: f64 = 3.0;

/// The largest two-sided p-value of the rank test that lets a split count.
pub const RANK_AGREEMENT: f64 = 0.02;

/// The p-value of splitting `z` at `tau` (see the module docs): the pooled t-test of the two
/// sides with outliers clipped, or 1 when a rank test does not agree that the sides differ.
fn p_value(z: &[f64], tau: usize) -> f64 {
    if rank_test(z, tau) > RANK_AGREEMENT {
        return 1.0;
    }
    t_test(&clipped(z, tau), tau)
}

/// `z` with each value clipped to its side's median ± [`CLIP_AT`] robust standard deviations
/// (1.4826 × the median absolute deviation from each side's own median, pooled).
fn clipped(z: &[f64], tau: usize) -> Vec<f64> {
    let (x, y) = z.split_at(tau);
    let (mx, my) = (median(x), median(y));
    let deviations: Vec<f64> = x
        .iter()
        .map(|a| (a - mx).abs())
        .chain(y.iter().map(|a| (a - my).abs()))
        .collect();
    let limit = CLIP_AT * 1.4826 * median(&deviations);
    let clip = |a: &f64, m: f64| a.clamp(m - limit, m + limit);
    x.iter()
        .map(|a| clip(a, mx))
        .chain(y.iter().map(|a| clip(a, my)))
        .collect()
}

/// Mann–Whitney's two-sided p-value (normal approximation, ties given their mean rank) that
/// `z[..tau]` and `z[tau..]` come from one distribution.
fn rank_test(z: &[f64], tau: usize) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    let n = z.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| z[a].total_cmp(&z[b]));
    let mut rank = vec![0.0; n];
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && z[order[j + 1]] == z[order[i]] {
            j += 1;
        }
        for &k in &order[i..=j] {
            rank[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    let (m, l, n) = (tau as f64, (n - tau) as f64, n as f64);
    let sum: f64 = rank[tau..].iter().sum();
    let sd = (m * l * (n + 1.0) / 12.0).sqrt();
    if sd == 0.0 {
        return 1.0;
    }
    let score = (sum - l * (n + 1.0) / 2.0).abs() / sd;
    Normal::new(0.0, 1.0).map_or(1.0, |normal| 2.0 * normal.sf(score))
}

/// Student's two-sided t-test of `z[..tau]` against `z[tau..]`, variance pooled.
fn t_test(z: &[f64], tau: usize) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    let (x, y) = z.split_at(tau);
    let (m, l) = (x.len() as f64, y.len() as f64);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (mx, my) = (mean(x), mean(y));
    let squares = |v: &[f64], c: f64| v.iter().map(|a| (a - c).powi(2)).sum::<f64>();
    let df = m + l - 2.0;
    let pooled = ((squares(x, mx) + squares(y, my)) / df).sqrt();
    if pooled > 0.0 {
        let t = (my - mx).abs() / (pooled * (1.0 / m + 1.0 / l).sqrt());
        match StudentsT::new(0.0, 1.0, df) {
            Ok(dist) => 2.0 * dist.sf(t),
            Err(_) => 1.0,
        }
    } else if mx == my {
        1.0
    } else {
        0.0
    }
}

/// The median of `values`; 0 when empty.
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    poolbench_results::percentile(&sorted, 50.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` points around `level` with relative noise `noise` (uniform, ±√3·noise, so its
    /// standard deviation is `noise`).
    fn noisy(rng: &mut fastrand::Rng, n: usize, level: f64, noise: f64) -> Vec<f64> {
        (0..n)
            .map(|_| level * (1.0 + noise * 3f64.sqrt() * (2.0 * rng.f64() - 1.0)))
            .collect()
    }

    #[test]
    fn the_best_split_of_a_clean_step_is_the_step() {
        let mut z = vec![1.0; 10];
        z.extend([2.0; 7]);
        assert_eq!(best_split(&z, 3).unwrap().0, 10);
        assert_eq!(best_split(&z[..5], 3), None);
    }

    #[test]
    fn steps_under_noise_are_found_where_they_are_with_their_size() {
        let mut rng = fastrand::Rng::with_seed(7);
        let mut z = noisy(&mut rng, 20, 1.0, 0.02);
        z.extend(noisy(&mut rng, 15, 1.3, 0.02));
        z.extend(noisy(&mut rng, 15, 1.1, 0.02));
        let changes = change_points(&z, &Settings::default());
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert_eq!(changes[0].index, 20);
        assert!((changes[0].size - 0.3).abs() < 0.05, "{changes:?}");
        assert_eq!(changes[1].index, 35);
        assert!(
            (changes[1].size - (1.1 / 1.3 - 1.0)).abs() < 0.05,
            "{changes:?}"
        );
        assert!(changes.iter().all(|c| c.p_value <= 0.001));
    }

    #[test]
    fn noise_alone_has_no_change_point() {
        let mut rng = fastrand::Rng::with_seed(11);
        let mut false_alarms = 0;
        for _ in 0..50 {
            let z = noisy(&mut rng, 40, 1.0, 0.05);
            false_alarms += change_points(&z, &Settings::default()).len();
        }
        // At a 0.1 % significance, 50 series of pure noise: expect about 0.05 false changes.
        assert!(false_alarms <= 1, "{false_alarms}");
    }

    #[test]
    fn the_same_series_always_gives_the_same_answer() {
        let mut rng = fastrand::Rng::with_seed(3);
        let mut z = noisy(&mut rng, 12, 1.0, 0.05);
        z.extend(noisy(&mut rng, 12, 1.08, 0.05));
        let settings = Settings::default();
        assert_eq!(change_points(&z, &settings), change_points(&z, &settings));
    }

    #[test]
    fn short_and_constant_series_have_no_change() {
        let settings = Settings::default();
        assert!(change_points(&[], &settings).is_empty());
        assert!(change_points(&[1.0, 2.0, 3.0], &settings).is_empty());
        assert!(change_points(&[1.0; 30], &settings).is_empty());
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }
}
