//! Samples far from the others, named: Tukey's fences, as criterion classifies its samples.
//!
//! A sample taken while the machine paused (a stopped process, a migrated VM, another job's
//! burst) can be hundreds of times the others. The median and its interval are robust to a
//! few of them and stay as they are; but a reader should know they were there, so each cell's
//! samples are classified against the quartiles: beyond 1.5 × the interquartile range from
//! the nearer quartile is a mild outlier, beyond 3 × a severe one.

use crate::percentile;

/// How many of a cell's samples fall outside Tukey's fences, on each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outliers {
    pub low_severe: usize,
    pub low_mild: usize,
    pub high_mild: usize,
    pub high_severe: usize,
}

impl Outliers {
    /// The classification of `samples` (any order; fewer than 4 have no quartiles to speak
    /// of, and no outliers).
    pub fn of(samples: &[f64]) -> Self {
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|s| s.is_finite()).collect();
        if sorted.len() < 4 {
            return Self::default();
        }
        sorted.sort_by(f64::total_cmp);
        let (q1, q3) = (percentile(&sorted, 25.0), percentile(&sorted, 75.0));
        let iqr = q3 - q1;
        let mut out = Self::default();
        for &s in &sorted {
            if s < q1 - 3.0 * iqr {
                out.low_severe += 1;
            } else if s < q1 - 1.5 * iqr {
                out.low_mild += 1;
            } else if s > q3 + 3.0 * iqr {
                out.high_severe += 1;
            } else if s > q3 + 1.5 * iqr {
                out.high_mild += 1;
            }
        }
        out
    }

    /// Every outlier, mild or severe.
    pub fn total(&self) -> usize {
        self.low_severe + self.low_mild + self.high_mild + self.high_severe
    }

    /// The severe ones (beyond 3 × the interquartile range).
    pub fn severe(&self) -> usize {
        self.low_severe + self.high_severe
    }

    /// `2 (1 severe)`, `1`, or empty when there are none: for a table beside the interval.
    pub fn text(&self) -> String {
        match (self.total(), self.severe()) {
            (0, _) => String::new(),
            (n, 0) => n.to_string(),
            (n, s) => format!("{n} ({s} severe)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paused_sample_is_a_severe_outlier_and_steady_samples_have_none() {
        let mut samples = vec![0.010, 0.0101, 0.0099, 0.0102, 0.0100, 0.0098, 0.0101];
        assert_eq!(Outliers::of(&samples).total(), 0);
        // SIGSTOP for 3.35 s during one sample.
        samples.push(3.35);
        let out = Outliers::of(&samples);
        assert_eq!((out.high_severe, out.total()), (1, 1));
        assert_eq!(out.text(), "1 (1 severe)");
        assert_eq!(
            Outliers::of(&[1.0, 100.0, 1.0]).total(),
            0,
            "too few to classify"
        );
    }

    #[test]
    fn mild_and_low_outliers_are_told_apart() {
        // Quartiles 2 and 4 (IQR 2): mild beyond 1 or 7, severe beyond -4 or 10.
        let samples = [2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 8.0, -5.0];
        let out = Outliers::of(&samples);
        assert_eq!(out.low_severe, 1, "{out:?}");
        assert_eq!(out.high_mild + out.high_severe, 1, "{out:?}");
    }
}
