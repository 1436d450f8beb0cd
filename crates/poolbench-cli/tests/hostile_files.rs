//! Hostile and careless results files (issue 26): a name of megabytes, a cell listed twice.
//! Each is read into something every tool can use, and the tools say what they did.

mod common;

use common::{poolbench, Fixture};
use predicates::prelude::*;

/// A model name of a megabyte (the trial's was 50 MB, and its report grew to 852 MB) is cut
/// as the file is read: the report stays the size of any other, and the name keeps its start
/// and a hash.
#[test]
fn a_name_of_megabytes_is_cut_as_it_is_read() {
    let f = Fixture::new();
    let huge = "m".repeat(1 << 20);
    let file = f.write("huge.json", &|json| {
        for cell in json["results"].as_array_mut().unwrap() {
            if cell["model"] == "rayon" {
                cell["model"] = huge.clone().into();
            }
        }
    });
    let out = f.dir.path().join("report");
    poolbench()
        .arg("report")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .arg("--no-png")
        .assert()
        .success();
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(
        readme.len() < 200_000,
        "README.md of {} bytes",
        readme.len()
    );
    let cut = format!("{}…", "m".repeat(103));
    assert!(readme.contains(&cut), "the cut name is not shown");
    let text = poolbench()
        .arg("compare")
        .arg(&file)
        .arg(&file)
        .arg("--no-fail")
        .output()
        .unwrap();
    assert!(text.status.success());
    assert!(text.stdout.len() < 100_000, "{} bytes", text.stdout.len());
}

/// A cell listed three times in a hand-made file is merged as the file is read, with one line
/// saying so: the history stores, and says it stores, one cell per identity, and a tracker
/// gets one entry.
#[test]
fn a_cell_listed_thrice_is_one_cell_everywhere() {
    let f = Fixture::new();
    let cells = f.base["results"].as_array().unwrap().len();
    let file = f.write("thrice.json", &|json| {
        let cells = json["results"].as_array_mut().unwrap();
        let first = cells[0].clone();
        cells.push(first.clone());
        cells.push(first);
    });
    let db = f.dir.path().join("h.db");
    poolbench()
        .args(["history", "--db"])
        .arg(&db)
        .arg("add")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("({cells} cells)")))
        .stderr(predicate::str::contains(
            "is listed 3 times: the first is kept",
        ));
    let bmf = poolbench()
        .args(["export", "--format", "bmf"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&bmf.stderr).contains("listed 3 times"));
    let bmf: serde_json::Value = serde_json::from_slice(&bmf.stdout).unwrap();
    assert_eq!(bmf.as_object().unwrap().len(), cells);
}

/// The same cell under two experiments is two cells in the report, but one name to the history
/// and to trackers: they keep the first, and say so.
#[test]
fn a_cell_under_two_experiments_is_named_when_the_history_keeps_one() {
    let f = Fixture::new();
    let cells = f.base["results"].as_array().unwrap().len();
    let file = f.write("two-experiments.json", &|json| {
        let cells = json["results"].as_array_mut().unwrap();
        let mut again = cells[0].clone();
        again["experiment"] = "S2".into();
        cells.push(again);
    });
    poolbench()
        .args(["history", "--db"])
        .arg(f.dir.path().join("h.db"))
        .arg("add")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("({cells} cells)")))
        .stderr(predicate::str::contains(
            "1 cell has the name of a cell of another experiment; the history, which keys \
             cells by name, keeps the first",
        ));
}
