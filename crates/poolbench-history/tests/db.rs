//! The history file: adding is idempotent, series come back in order with their relative
//! figures, and a file that is not a history is a clear error and is never written to.

use poolbench_core::WorkKind;
use poolbench_history::{AddAs, History, HistoryError};
use poolbench_results::{CellResult, Environment, ResultsFile, Timing};

fn cell(model: &str, workers: usize, median: f64) -> CellResult {
    let samples: Vec<f64> = (0..8).map(|i| median * (0.98 + 0.005 * i as f64)).collect();
    let mut cell = CellResult::new("sum", WorkKind::Cpu, model, workers, 8);
    cell.time = Timing::of(samples);
    cell.time.median_s = Some(median);
    cell.outcome.verified = true;
    cell
}

fn run(commit: &str, started_at: &str, rayon: f64) -> ResultsFile {
    let mut environment = Environment::capture(vec!["poolbench".into(), "run".into()]);
    environment.git_commit = Some(commit.into());
    environment.started_at = started_at.into();
    environment.cpu_model = Some("Test CPU".into());
    environment.logical_cores = 2;
    environment.hostname = Some("runner-1".into());
    let mut results = ResultsFile::new(environment, Some("quick".into()));
    results.results = vec![cell("sequential", 1, 1.0), cell("rayon", 2, rayon)];
    results
}

#[test]
fn adding_a_run_twice_adds_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let mut history = History::open_or_create(&path).unwrap();
    let first = history
        .add(&run("aaa", "2026-11-01T00:00:00Z", 0.5), None)
        .unwrap();
    assert!(first.new);
    assert_eq!((first.cells, first.git_commit.as_str()), (2, "aaa"));
    assert_eq!(first.machine, "Test CPU × 2 cores on runner-1");
    let again = history
        .add(&run("aaa", "2026-11-01T00:00:00Z", 0.5), None)
        .unwrap();
    assert!(!again.new);
    assert_eq!(again.run_id, first.run_id);
    // The same results under another commit name is another run.
    let other = history
        .add(&run("aaa", "2026-11-01T00:00:00Z", 0.5), Some("bbb"))
        .unwrap();
    assert!(other.new);
    drop(history);
    let mut history = History::open(&path).unwrap();
    let runs = history.runs().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].cells, 2);
    assert_eq!(runs[0].preset.as_deref(), Some("quick"));
}

#[test]
fn series_are_per_cell_oldest_first_with_the_model_relative_to_sequential() {
    let dir = tempfile::tempdir().unwrap();
    let mut history = History::open_or_create(&dir.path().join("h.db")).unwrap();
    // Added out of order: the series follow the runs' start times.
    history
        .add(&run("c2", "2026-11-02T00:00:00Z", 0.6), None)
        .unwrap();
    history
        .add(&run("c1", "2026-11-01T00:00:00Z", 0.5), None)
        .unwrap();
    history
        .add(&run("c3", "2026-11-03T00:00:00Z", 0.7), None)
        .unwrap();
    let all = history.series(None).unwrap();
    assert_eq!(all.len(), 2);
    let rayon = all.iter().find(|s| s.model == "rayon").unwrap();
    assert_eq!(rayon.name, "sum/N=8/rayon/W=2");
    let commits: Vec<&str> = rayon.points.iter().map(|p| p.git_commit.as_str()).collect();
    assert_eq!(commits, ["c1", "c2", "c3"]);
    let relative: Vec<f64> = rayon.points.iter().map(|p| p.relative.unwrap()).collect();
    assert!((relative[0] - 0.5).abs() < 1e-12 && (relative[2] - 0.7).abs() < 1e-12);
    let [low, high] = rayon.points[0].relative_ci.unwrap();
    assert!(low < 0.5 && 0.5 < high, "{low} {high}");
    let newest = history.series(Some(2)).unwrap();
    assert_eq!(newest[0].points.len(), 2);
    assert_eq!(newest[0].points[0].git_commit, "c2");
}

