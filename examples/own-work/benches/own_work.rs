//! Which concurrency model should run *this* work? Two workloads a reader will recognise,
//! written only against the `poolbench` crate's public API, as in a user's own crate:
//!
//! - `orders-json` (CPU-bound): each task parses a JSON document of orders into typed structs
//!   (serde) and sums what was paid, counts the items and finds the best-selling SKU. The
//!   documents are generated once per process, outside every timed batch.
//! - `fetch` (I/O-bound): each task GETs one page from an HTTP server and counts its words.
//!   The run starts poolbench's mock server (a separate process, 10 ms per request) unless
//!   `--url http://HOST:PORT` points at yours. It has an async form, so `tokio` keeps many
//!   requests in flight on few threads.
//!
//! ```sh
//! cargo bench -p own-work-example --bench own_work -- --out DIR
//! cargo bench -p own-work-example --bench own_work -- --list
//! cargo bench -p own-work-example --bench own_work -- --workloads fetch --workers 8,32 --tasks 64
//! ```

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use poolbench::{Tasks, WorkKind, WorkloadSpec};
use serde::{Deserialize, Serialize};

poolbench::main!(orders_json(), fetch());

// ------------------------------------------------------------------------------------------
// orders-json: parse and summarise JSON documents.

#[derive(Debug, Serialize, Deserialize)]
struct Order {
    id: u64,
    customer: String,
    paid: bool,
    items: Vec<Item>,
    tags: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Item {
    sku: String,
    quantity: u32,
    price_cents: u64,
}

/// What a task computes from one document: the value every model's output is checked on.
#[derive(Debug, Hash)]
struct Summary {
    orders: usize,
    items: u64,
    paid_cents: u64,
    best_seller: Option<String>,
}

fn orders_json() -> Tasks<Vec<String>> {
    Tasks::try_with_input(
        "orders-json",
        WorkKind::Cpu,
        |spec: &WorkloadSpec| {
            let orders = spec.params["orders_per_doc"].as_u64().unwrap_or(0);
            if orders == 0 {
                return Err("orders_per_doc must be a whole number of at least 1".to_owned());
            }
            Ok((0..spec.tasks as u64)
                .map(|doc| document(doc, orders))
                .collect())
        },
        |documents: &Vec<String>, i| {
            let orders: Vec<Order> = serde_json::from_str(&documents[i])?;
            Ok::<_, serde_json::Error>(summarise(&orders))
        },
    )
    .tasks(32)
    .param("orders_per_doc", 600)
    .summary("parse a JSON document of orders (serde) and total it, per task")
}

/// Document `doc`: `orders` orders from a seeded generator, as JSON (about 180 bytes each).
fn document(doc: u64, orders: u64) -> String {
    let mut rng = SplitMix(doc.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xd1b5_4a32_d192_ed03);
    let orders: Vec<Order> = (0..orders)
        .map(|n| Order {
            id: doc * 1_000_000 + n,
            customer: format!("customer-{:05}", rng.below(20_000)),
            paid: rng.below(10) < 8,
            items: (0..1 + rng.below(4))
                .map(|_| Item {
                    sku: format!("SKU-{:04}", rng.below(500)),
                    quantity: 1 + rng.below(5) as u32,
                    price_cents: 99 + rng.below(20_000),
                })
                .collect(),
            tags: ["gift", "express", "b2b", "return"]
                .into_iter()
                .filter(|_| rng.below(4) == 0)
                .map(str::to_owned)
                .collect(),
        })
        .collect();
    serde_json::to_string(&orders).expect("orders serialise")
}

fn summarise(orders: &[Order]) -> Summary {
    let mut sold: BTreeMap<&str, u64> = BTreeMap::new();
    let mut items = 0;
    let mut paid_cents = 0;
    for order in orders {
        for item in &order.items {
            items += u64::from(item.quantity);
            *sold.entry(&item.sku).or_default() += u64::from(item.quantity);
            if order.paid {
                paid_cents += u64::from(item.quantity) * item.price_cents;
            }
        }
    }
    // Ties go to the first SKU in order, so the answer never depends on a hash map's order.
    let best_seller = sold
        .iter()
        .fold(None, |best: Option<(&str, u64)>, (&sku, &n)| match best {
            Some((_, m)) if m >= n => best,
            _ => Some((sku, n)),
        })
        .map(|(sku, _)| sku.to_owned());
    Summary {
        orders: orders.len(),
        items,
        paid_cents,
        best_seller,
    }
}

/// splitmix64: a tiny seeded generator, so every process makes the same documents.
struct SplitMix(u64);

impl SplitMix {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % bound
    }
}

