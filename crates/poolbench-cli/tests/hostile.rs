//! Careless and hostile inputs (issue 26), each refused or tidied before anything is
//! measured: labels no report can print, suite files that are not files, duplicates.

mod common;

use common::{poolbench, results, short_run, Fixture};
use predicates::prelude::*;

/// A suite whose one workload has `experiment = LABEL`.
fn suite_with_label(dir: &std::path::Path, label: &str) -> std::path::PathBuf {
    let path = dir.join("suite.toml");
    let label = toml_string(label);
    std::fs::write(
        &path,
        format!("[[workload]]\nname = \"noop\"\ntasks = 4\nexperiment = {label}\n"),
    )
    .unwrap();
    path
}

/// `text` as a TOML basic string, control characters escaped.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A label too long or holding a control character is one line naming its place, exit 2,
/// before anything runs: no results file, no report.
#[test]
fn labels_a_report_cannot_print_are_refused_before_measuring() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (label, says) in [
        ("S".repeat(229), "229 characters"),
        ("S6\u{1b}[31m red".to_owned(), "U+001B"),
        ("a\u{0}b".to_owned(), "U+0000"),
        ("two\nlines".to_owned(), "U+000A"),
    ] {
        let suite = suite_with_label(dir.path(), &label);
        poolbench()
            .args(["run", "--suite"])
            .arg(&suite)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("suite.toml:4:14").and(predicate::str::contains(says)))
            .stderr(predicate::function(|s: &str| s.lines().count() == 1));
        assert!(!out.join("results.json").exists());
    }
    poolbench()
        .args(["report", "a.json", "--labels", "lap\u{7}top"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("U+0007"));
}

/// A suite "file" that is a device, or a file far larger than any suite, is refused at once.
#[test]
fn suite_files_must_be_small_regular_files() {
    poolbench()
        .args(["run", "--suite", "/dev/zero"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a regular file"));
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    std::fs::write(&big, "# padding\n".repeat(200_000)).unwrap();
    poolbench()
        .args(["run", "--suite"])
        .arg(&big)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("over 1024 KiB"));
}

/// `--workers 2,2,2,2` and a model listed twice make one cell each, and the run says so.
#[test]
fn duplicates_are_measured_once_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut run = short_run("rayon,rayon", "noop", &out);
    // `-q` is in short_run; the notes go to stderr only without it.
    run.args(["--workers", "2,2,2,2"]).assert().success();
    let cells = results(&out);
    let rayon: Vec<_> = cells.iter().filter(|c| c["model"] == "rayon").collect();
    assert_eq!(rayon.len(), 1, "{cells:?}");
    let loud = dir.path().join("loud");
    poolbench()
        .args([
            "run",
            "--models",
            "rayon,rayon",
            "--workloads",
            "noop",
            "--tasks",
            "4",
        ])
        .args([
            "--workers",
            "2,2",
            "--repeat",
            "2",
            "--measure-time",
            "0",
            "--out",
        ])
        .arg(&loud)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("note: model rayon listed twice")
                .and(predicate::str::contains("W = 2 listed more than once")),
        );
}

/// A results file whose model is named to inject Markdown, HTML and terminal escapes.
fn hostile_results(f: &Fixture) -> std::path::PathBuf {
    const NAME: &str = "ray|on\n## X<script>alert(1)</script>\u{1b}[31m\u{0}";
    f.write("hostile.json", &|json| {
        for cell in json["results"].as_array_mut().unwrap() {
            if cell["model"] == "rayon" {
                cell["model"] = NAME.into();
            }
        }
        for model in json["models"].as_array_mut().into_iter().flatten() {
            if model["name"] == "rayon" {
                model["name"] = NAME.into();
            }
        }
    })
}

/// Names from a results file are escaped wherever they are written: the report's charts
/// (valid XML) and Markdown, compare's Markdown and its terminal table.
#[test]
fn names_from_results_files_cannot_inject_markup_or_escapes() {
    let f = Fixture::new();
    let hostile = hostile_results(&f);
    let out = f.dir.path().join("report");
    poolbench()
        .arg("report")
        .arg(&hostile)
        .arg("--out")
        .arg(&out)
        .arg("--no-png")
        .assert()
        .success();
    for chart in std::fs::read_dir(out.join("charts")).unwrap() {
        let chart = chart.unwrap().path();
        let svg = std::fs::read_to_string(&chart).unwrap();
        roxmltree::Document::parse(&svg)
            .unwrap_or_else(|e| panic!("{} is not valid XML: {e}", chart.display()));
    }
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(!readme.contains("<script>"), "raw HTML in README.md");
    assert!(
        !readme.lines().any(|l| l.starts_with("## X")),
        "a heading was injected"
    );
    assert!(readme.contains("&lt;script&gt;"));
    let markdown = poolbench()
        .arg("compare")
        .arg(&hostile)
        .arg(&hostile)
        .args(["--format", "markdown", "--no-fail"])
        .output()
        .unwrap();
    let markdown = String::from_utf8(markdown.stdout).unwrap();
    assert!(markdown.contains("ray\\|on"), "{markdown}");
    assert!(!markdown.contains("<script>") && !markdown.contains('\u{1b}'));
    assert!(!markdown.lines().any(|l| l.starts_with("## X")));
    let text = poolbench()
        .arg("compare")
        .arg(&hostile)
        .arg(&hostile)
        .arg("--no-fail")
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        !text.contains('\u{1b}'),
        "an escape reached the terminal: {text:?}"
    );
    assert!(text.contains("\\u{1b}"), "{text}");
}

