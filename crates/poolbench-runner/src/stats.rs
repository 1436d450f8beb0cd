//! Summary statistics of a cell's timed repetitions.
//!
//! Medians, not means, are the headline: on a shared, noisy machine one preempted repetition
//! drags a mean far more than a median. min and max are kept to show the spread.

use serde::{Deserialize, Serialize};

/// Median, spread and moments of a set of samples (seconds).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    /// Sample standard deviation (n - 1); 0 for a single sample.
    pub stddev: f64,
}

impl Summary {
    /// Summarises `samples`; `None` when there are none.
    pub fn of(samples: &[f64]) -> Option<Self> {
        if samples.is_empty() {
            return None;
        }
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len() as f64;
        let mean = sorted.iter().sum::<f64>() / n;
        let variance = if sorted.len() > 1 {
            sorted.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        Some(Self {
            median: percentile(&sorted, 50.0),
            min: sorted[0],
            max: sorted[sorted.len() - 1],
            mean,
            stddev: variance.sqrt(),
        })
    }
}

/// The `p`-th percentile (0–100) of already sorted values, interpolating linearly between
/// neighbours (so the median of an even count is the mean of the middle two). NaN if empty.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        len => {
            let rank = (p.clamp(0.0, 100.0) / 100.0) * (len - 1) as f64;
            let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
            sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        let s = Summary::of(&[3.0, 1.0, 2.0, 10.0]).unwrap();
        assert_eq!(s.median, 2.5);
        assert_eq!((s.min, s.max), (1.0, 10.0));
        assert_eq!(s.mean, 4.0);
        assert!((s.stddev - 4.082_482_904_638_63).abs() < 1e-12);
        assert_eq!(Summary::of(&[5.0]).unwrap().stddev, 0.0);
        assert!(Summary::of(&[]).is_none());
    }

    #[test]
    fn percentiles_interpolate_and_clamp() {
        let v = [0.0, 10.0, 20.0, 30.0, 40.0];
        assert_eq!(percentile(&v, 50.0), 20.0);
        assert_eq!(percentile(&v, 90.0), 36.0);
        assert_eq!(percentile(&v, 100.0), 40.0);
        assert_eq!(percentile(&v, 150.0), 40.0);
        assert!(percentile(&[], 50.0).is_nan());
    }

    #[test]
    fn median_lies_within_min_and_max() {
        let mut rng = 0x1234_5678_u64;
        for len in 1..40 {
            let samples: Vec<f64> = (0..len)
                .map(|_| {
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    (rng % 1000) as f64
                })
                .collect();
            let s = Summary::of(&samples).unwrap();
            assert!(s.min <= s.median && s.median <= s.max, "{samples:?}");
            assert!(s.min <= s.mean && s.mean <= s.max);
        }
    }
}