// ------------------------------------------------------------------------------------------
// fetch: GET a page and count its words, blocking or async.

/// Where the pages are, worked out once.
#[derive(Debug)]
struct Server {
    addr: SocketAddr,
    host: String,
    /// `latency=…&size=…`: poolbench's mock server reads them from the query.
    query: String,
}

/// What a task makes of one page.
#[derive(Debug, Hash)]
struct Page {
    bytes: usize,
    words: usize,
    first_line: String,
}

/// A request must be answered within this time, or the task fails.
const TIMEOUT: Duration = Duration::from_secs(5);

fn fetch() -> Tasks<Server> {
    Tasks::try_with_input(
        "fetch",
        WorkKind::Io,
        |spec: &WorkloadSpec| {
            let url = spec.params["url"].as_str().unwrap_or_default();
            let host = url
                .strip_prefix("http://")
                .map(|rest| rest.trim_end_matches('/'))
                .filter(|host| !host.is_empty() && !host.contains('/'))
                .ok_or_else(|| format!("url '{url}' is not http://HOST:PORT"))?;
            let addr = host
                .to_socket_addrs()
                .map_err(|e| format!("cannot resolve {host}: {e}"))?
                .next()
                .ok_or_else(|| format!("{host} has no address"))?;
            let query = format!(
                "latency={}&size={}",
                spec.params["latency_ms"], spec.params["page_bytes"]
            );
            Ok::<_, String>(Server {
                addr,
                host: host.to_owned(),
                query,
            })
        },
        |server: &Server, i| get(server, i),
    )
    .try_with_async(|server, i| async move { get_async(&server, i).await })
    .needs_server()
    .tasks(32)
    .param("latency_ms", 10)
    .param("page_bytes", 8192)
    .summary("GET /item/i from an HTTP server (10 ms a request) and count the page's words")
}

/// The request for page `i`: HTTP/1.1, one connection per request.
fn request(server: &Server, i: usize) -> String {
    format!(
        "GET /item/{i}?{} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.query, server.host
    )
}

fn get(server: &Server, i: usize) -> Result<Page, String> {
    let mut stream =
        TcpStream::connect_timeout(&server.addr, TIMEOUT).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(TIMEOUT))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(request(server, i).as_bytes())
        .map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .map_err(|e| format!("GET /item/{i}: {e}"))?;
    page(&response)
}

async fn get_async(server: &Server, i: usize) -> Result<Page, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(server.addr).await?;
        stream.write_all(request(server, i).as_bytes()).await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        Ok::<_, std::io::Error>(response)
    };
    match tokio::time::timeout(TIMEOUT, exchange).await {
        Ok(Ok(response)) => page(&response),
        Ok(Err(e)) => Err(format!("GET /item/{i}: {e}")),
        Err(_) => Err(format!("GET /item/{i}: no answer within {TIMEOUT:?}")),
    }
}

/// The page in an HTTP response, which must be a 200 with the whole body.
fn page(response: &[u8]) -> Result<Page, String> {
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("a response without a header end")?;
    let head = String::from_utf8_lossy(&response[..split]);
    let body = &response[split + 4..];
    if !head.starts_with("HTTP/1.1 200") {
        return Err(format!(
            "answered {}",
            head.lines().next().unwrap_or("nothing")
        ));
    }
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(str::to_owned)
        })
        .and_then(|n| n.trim().parse::<usize>().ok());
    if length.is_some_and(|n| n != body.len()) {
        return Err(format!("a body of {} bytes, not {length:?}", body.len()));
    }
    let text = String::from_utf8_lossy(body);
    Ok(Page {
        bytes: body.len(),
        words: text.split_whitespace().count(),
        first_line: text.lines().next().unwrap_or_default().to_owned(),
    })
}