/// A report that cannot be written exits with its own status (4), not verification's 1, and
/// names the file. (Run from inside the folder, the report is written file by file rather
/// than swapped in whole, so that a shell standing there is not left in a deleted folder; a
/// file where the charts folder must go then stops it.)
#[test]
fn a_report_that_cannot_be_written_exits_4() {
    let f = Fixture::new();
    let base = f.write("base.json", &|_| {});
    let out = f.dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("charts"), b"").unwrap();
    poolbench()
        .current_dir(&out)
        .arg("report")
        .arg(&base)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(4)
        .stderr(
            predicate::str::contains("cannot write the report")
                .and(predicate::str::contains("charts")),
        );
}

/// A second Ctrl-C says it is stopping at once, and does, with status 130.
#[cfg(target_os = "linux")]
#[test]
fn a_second_signal_says_so_and_exits_130() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // One sequential batch of two 3 s sleeps: the first signal waits for it to end.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("poolbench"))
        .args(["run", "--models", "sequential", "--workloads", "sleep"])
        .args([
            "--set",
            "sleep.delay_ms=3000",
            "--tasks",
            "2",
            "--workers",
            "1",
        ])
        .args([
            "--repeat",
            "1",
            "--warmup",
            "0",
            "--measure-time",
            "0",
            "-q",
            "--out",
        ])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    for _ in 0..2 {
        let sent = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        std::thread::sleep(Duration::from_millis(200));
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the second signal did not stop the run"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("second signal: stopping now"), "{stderr}");
}

/// A sample taken while the machine paused is named as a severe outlier beside the samples;
/// the median stays the median.
#[test]
fn a_paused_sample_is_named_as_an_outlier() {
    let f = Fixture::new();
    let paused = f.write("paused.json", &|json| {
        for cell in json["results"].as_array_mut().unwrap() {
            if cell["model"] == "rayon" {
                let typical = cell["time"]["samples_s"][0].as_f64().unwrap();
                let samples: Vec<f64> = [1.0, 1.01, 0.99, 1.02, 0.98, 1.0, 300.0]
                    .iter()
                    .map(|k| typical * k)
                    .collect();
                let order: Vec<[usize; 2]> = (0..samples.len()).map(|r| [r, 0]).collect();
                cell["time"]["samples_s"] = serde_json::json!(samples);
                cell["time"]["sample_order"] = serde_json::json!(order);
            }
        }
    });
    let out = f.dir.path().join("report");
    poolbench()
        .arg("report")
        .arg(&paused)
        .arg("--out")
        .arg(&out)
        .arg("--no-png")
        .assert()
        .success();
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(readme.contains("(1 outlier, 1 severe)"), "{readme}");
    assert!(
        readme.contains("1 cell had a severe outlier: a sample more than 3 interquartile ranges")
    );
}

/// The trial's case itself: the run is stopped (SIGSTOP) for a second while it samples `sum`.
/// The sample that held the pause is kept (the machine did pause), counted as a severe
/// outlier, and named beside the cell in the report.
#[cfg(target_os = "linux")]
#[test]
fn a_real_pause_while_sampling_is_named_as_an_outlier() {
    use std::io::BufRead;
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // 20 samples of at least 100 ms each: two seconds of sampling, one cell.
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("poolbench"))
        .args(["run", "--models", "sequential", "--workloads", "sum"])
        .args(["--workers", "1", "--repeat", "20", "--max-repeat", "20"])
        .args(["--min-sample-ms", "100", "--measure-time", "0", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut child = common::KillOnDrop(child);
    let mut lines = std::io::BufReader::new(child.0.stdout.take().unwrap()).lines();
    // The table's header is printed as sampling starts.
    assert!(lines.any(|l| l.unwrap().starts_with("workload")));
    let drain = std::thread::spawn(move || lines.count());
    let signal = |name: &str| {
        let sent = std::process::Command::new("kill")
            .args([name, &child.0.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    };
    // Past the warm-up batch (which sizes the samples), well inside the sampling.
    std::thread::sleep(Duration::from_millis(600));
    signal("-STOP");
    std::thread::sleep(Duration::from_millis(1200));
    signal("-CONT");
    drain.join().unwrap();
    assert!(child.0.wait().unwrap().success());
    let cell = &results(&out)[0];
    let median = cell["time"]["median_s"].as_f64().unwrap();
    let samples = cell["time"]["samples_s"].as_array().unwrap();
    let paused = samples
        .iter()
        .filter_map(|s| s.as_f64())
        .fold(0.0, f64::max);
    assert!(paused > 3.0 * median, "no paused sample: {samples:?}");
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(readme.contains("severe)"), "the outlier is not named");
}

/// A results file whose experiment label is far too long for a file name still makes a whole
/// report: chart names are cut to a short slug and a hash.
#[test]
fn a_long_label_in_a_results_file_makes_short_file_names() {
    let f = Fixture::new();
    let long = f.write("long.json", &|json| {
        for cell in json["results"].as_array_mut().unwrap() {
            cell["experiment"] = "S".repeat(300).into();
        }
    });
    let out = f.dir.path().join("report");
    poolbench()
        .arg("report")
        .arg(&long)
        .arg("--out")
        .arg(&out)
        .arg("--no-png")
        .assert()
        .success();
    let charts: Vec<String> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!charts.is_empty());
    assert!(charts.iter().all(|name| name.len() < 100), "{charts:?}");
}
