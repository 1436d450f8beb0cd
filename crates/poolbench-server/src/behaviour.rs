//! What the server does for `GET /item/{i}`: how long it waits, how big the body is, and
//! whether it fails — set by flags, overridable per request by query parameters.
//!
//! Every random choice is a hash of (seed, item index), not a draw from a shared generator:
//! item 7 gets the same latency and the same fault on every request, from every client, in
//! every run. So every concurrency model meets exactly the same server, and a failed task is
//! the same task for the sequential oracle and for the model being measured.

use std::time::Duration;

/// How long the server waits before answering an item request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Latency {
    /// Always this long.
    Fixed(Duration),
    /// Uniformly between the two bounds.
    Uniform(Duration, Duration),
    /// Exponentially distributed with this mean (many short waits, a long tail).
    Exponential(Duration),
}

impl Latency {
    /// Parses `10` (ms, fixed), `fixed:10`, `uniform:5:15` or `exp:10` (mean, ms). Any
    /// non-negative number is accepted; one over [`MOST_LATENCY`] is clamped to it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let ms = |s: &str| -> Result<Duration, String> {
            let v: f64 = s
                .trim()
                .parse()
                .map_err(|_| format!("'{s}' is not a number of milliseconds"))?;
            if v.is_nan() || v < 0.0 {
                return Err(format!(
                    "'{s}' is not a non-negative number of milliseconds"
                ));
            }
            Ok(Duration::try_from_secs_f64(v / 1e3)
                .unwrap_or(MOST_LATENCY)
                .min(MOST_LATENCY))
        };
        let parts: Vec<&str> = text.split(':').collect();
        match parts.as_slice() {
            [fixed] => Ok(Self::Fixed(ms(fixed)?)),
            ["fixed", fixed] => Ok(Self::Fixed(ms(fixed)?)),
            ["uniform", lo, hi] => {
                let (lo, hi) = (ms(lo)?, ms(hi)?);
                if lo > hi {
                    return Err(format!("uniform latency needs low <= high (got {text})"));
                }
                Ok(Self::Uniform(lo, hi))
            }
            ["exp", mean] => Ok(Self::Exponential(ms(mean)?)),
            _ => Err(format!(
                "latency '{text}' is not one of: MS, fixed:MS, uniform:LOW:HIGH, exp:MEAN"
            )),
        }
    }

    /// The latency for one request, from a uniform draw `u` in [0, 1).
    pub fn sample(&self, u: f64) -> Duration {
        match *self {
            Self::Fixed(d) => d,
            Self::Uniform(lo, hi) => lo + (hi - lo).mul_f64(u),
            // Inverse CDF, capped at 20x the mean so one draw cannot stall a run.
            Self::Exponential(mean) => mean.mul_f64((-(1.0 - u).ln()).min(20.0)),
        }
    }
}

/// The longest latency the server waits before answering: longer ones are clamped to it.
pub const MOST_LATENCY: Duration = Duration::from_secs(3600);

/// Fractions of item requests that fail, each way.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Faults {
    /// Answered `500 Internal Server Error`.
    pub fail: f64,
    /// Connection closed abruptly, without a response.
    pub reset: f64,
    /// Never answered (until `stall_max`).
    pub stall: f64,
}

/// Everything that shapes item responses.
#[derive(Debug, Clone, PartialEq)]
pub struct Behaviour {
    pub latency: Latency,
    pub body_size: usize,
    pub faults: Faults,
    pub seed: u64,
}

impl Default for Behaviour {
    fn default() -> Self {
        Self {
            latency: Latency::Fixed(Duration::ZERO),
            body_size: 256,
            faults: Faults::default(),
            seed: 0,
        }
    }
}

/// What to do with one item request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Plan {
    Respond { latency: Duration },
    Fail { latency: Duration },
    Reset { latency: Duration },
    Stall,
}

