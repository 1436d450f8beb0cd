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

/// A distribution-free confidence interval of the median, from two order statistics.
///
/// For n samples sorted ascending, the interval from the l-th smallest to the l-th largest
/// covers the true median unless at least n − l + 1 samples fall on one side of it, so its
/// confidence is exactly `1 − 2·P(B ≤ l − 1)` for B ~ Binomial(n, ½), whatever the
/// distribution (Hoefler & Belli's recommendation for noisy timings). The level is discrete:
/// [`MedianCi::of`] picks the narrowest such interval whose level reaches the one asked for
/// and reports the level it actually has. With too few samples no pair reaches it (at 95 %,
/// fewer than 6); then the interval is min..max and `level` says how little it is worth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MedianCi {
    pub low: f64,
    pub high: f64,
    /// The interval's actual confidence level (0–1).
    pub level: f64,
}

/// The confidence level poolbench asks of its intervals.
pub const CI_LEVEL: f64 = 0.95;

/// Whether an interval of confidence `level` falls short of [`CI_LEVEL`] (too few samples).
pub fn below_ci_level(level: f64) -> bool {
    level + 1e-9 < CI_LEVEL
}

/// Intervals are computed on at most this many samples (an even subsample of a larger set), so
/// any count of samples costs bounded time.
const CI_MAX_SAMPLES: usize = 100_000;

impl MedianCi {
    /// The interval of the median of `samples` (any order) at `level` or the nearest level
    /// above it that order statistics offer; `None` without samples. Non-finite samples are
    /// left out.
    pub fn of(samples: &[f64], level: f64) -> Option<Self> {
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
        if sorted.len() > CI_MAX_SAMPLES {
            let step = sorted.len() as f64 / CI_MAX_SAMPLES as f64;
            sorted = (0..CI_MAX_SAMPLES)
                .map(|i| sorted[(i as f64 * step) as usize])
                .collect();
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        if n == 0 {
            return None;
        }
        let (rank, actual) = order_statistic_rank(n, level);
        Some(Self {
            low: sorted[rank - 1],
            high: sorted[n - rank],
            level: actual,
        })
    }

    /// Half the interval's width as a share of `median` (0.02 = ±2 %).
    pub fn relative_half_width(&self, median: f64) -> f64 {
        if median > 0.0 {
            (self.high - self.low) / 2.0 / median
        } else {
            f64::INFINITY
        }
    }

    /// Whether `x` lies inside the interval (ends included).
    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}

/// For `n` samples: the rank `l` (1-based) of the narrowest symmetric order-statistic interval
/// `[x(l), x(n+1-l)]` whose coverage of the median reaches `level`, and that coverage. When
/// none reaches it, `l = 1` (min..max) and its coverage, which is then below `level`.
pub fn order_statistic_rank(n: usize, level: f64) -> (usize, f64) {
    let cdf = binomial_half_cdf(n);
    let coverage = |l: usize| (1.0 - 2.0 * cdf[l - 1]).max(0.0);
    let mut best = (1, coverage(1));
    for l in 2..=n.div_ceil(2) {
        let c = coverage(l);
        if c + 1e-12 < level {
            break;
        }
        best = (l, c);
    }
    best
}

/// P(B ≤ k) for k = 0..n, B ~ Binomial(n, ½), computed in log space so large n cannot
/// underflow.
fn binomial_half_cdf(n: usize) -> Vec<f64> {
    let ln_half_n = n as f64 * std::f64::consts::LN_2;
    let mut ln_choose = 0.0_f64;
    let mut total = 0.0_f64;
    (0..=n)
        .map(|k| {
            if k > 0 {
                ln_choose += ((n - k + 1) as f64).ln() - (k as f64).ln();
            }
            total += (ln_choose - ln_half_n).exp();
            total.min(1.0)
        })
        .collect()
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
    fn binomial_cdf_matches_known_values() {
        // P(B <= k) for Binomial(10, 1/2): 1, 11, 56, 176 out of 1024.
        let cdf = binomial_half_cdf(10);
        for (k, count) in [(0, 1.0), (1, 11.0), (2, 56.0), (3, 176.0)] {
            assert!((cdf[k] - count / 1024.0).abs() < 1e-12, "k = {k}");
        }
        assert!((cdf[10] - 1.0).abs() < 1e-12);
        // Large n neither underflows nor exceeds 1.
        let big = binomial_half_cdf(5000);
        assert!(big[2500] > 0.5 && big[2500] < 0.52 && big[5000] <= 1.0);
    }

    #[test]
    fn order_statistic_ranks_match_tables() {
        // Classic tables of distribution-free median intervals at 95 %:
        // n = 6: (x1, x6) at 96.9 %; n = 10: (x2, x9) at 97.9 %; n = 20: (x6, x15) at 95.9 %;
        // n = 30: (x10, x21) at 95.7 %.
        for (n, rank, level) in [
            (6, 1, 0.968_75),
            (8, 1, 0.992_19),
            (9, 2, 0.960_94),
            (10, 2, 0.978_52),
            (20, 6, 0.958_61),
            (30, 10, 0.957_22),
        ] {
            let (l, c) = order_statistic_rank(n, 0.95);
            assert_eq!(l, rank, "n = {n}");
            assert!((c - level).abs() < 1e-4, "n = {n}: {c}");
        }
    }

    #[test]
    fn too_few_samples_say_their_real_level() {
        // Five samples: min..max covers the median with 1 - 2/32 = 93.75 %, less than 95 %.
        let ci = MedianCi::of(&[5.0, 1.0, 4.0, 2.0, 3.0], 0.95).unwrap();
        assert_eq!((ci.low, ci.high), (1.0, 5.0));
        assert!((ci.level - 0.9375).abs() < 1e-12);
        let one = MedianCi::of(&[7.0], 0.95).unwrap();
        assert_eq!((one.low, one.high, one.level), (7.0, 7.0, 0.0));
        assert!(MedianCi::of(&[], 0.95).is_none());
        assert!(MedianCi::of(&[f64::NAN], 0.95).is_none());
    }

    #[test]
    fn interval_is_made_of_samples_and_holds_the_median() {
        let samples: Vec<f64> = (1..=20).map(f64::from).rev().collect();
        let ci = MedianCi::of(&samples, 0.95).unwrap();
        assert_eq!((ci.low, ci.high), (6.0, 15.0));
        assert!(ci.contains(10.5) && !ci.contains(5.0));
        assert!((ci.relative_half_width(10.0) - 0.45).abs() < 1e-12);
        // A huge sample count is subsampled, not sorted whole.
        let many: Vec<f64> = (0..3_000_000).map(|i| f64::from(i % 1000)).collect();
        let ci = MedianCi::of(&many, 0.95).unwrap();
        assert!(ci.low <= 500.0 && ci.high >= 499.0 && ci.level >= 0.95);
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
