//! The history file: adding is idempotent, series come back in order with their relative
//! figures, and a file that is not a history is a clear error and is never written to.

use poolbench_core::WorkKind;
use poolbench_history::{History, HistoryError};
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
    assert_eq!(first.machine, "Test CPU × 2 cores");
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
    let history = History::open(&path).unwrap();
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
