//! What the seed articles claim, as data: one entry per experiment of the articles' list
//! (each article cited by title and author; `docs/articles.md`), with how poolbench re-runs it.

use poolbench_core::WorkKind;

use super::claims::{At, Claim, Expect, Who};

/// "Boost Python Performance: Parallelize Tasks with ThreadPool and map" (S1, S2).
const MAGE: &str =
    "“Boost Python Performance: Parallelize Tasks with ThreadPool and map”, MaGe Linux Operations";
/// "Python: meet ThreadPool" (S3).
const DEV: &str = "“Python: meet ThreadPool”, pO0q, DEV Community";
/// "Thread Pools and Process Pools in Python" (S4, S5).
const MIRAKYAN: &str = "“Thread Pools and Process Pools in Python (75/100 Days of Python)”, Martin Mirakyan, 17 March 2023";
/// "Master Python ThreadPool and ProcessPool" (S6 to S9).
const RAYMOND: &str = "“Master Python ThreadPool and ProcessPool: Boost Concurrency and Performance”, Raymond Ops (from Huawei Cloud Community)";

/// One experiment of the seed articles.
#[derive(Debug, Clone, Copy)]
pub struct Article {
    /// `S1` … `S9`: the first word of the experiment labels of the cells that replicate it.
    pub id: &'static str,
    /// The article, cited so a reader can find it: title, author or site, where it appeared.
    pub source: &'static str,
    pub experiment: &'static str,
    /// The article's own figure, as published.
    pub published: &'static str,
    /// The Python systems the article uses.
    pub article_models: &'static str,
    /// How poolbench re-runs it: scale, inputs, what differs.
    pub here: &'static str,
    /// Whether the experiment is about the order tasks finish in (its page charts that order
    /// and counts the tasks that finish out of turn).
    pub about_order: bool,
    /// Whether the article makes a claim about how a pool schedules its tasks (S2's chunks,
    /// S3's completion order, S7's threads against processes under the GIL): its page shows
    /// the timelines of Python's and Rust's models.
    pub about_scheduling: bool,
    /// What the article claims that two cells can test (none: an example, or advice).
    pub claims: &'static [Claim],
}