#[test]
fn a_file_that_is_not_a_history_is_an_error_and_is_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.db");
    let text = b"this is not a database, it is someone's notes\n".repeat(100);
    std::fs::write(&junk, &text).unwrap();
    for result in [History::open(&junk), History::open_or_create(&junk)] {
        let error = result.unwrap_err();
        assert!(matches!(error, HistoryError::Corrupt { .. }), "{error}");
        let message = error.to_string();
        assert!(
            message.contains("junk.db") && message.contains("left as it is"),
            "{message}"
        );
    }
    assert_eq!(std::fs::read(&junk).unwrap(), text);

    // A real history damaged in the middle: refused, and not written to.
    let path = dir.path().join("damaged.db");
    let mut history = History::open_or_create(&path).unwrap();
    for day in 1..=9 {
        history
            .add(&run("c", &format!("2026-11-0{day}T00:00:00Z"), 0.5), None)
            .unwrap();
    }
    drop(history);
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    assert!(bytes.len() > 2 * page);
    for b in &mut bytes[page..page + 200] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let error = History::open(&path).unwrap_err();
    assert!(matches!(error, HistoryError::Corrupt { .. }), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn a_missing_history_or_another_schema_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    let error = History::open(&missing).unwrap_err();
    assert!(error.to_string().contains("history add"), "{error}");
    assert!(!missing.exists());

    let path = dir.path().join("other.db");
    drop(History::open_or_create(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE meta SET value = '99' WHERE key = 'schema_version'",
            [],
        )
        .unwrap();
    let error = History::open(&path).unwrap_err();
    assert!(matches!(error, HistoryError::Schema { .. }), "{error}");
}

#[test]
fn two_hosts_are_two_machines_even_in_the_same_second() {
    let dir = tempfile::tempdir().unwrap();
    let mut history = History::open_or_create(&dir.path().join("h.db")).unwrap();
    let one = run("aaa", "2026-11-01T00:00:00Z", 0.5);
    let mut two = run("aaa", "2026-11-01T00:00:00Z", 0.6);
    two.environment.hostname = Some("runner-2".into());
    assert!(history.add(&one, None).unwrap().new);
    let added = history.add(&two, None).unwrap();
    assert!(added.new);
    assert_eq!(added.machine, "Test CPU × 2 cores on runner-2");
    let machines: std::collections::BTreeSet<String> = history
        .series(None)
        .unwrap()
        .into_iter()
        .map(|s| s.machine)
        .collect();
    assert_eq!(machines.len(), 2, "{machines:?}");
    // A fleet names one series for both hosts; the two runs stay two runs.
    let fleet = AddAs {
        machine: Some("fleet".into()),
        ..AddAs::default()
    };
    assert!(history.add_as(&one, &fleet).unwrap().new);
    assert!(history.add_as(&two, &fleet).unwrap().new);
    let fleet_series = history.series(None).unwrap();
    let rayon = fleet_series
        .iter()
        .find(|s| s.machine == "fleet" && s.model == "rayon")
        .unwrap();
    assert_eq!(rayon.points.len(), 2);
}

#[test]
fn the_same_key_with_other_figures_is_an_error_naming_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    let mut history = History::open_or_create(&path).unwrap();
    let from = |file: &str| AddAs {
        source: Some(file.into()),
        ..AddAs::default()
    };
    let stored = history
        .add_as(
            &run("aaa", "2026-11-01T00:00:00Z", 0.5),
            &from("first.json"),
        )
        .unwrap();
    // The same figures again (another copy of the file): kept once, no error.
    let again = history
        .add_as(&run("aaa", "2026-11-01T00:00:00Z", 0.5), &from("copy.json"))
        .unwrap();
    assert!(!again.new);
    let error = history
        .add_as(
            &run("aaa", "2026-11-01T00:00:00Z", 0.7),
            &from("second.json"),
        )
        .unwrap_err();
    assert!(matches!(&error, HistoryError::Conflict(c) if c.run_id == stored.run_id));
    let message = error.to_string();
    assert!(
        message.contains("first.json") && message.contains("second.json"),
        "{message}"
    );
    assert_eq!(history.runs().unwrap().len(), 1);
}