impl Behaviour {
    /// This behaviour with the overrides of a query string (`latency=`, `size=`, `fail=`,
    /// `reset=`, `stall=`, `seed=`); unknown keys are an error naming the accepted ones.
    pub fn with_query(&self, query: Option<&str>) -> Result<Self, String> {
        let mut b = self.clone();
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let rate = |v: &str| -> Result<f64, String> {
                match v.parse::<f64>() {
                    Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
                    _ => Err(format!("{key}={v}: expected a fraction between 0 and 1")),
                }
            };
            match key {
                "latency" => b.latency = Latency::parse(value)?,
                "size" => b.body_size = value.parse().map_err(|_| format!("size={value}: expected bytes"))?,
                "fail" => b.faults.fail = rate(value)?,
                "reset" => b.faults.reset = rate(value)?,
                "stall" => b.faults.stall = rate(value)?,
                "seed" => b.seed = value.parse().map_err(|_| format!("seed={value}: expected an integer"))?,
                _ => {
                    return Err(format!(
                        "unknown query parameter '{key}' (accepted: latency, size, fail, reset, stall, seed)"
                    ))
                }
            }
        }
        if b.body_size > MAX_BODY {
            return Err(format!(
                "size={} is over the {MAX_BODY}-byte limit",
                b.body_size
            ));
        }
        Ok(b)
    }

    /// The plan for item `index`: a pure function of (seed, index).
    pub fn plan(&self, index: u64) -> Plan {
        let latency = self.latency.sample(unit(self.seed, index, 1));
        let u = unit(self.seed, index, 2);
        let f = self.faults;
        if u < f.fail {
            Plan::Fail { latency }
        } else if u < f.fail + f.reset {
            Plan::Reset { latency }
        } else if u < f.fail + f.reset + f.stall {
            Plan::Stall
        } else {
            Plan::Respond { latency }
        }
    }
}

/// Largest body the server will generate.
pub const MAX_BODY: usize = 16 << 20;

/// A uniform number in [0, 1) from (seed, index, stream).
fn unit(seed: u64, index: u64, stream: u64) -> f64 {
    let mixed = poolbench_core::mix(
        index as usize,
        seed ^ stream.wrapping_mul(0xa076_1d64_78bd_642f),
    );
    (mixed >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_specs_parse() {
        assert_eq!(
            Latency::parse("10").unwrap(),
            Latency::Fixed(Duration::from_millis(10))
        );
        assert_eq!(
            Latency::parse("fixed:2.5").unwrap(),
            Latency::Fixed(Duration::from_micros(2500))
        );
        assert_eq!(
            Latency::parse("uniform:5:15").unwrap(),
            Latency::Uniform(Duration::from_millis(5), Duration::from_millis(15))
        );
        assert!(Latency::parse("uniform:15:5").is_err());
        assert!(Latency::parse("gauss:3")
            .unwrap_err()
            .contains("uniform:LOW:HIGH"));
        assert!(Latency::parse("-1").is_err());
        assert!(Latency::parse("nan").is_err());
        // Absurd latencies are clamped, and sampling them cannot overflow.
        let huge = Latency::parse("exp:1e22").unwrap();
        assert_eq!(huge, Latency::Exponential(MOST_LATENCY));
        assert!(huge.sample(0.999_999_999) <= MOST_LATENCY * 20);
        assert_eq!(Latency::parse("inf").unwrap(), Latency::Fixed(MOST_LATENCY));
    }

    #[test]
    fn samples_stay_in_range() {
        let uniform = Latency::parse("uniform:5:15").unwrap();
        let exp = Latency::parse("exp:10").unwrap();
        for i in 0..1000 {
            let u = i as f64 / 1000.0;
            let d = uniform.sample(u);
            assert!(d >= Duration::from_millis(5) && d <= Duration::from_millis(15));
            assert!(exp.sample(u) <= Duration::from_millis(200));
        }
    }

    #[test]
    fn plans_are_deterministic_and_rates_are_honoured() {
        let b = Behaviour {
            faults: Faults {
                fail: 0.2,
                reset: 0.1,
                stall: 0.05,
            },
            ..Behaviour::default()
        };
        let plans: Vec<Plan> = (0..10_000).map(|i| b.plan(i)).collect();
        assert_eq!(plans, (0..10_000).map(|i| b.plan(i)).collect::<Vec<_>>());
        let share = |pred: fn(&Plan) -> bool| plans.iter().filter(|p| pred(p)).count() as f64 / 1e4;
        assert!((share(|p| matches!(p, Plan::Fail { .. })) - 0.2).abs() < 0.02);
        assert!((share(|p| matches!(p, Plan::Reset { .. })) - 0.1).abs() < 0.02);
        assert!((share(|p| matches!(p, Plan::Stall)) - 0.05).abs() < 0.02);
    }

    #[test]
    fn query_overrides_and_rejects_nonsense() {
        let b = Behaviour::default()
            .with_query(Some("latency=uniform:1:2&size=10&fail=0.5"))
            .unwrap();
        assert_eq!(b.body_size, 10);
        assert_eq!(b.faults.fail, 0.5);
        assert!(Behaviour::default().with_query(Some("fail=2")).is_err());
        assert!(Behaviour::default()
            .with_query(Some("colour=red"))
            .unwrap_err()
            .contains("accepted"));
        assert!(Behaviour::default()
            .with_query(Some("size=999999999999"))
            .is_err());
    }
}
