//! The mock server as a client meets it: correct bodies, latency, each fault, bad input.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use poolbench_server::{Behaviour, Latency, RunningServer, ServerConfig};

fn start(config: ServerConfig) -> RunningServer {
    RunningServer::start(config, 2).expect("server starts")
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build(),
    )
}

fn get(server: &RunningServer, path: &str) -> Result<(u16, Vec<u8>), ureq::Error> {
    let mut response = agent(Duration::from_secs(10))
        .get(&format!("{}{path}", server.url()))
        .call()?;
    let status = response.status().as_u16();
    Ok((status, response.body_mut().read_to_vec()?))
}

#[test]
fn binds_loopback_by_default_and_serves_the_contract() {
    let server = start(ServerConfig::default());
    assert!(server.addr().ip().is_loopback());
    assert_ne!(server.addr().port(), 0);
    assert_eq!(get(&server, "/health").unwrap(), (200, b"ok\n".to_vec()));
    let (status, body) = get(&server, "/item/42?size=1000").unwrap();
    assert_eq!(status, 200);
    assert_eq!(body, poolbench_core::item_body(42, 1000));
    assert_eq!(
        get(&server, "/item/7").unwrap().1,
        poolbench_core::item_body(7, 256)
    );
    let (status, stats) = get(&server, "/stats").unwrap();
    assert_eq!(status, 200);
    let stats: serde_json::Value = serde_json::from_slice(&stats).unwrap();
    assert_eq!(stats["items_ok"], 2);
}

#[test]
fn latency_is_honoured() {
    let server = start(ServerConfig::default());
    let started = Instant::now();
    assert_eq!(get(&server, "/item/1?latency=60").unwrap().0, 200);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(55) && took < Duration::from_secs(5),
        "{took:?}"
    );
    let config = ServerConfig {
        behaviour: Behaviour {
            latency: Latency::parse("uniform:40:50").unwrap(),
            ..Behaviour::default()
        },
        ..ServerConfig::default()
    };
    let server = start(config);
    let started = Instant::now();
    get(&server, "/item/2").unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(38),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn each_fault_mode_gives_its_client_error() {
    let server = start(ServerConfig {
        stall_max: Duration::from_secs(30),
        ..ServerConfig::default()
    });
    assert_eq!(get(&server, "/item/1?fail=1").unwrap().0, 500);
    let reset = get(&server, "/item/2?reset=1").unwrap_err();
    assert!(
        matches!(reset, ureq::Error::Io(_) | ureq::Error::Protocol(_)),
        "{reset:?}"
    );
    let started = Instant::now();
    let stalled = agent(Duration::from_millis(300))
        .get(&format!("{}/item/3?stall=1", server.url()))
        .call()
        .unwrap_err();
    assert!(matches!(stalled, ureq::Error::Timeout(_)), "{stalled:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    let stats = server.stats();
    assert_eq!((stats.items_failed, stats.resets, stats.stalls), (1, 1, 1));
    // The server is still fine after all that.
    assert_eq!(get(&server, "/health").unwrap().0, 200);
}

#[test]
fn fault_rates_match_the_counters_exactly() {
    let server = start(ServerConfig::default());
    let failed = (0..200)
        .filter(|i| get(&server, &format!("/item/{i}?fail=0.2")).unwrap().0 == 500)
        .count() as u64;
    let stats = server.stats();
    assert_eq!(stats.items_failed, failed);
    assert_eq!(stats.items_ok + stats.items_failed, 200);
    assert!((20..=60).contains(&failed), "about 20% of 200: {failed}");
}

#[test]
fn bad_requests_get_answers_not_crashes() {
    let server = start(ServerConfig::default());
    assert_eq!(get(&server, "/nothing-here").unwrap().0, 404);
    assert_eq!(get(&server, "/item/minus-one").unwrap().0, 400);
    let (status, body) = get(&server, "/item/1?colour=red").unwrap();
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("accepted"));
    let post = agent(Duration::from_secs(5))
        .post(&format!("{}/item/1", server.url()))
        .send("x")
        .unwrap();
    assert_eq!(post.status().as_u16(), 405);

    // Garbage instead of HTTP: answered 400 or closed, and the server carries on.
    let mut raw = TcpStream::connect(server.addr()).unwrap();
    raw.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    raw.write_all(b"\x00\x01 THIS IS NOT HTTP\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    let _ = raw.read_to_end(&mut answer);
    assert!(
        answer.is_empty() || answer.starts_with(b"HTTP/1.1 400"),
        "{:?}",
        String::from_utf8_lossy(&answer)
    );
    assert_eq!(get(&server, "/health").unwrap().0, 200);
}

#[test]
fn slowloris_clients_are_cut_off_while_others_are_served() {
    let server = start(ServerConfig {
        header_timeout: Duration::from_millis(300),
        ..ServerConfig::default()
    });
    let mut slow = TcpStream::connect(server.addr()).unwrap();
    slow.write_all(b"GET /item/1 HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    assert_eq!(
        get(&server, "/item/5").unwrap().0,
        200,
        "others are served meanwhile"
    );
    let started = Instant::now();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the half request was cut off"
    );
}

#[test]
fn hundreds_of_open_connections_do_not_stop_it() {
    let server = start(ServerConfig::default());
    let idle: Vec<TcpStream> = (0..500)
        .map(|_| TcpStream::connect(server.addr()).unwrap())
        .collect();
    assert_eq!(get(&server, "/item/9").unwrap().0, 200);
    // Some of the idle connections now send a request each and get an answer.
    for (i, mut conn) in idle.into_iter().enumerate().filter(|(i, _)| i % 50 == 0) {
        conn.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            conn,
            "GET /item/{i} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = Vec::new();
        conn.read_to_end(&mut answer).unwrap();
        assert!(answer.starts_with(b"HTTP/1.1 200"), "connection {i}");
    }
    assert!(server.stats().connections >= 501);
}
