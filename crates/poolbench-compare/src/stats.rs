//! The interval every chart's whiskers and every verdict use: the cell's own distribution-free
//! interval of the median.
//!
//! The runner records it (`median_ci_s`, with its actual confidence `ci_level`); for results
//! files written before it did, the same order-statistic interval is computed here from the
//! samples. Either way it is two of the cell's own samples, chosen so that the interval covers
//! the true median with at least 95 % confidence whatever the distribution, or min..max with
//! its (lower) real level when there are too few samples.

use poolbench_results::{CellResult, MedianCi, CI_LEVEL};

/// The cell's interval of the median: recorded, else computed from its samples; `None` for a
/// cell with no sample.
pub fn cell_ci(cell: &CellResult) -> Option<MedianCi> {
    match (cell.time.median_ci_s, cell.time.ci_level) {
        (Some([low, high]), Some(level)) if low.is_finite() && high.is_finite() => {
            Some(MedianCi { low, high, level })
        }
        _ => MedianCi::of(&cell.time.samples_s, CI_LEVEL),
    }
}

/// Whether two intervals share any point.
pub fn overlap(a: (f64, f64), b: (f64, f64)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_is_symmetric_and_touching_counts() {
        assert!(overlap((1.0, 2.0), (2.0, 3.0)));
        assert!(overlap((2.0, 3.0), (1.0, 2.5)));
        assert!(!overlap((1.0, 2.0), (2.1, 3.0)));
        assert!(!overlap((2.1, 3.0), (1.0, 2.0)));
    }
}
