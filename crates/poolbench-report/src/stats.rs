//! Statistics a report needs beyond the runner's summary: a confidence interval of the median.
//!
//! With a handful of repetitions on a noisy machine, the median is the headline and the
//! question is "could the difference be noise?". A percentile bootstrap answers it without
//! assuming a distribution: resample the repetitions with replacement many times, take each
//! resample's median, and keep the middle 95 % of those medians. Seeded, so a report is
//! reproducible from its results file.

use poolbench_runner::percentile;

/// How many resamples the bootstrap draws.
const RESAMPLES: usize = 2000;

/// A 95 % percentile-bootstrap confidence interval of the median of `samples`, as
/// `(low, high)`; a single sample gives a zero-width interval, none gives `None`.
pub fn median_ci(samples: &[f64], seed: u64) -> Option<(f64, f64)> {
    match samples.len() {
        0 => return None,
        1 => return Some((samples[0], samples[0])),
        _ => {}
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut resample = vec![0.0; samples.len()];
    let mut medians: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            for slot in resample.iter_mut() {
                *slot = samples[rng.usize(..samples.len())];
            }
            resample.sort_by(f64::total_cmp);
            percentile(&resample, 50.0)
        })
        .collect();
    medians.sort_by(f64::total_cmp);
    Some((percentile(&medians, 2.5), percentile(&medians, 97.5)))
}

/// Whether two intervals share any point.
pub fn overlap(a: (f64, f64), b: (f64, f64)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_contains_the_median_and_lies_within_the_data() {
        let mut rng = fastrand::Rng::with_seed(1);
        for len in 2..30 {
            let samples: Vec<f64> = (0..len).map(|_| rng.f64() * 10.0).collect();
            let mut sorted = samples.clone();
            sorted.sort_by(f64::total_cmp);
            let median = percentile(&sorted, 50.0);
            let (lo, hi) = median_ci(&samples, 7).unwrap();
            assert!(
                lo <= median && median <= hi,
                "{samples:?}: {lo}..{hi} vs {median}"
            );
            assert!(sorted[0] <= lo && hi <= sorted[len - 1]);
        }
    }

    #[test]
    fn identical_samples_give_a_point_and_results_are_reproducible() {
        assert_eq!(median_ci(&[2.0, 2.0, 2.0], 1), Some((2.0, 2.0)));
        assert_eq!(median_ci(&[3.0], 1), Some((3.0, 3.0)));
        assert_eq!(median_ci(&[], 1), None);
        let data = [1.0, 5.0, 2.0, 8.0, 3.0];
        assert_eq!(median_ci(&data, 9), median_ci(&data, 9));
    }

    #[test]
    fn overlap_is_symmetric_and_touching_counts() {
        assert!(overlap((1.0, 2.0), (2.0, 3.0)));
        assert!(overlap((2.0, 3.0), (1.0, 2.5)));
        assert!(!overlap((1.0, 2.0), (2.1, 3.0)));
        assert!(!overlap((2.1, 3.0), (1.0, 2.0)));
    }
}