/// Every experiment, in the articles' order.
pub const ARTICLES: &[Article] = &[
    Article {
        id: "S1",
        source: MAGE,
        experiment: "fetch a list of URLs with pools of 1, 4, 8 and 13 threads",
        published: "14.4 s, 3.1 s, 1.4 s, 1.3 s",
        article_models: "multiprocessing.dummy.Pool (threads) .map",
        here: "16 GETs from poolbench's own mock HTTP server, 45 ms of server latency each: \
               0.72 s on one thread, the article's 14.4 s scaled down 20x (no internet here)",
        about_order: false,
        about_scheduling: false,
        claims: &[Claim {
            text: "a pool of threads fetches the list far faster than one thread",
            kind: None,
            first: (Who::Model("py-dummy-pool"), At::Most),
            second: (Who::Model("py-sequential"), At::One),
            expect: Expect::Faster,
        }],
    },
    Article {
        id: "S2",
        source: MAGE,
        experiment: "75x75 antialiased thumbnails of 6,000 JPEG images, saved to thumbs/",
        published: "27.9 s in one process, 5.6 s with Pool.map",
        article_models: "multiprocessing.Pool (processes) .map, Pillow's Image.thumbnail",
        here: "32 generated 640x480 photos (JPEG quality 90, 4:2:0, about 115 KiB each) instead \
               of 6,000 unknown ones. Both languages decode at reduced scale (1/2 here), as \
               Pillow's thumbnail() does, then resize with Lanczos, encode and write",
        about_order: false,
        about_scheduling: true,
        claims: &[Claim {
            text: "Pool.map makes the thumbnails faster than one process",
            kind: None,
            first: (Who::Model("py-pool"), At::Cores),
            second: (Who::Model("py-sequential"), At::One),
            expect: Expect::Faster,
        }],
    },
    Article {
        id: "S3",
        source: DEV,
        experiment: "imap_unordered over a list with a pool of 5",
        published: "no figure: results arrive in completion order",
        article_models: "ThreadPool(5).imap_unordered, ThreadPoolExecutor(max_workers=5)",
        here: "10 waits of 40 ms ± 80 % (so they finish out of order) on 5 workers; the chart \
               puts each task's finishing place against its place in the input. imap_unordered \
               hands results back in that order, map in input order; both run the tasks alike. \
               Batch times here follow the order pools hand tasks out (first come, first served \
               in Python's pools and most Rust ones; work stealing in rayon and crossbeam), not \
               the language: compare pools that hand tasks out alike",
        about_order: true,
        about_scheduling: true,
        claims: &[Claim {
            text: "imap_unordered hands results back in completion order",
            kind: None,
            first: (Who::Model("py-imap-unordered"), At::Most),
            second: (Who::Model("py-imap-unordered"), At::Most),
            expect: Expect::OutOfTurn,
        }],
    },
    Article {
        id: "S4",
        source: MIRAKYAN,
        experiment: "download 3 pages with 3 threads; square 5 numbers with 4 processes",
        published: "no figure",
        article_models: "ThreadPoolExecutor, multiprocessing.Pool",
        here: "3 GETs of 100 ms latency on 3 workers; 5 tiny sums on 4 workers: tasks this \
               small measure what a pool costs, not what it saves",
        about_order: false,
        about_scheduling: false,
        claims: &[],
    },
    Article {
        id: "S5",
        source: MIRAKYAN,
        experiment: "the optimal number of processes: one per CPU for CPU-bound work, more for \
                     I/O-bound",
        published: "a rule of thumb, no figure",
        article_models: "both pools",
        here: "sum and sleep at W = 1 to 16 on the Rust models (S7 shows Python's side)",
        about_order: false,
        about_scheduling: false,
        claims: &[
            Claim {
                text: "for CPU-bound work, workers beyond one per core gain nothing",
                kind: Some(WorkKind::Cpu),
                first: (Who::FastestRustPool, At::Cores),
                second: (Who::FastestRustPool, At::Most),
                expect: Expect::NoGain,
            },
            Claim {
                text: "for I/O-bound work, more workers than cores help",
                kind: Some(WorkKind::Io),
                first: (Who::FastestRustPool, At::Most),
                second: (Who::FastestRustPool, At::Cores),
                expect: Expect::Faster,
            },
        ],
    },
    Article {
        id: "S6",
        source: RAYMOND,
        experiment: "5 tasks of sleep(2) on 3 workers, threads then processes",
        published: "no figure (ideal: 4 s each)",
        article_models: "ThreadPoolExecutor, ProcessPoolExecutor",
        here: "5 waits of 200 ms on 3 workers: ideal 0.4 s, the article's 4 s scaled 10x",
        about_order: false,
        about_scheduling: false,
        claims: &[Claim {
            text: "threads and processes both take the ideal two rounds of the wait",
            kind: None,
            first: (Who::Model("py-thread-executor"), At::Most),
            second: (Who::Model("py-process-executor"), At::Most),
            expect: Expect::NearIdeal,
        }],
    },
    Article {
        id: "S7",
        source: RAYMOND,
        experiment: "CPU-bound sum(range(1_000_000)) x 3 tasks on 3 workers, threads vs processes",
        published: "\"the process pool usually finishes faster\" (the GIL)",
        article_models: "ThreadPoolExecutor, ProcessPoolExecutor",
        here: "as in the article; the Rust loop adds one real addition per number (the \
               optimiser would otherwise fold it to n(n-1)/2)",
        about_order: false,
        about_scheduling: true,
        claims: &[Claim {
            text: "the process pool finishes faster than the thread pool (the GIL)",
            kind: None,
            first: (Who::Model("py-process-executor"), At::Most),
            second: (Who::Model("py-thread-executor"), At::Most),
            expect: Expect::Faster,
        }],
    },
    Article {
        id: "S8",
        source: RAYMOND,
        experiment: "download files, then write them to disk, thread pool vs process pool",
        published: "\"the thread pool often performs better\" for I/O",
        article_models: "ThreadPoolExecutor, ProcessPoolExecutor",
        here: "16 bodies of 64 KiB with 20 ms of latency, each written to a file of its own, at \
               the executors' default sizes on 2 cores (6 threads, 2 processes). The article \
               starts each executor inside its timing; here a pool's start-up is measured \
               apart (startup in the report's per-task table)",
        about_order: false,
        about_scheduling: false,
        claims: &[Claim {
            text: "the thread pool (6 threads) performs better than the process pool (2 \
                   processes) for I/O",
            kind: None,
            first: (Who::Model("py-thread-executor"), At::Most),
            second: (Who::Model("py-process-executor"), At::Cores),
            expect: Expect::Faster,
        }],
    },
    Article {
        id: "S9",
        source: RAYMOND,
        experiment: "exceptions inside tasks and per-task timeouts",
        published: "advice, no figure",
        article_models: "both executors",
        here: "not a timing experiment: poolbench's fault tests check that a failing, \
               panicking, hung or crashing task is reported and never stops the others",
        about_order: false,
        about_scheduling: false,
        claims: &[],
    },
];

/// The experiment a cell's label replicates (`S6 (scaled 10x)` -> S6).
pub fn article_of(experiment: &str) -> Option<&'static Article> {
    let id = experiment.split_whitespace().next()?;
    ARTICLES.iter().find(|a| a.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_find_their_article() {
        assert_eq!(article_of("S6 (scaled 10x)").unwrap().id, "S6");
        assert_eq!(article_of("S7").unwrap().id, "S7");
        assert!(article_of("my question").is_none());
        assert!(article_of("").is_none());
    }
}
