//! Tests of http/mod.rs.

use super::*;

fn spec(url: &str) -> WorkloadSpec {
    WorkloadSpec::new("http", 3).with("url", url)
}

#[test]
fn urls_are_validated_with_clear_messages() {
    let ctx = BuildContext::default();
    for (url, expected) in [
        ("", "needs url="),
        ("https://example.com", "must start with http://"),
        ("ftp://x", "must start with http://"),
        ("http://", "no valid HOST:PORT"),
    ] {
        let err = build(&spec(url), &ctx).err().unwrap().to_string();
        assert!(err.contains(expected), "{url}: {err}");
    }
    let err = build(&spec("http://127.0.0.1:1").with("fail", 2.0), &ctx)
        .err()
        .unwrap();
    assert!(err.to_string().contains("between 0 and 1"));
}

#[test]
fn latency_takes_numbers_or_text() {
    let ctx = BuildContext::default();
    for latency in [
        serde_json::json!(5),
        serde_json::json!("5"),
        serde_json::json!("uniform:1:2"),
    ] {
        let w = build(
            &spec("http://127.0.0.1:1").with("latency", latency.clone()),
            &ctx,
        );
        assert!(w.is_ok(), "{latency}");
    }
}

#[test]
fn urls_carry_the_mock_parameters_or_follow_a_template() {
    let params = HttpParams {
        latency: "5".into(),
        ..HttpParams::default()
    };
    let (prefix, suffix) = url_parts("http://127.0.0.1:8080", &params);
    assert_eq!(prefix, "http://127.0.0.1:8080/item/");
    assert_eq!(suffix, "?latency=5&size=256&fail=0&reset=0&stall=0&seed=0");
    let (prefix, suffix) = url_parts("http://h:1/files/{i}.txt", &params);
    assert_eq!(format!("{prefix}7{suffix}"), "http://h:1/files/7.txt");
    let ctx = BuildContext::default();
    let w = build(&spec("http://127.0.0.1:8080/").with("latency", "5"), &ctx).unwrap();
    let ideal = w.ideal(IdealInput {
        workers: 2,
        cores: 2,
        serial: None,
    });
    assert_eq!(
        ideal,
        Some(Duration::from_millis(10)),
        "3 tasks, 2 workers: 2 rounds of 5 ms"
    );
}