#[test]
fn an_empty_file_is_refused_and_left_empty() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    for result in [History::open(&empty), History::open_or_create(&empty)] {
        let error = result.unwrap_err();
        assert!(matches!(error, HistoryError::Empty { .. }), "{error}");
        assert!(error.to_string().contains("empty.db"), "{error}");
    }
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
    // Reading never writes: a new history opened to read is not given anything.
    let path = dir.path().join("h.db");
    drop(History::open_or_create(&path).unwrap());
    let before = std::fs::read(&path).unwrap();
    let mut history = History::open(&path).unwrap();
    assert!(history.runs().unwrap().is_empty());
    drop(history);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // Nothing was left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn parallel_writers_on_a_new_file_all_land() {
    for trial in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.db");
        let barrier = std::sync::Barrier::new(8);
        std::thread::scope(|scope| {
            for writer in 0..8 {
                let (path, barrier) = (&path, &barrier);
                scope.spawn(move || {
                    barrier.wait();
                    let mut history = History::open_or_create(path).unwrap();
                    let results = run(&format!("c{writer}"), "2026-11-01T00:00:00Z", 0.5);
                    assert!(history.add(&results, None).unwrap().new);
                });
            }
        });
        let mut history = History::open(&path).unwrap();
        assert_eq!(history.runs().unwrap().len(), 8, "trial {trial}");
    }
}

#[test]
fn a_schema_1_file_is_read_as_it_is_and_brought_up_to_date_by_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
         INSERT INTO meta VALUES ('schema_version', '1');
         CREATE TABLE runs (id INTEGER PRIMARY KEY, git_commit TEXT NOT NULL,
             started_at TEXT NOT NULL, machine TEXT NOT NULL, cpu_model TEXT,
             logical_cores INTEGER NOT NULL, hostname TEXT, preset TEXT,
             poolbench_version TEXT NOT NULL, build_profile TEXT NOT NULL,
             added_at TEXT NOT NULL, UNIQUE (git_commit, started_at, machine));
         CREATE TABLE cells (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
             name TEXT NOT NULL, workload TEXT NOT NULL, workload_name TEXT NOT NULL,
             params TEXT NOT NULL, tasks INTEGER NOT NULL, model TEXT NOT NULL,
             workers INTEGER NOT NULL, median_s REAL, ci_low_s REAL, ci_high_s REAL,
             ci_level REAL, samples INTEGER NOT NULL, relative REAL, relative_low REAL,
             relative_high REAL, verified INTEGER NOT NULL, failed_tasks INTEGER NOT NULL,
             PRIMARY KEY (run_id, name));
         INSERT INTO runs VALUES (1, 'old', '2026-10-01T00:00:00Z', 'Test CPU × 2 cores',
             'Test CPU', 2, 'runner-1', 'quick', '0.1.0', 'release', '2026-10-01T00:00:00Z');
         INSERT INTO cells VALUES (1, 'sum/N=8/sequential/W=1', 'sum', 'sum/N=8', '{}', 8,
             'sequential', 1, 1.0, 0.9, 1.1, 0.95, 8, NULL, NULL, NULL, 1, 0);",
    )
    .unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();
    assert_eq!(History::open(&path).unwrap().runs().unwrap().len(), 1);
    assert_eq!(std::fs::read(&path).unwrap(), before, "reading wrote to it");
    let mut history = History::open_or_create(&path).unwrap();
    let added = history
        .add(&run("new", "2026-11-01T00:00:00Z", 0.5), None)
        .unwrap();
    assert!(added.new);
    let runs = history.runs().unwrap();
    assert_eq!(runs.len(), 2);
    // The old run joins the new one's series: its machine now names its host.
    assert_eq!(runs[0].machine, runs[1].machine);
    let sequential = history
        .series(None)
        .unwrap()
        .into_iter()
        .find(|s| s.model == "sequential")
        .unwrap();
    assert_eq!(sequential.points.len(), 2, "{sequential:?}");
}
