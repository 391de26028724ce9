//! What an annotated signature costs over hand-written reqwest code, at run time.
//!
//! `cargo bench -p alloy-benches --bench overhead` prints two tables, each a ratio
//! generated / hand-written measured in the same run, runs interleaved A/B, B/A, ... and
//! medians taken, so that other load on the machine cancels out:
//!
//! 1. `build`: no network. The generated endpoint (through `AlloyApi` on a `Transport` double
//!    that builds the final `http::Request` with the very code `Client` sends, then returns
//!    the contract's example body) against the hand-written code building its
//!    `reqwest::Request` and decoding the same body. Thread CPU time per call. Not like for
//!    like: the hand-written client's headers and timeout live on its `reqwest::Client`,
//!    which reqwest adds when sending, so they are not built here.
//! 2. `http`: `alloy_api::Client` against the hand-written client, both against a minimal
//!    HTTP/1.1 keep-alive server in a child process (this binary re-executed), round-robin over
//!    all 38 operations of the API, sequential and 32 concurrent on a current-thread runtime.
//!    Requests/s and CPU time of this process (the client's: the server runs elsewhere) per
//!    request.
//!
//! Arguments after `--`: `build` or `http` runs only that part. Without `--bench` (as under
//! `cargo test --all-targets`) it runs a quick smoke pass that checks both clients agree.
//!
//! `callgrind generated|hand N` instead sends exactly N sequential requests of the mix through
//! one client and exits, printing the allocations they made: the workload
//! `scripts/callgrind-bench` counts instructions of under valgrind. The server is a child
//! process, which valgrind does not follow, so only the client's process is measured.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use alloy_api::Client;
use alloy_api::prelude::*;

#[macro_use]
#[path = "common/hand.rs"]
mod hand;
#[path = "common/build.rs"]
mod build;

use build::BuildBench;
use hand::{API_KEY, Fixtures, Floor, Hand, OPERATIONS};

const SERVER_ENV: &str = "ALLOY_BENCH_SERVER";
const CONCURRENCY: usize = 32;

/// The system allocator, counting allocations so that the tables can show allocations per
/// call (one relaxed atomic add per allocation, the same on both sides).
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.load(Ordering::Relaxed)
}

fn main() {
    if std::env::var_os(SERVER_ENV).is_some() {
        server::run();
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "callgrind") {
        let side = args.get(at + 1).map(String::as_str);
        let n = args.get(at + 2).and_then(|n| n.parse().ok());
        match (side, n) {
            (Some(side @ ("generated" | "hand" | "floor")), Some(n)) => {
                // The floor builds its requests beforehand: as many in both runs (the larger
                // count), so that building them cancels out of the difference.
                let prebuild = args.get(at + 3).and_then(|n| n.parse().ok()).unwrap_or(n);
                callgrind(side, n, prebuild)
            }
            _ => panic!("usage: overhead callgrind generated|hand|floor N [PREBUILD]"),
        }
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let filter = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map(String::as_str);
    let wanted = |part: &str| filter.is_none_or(|f| part.contains(f));
    if !full {
        println!("overhead: smoke run (pass --bench, as `cargo bench` does, for real numbers)");
    }
    if wanted("build") {
        build_section(full);
    }
    if wanted("http") {
        http_section(full);
    }
}

// ---------------------------------------------------------------------------------------
// Measuring

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Paired A/B measurements: one value per round for each side.
#[derive(Default)]
struct Paired {
    generated: Vec<f64>,
    hand: Vec<f64>,
}

impl Paired {
    fn push(&mut self, generated: f64, hand: f64) {
        self.generated.push(generated);
        self.hand.push(hand);
    }

    /// Medians of each side, the median of the per-round ratios generated / hand, and the
    /// quartiles of those ratios.
    fn summary(&self) -> (f64, f64, f64, f64, f64) {
        let mut ratios: Vec<f64> = self
            .generated
            .iter()
            .zip(&self.hand)
            .map(|(g, h)| g / h)
            .collect();
        let r = median(&mut ratios);
        let quartile = |q: usize| ratios[(ratios.len() - 1) * q / 4];
        (
            median(&mut self.generated.clone()),
            median(&mut self.hand.clone()),
            r,
            quartile(1),
            quartile(3),
        )
    }
}

fn build_section(full: bool) {
    let bench = BuildBench::new();
    let (rounds, run_secs) = if full { (41, 0.003) } else { (1, 0.0) };
    println!();
    println!("## build: request building + status check + JSON decode, no network");
    println!();
    println!(
        "Thread CPU time per call, median of {rounds} interleaved rounds; ratio = median of \
         per-round generated/hand-written, with the interquartile range of those ratios."
    );
    println!();
    println!(
        "| operation | generated (ns) | hand-written (ns) | ratio | ratio IQR | allocations generated / hand |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let all: Vec<usize> = (0..OPERATIONS.len()).collect();
    let mix = format!("**mix of all {}**", OPERATIONS.len());
    let mut rows: Vec<(&str, Vec<usize>)> = OPERATIONS
        .iter()
        .enumerate()
        .map(|(i, (name, _, _))| (*name, vec![i]))
        .collect();
    rows.push((&mix, all));
    for (name, ops) in rows {
        // Warm up and size a run at about `run_secs`.
        let per_call = bench
            .time(true, &ops, 200)
            .max(bench.time(false, &ops, 200));
        let iters = ((run_secs / per_call) as usize).max(10);
        let mut paired = Paired::default();
        for round in 0..rounds {
            let (g, h) = if round % 2 == 0 {
                let g = bench.time(true, &ops, iters);
                (g, bench.time(false, &ops, iters))
            } else {
                let h = bench.time(false, &ops, iters);
                (bench.time(true, &ops, iters), h)
            };
            paired.push(g, h);
        }
        let (g, h, r, lo, hi) = paired.summary();
        let count = |generated| {
            let before = allocations();
            bench.time(generated, &ops, ops.len());
            (allocations() - before) as f64 / ops.len() as f64
        };
        let (ga, ha) = (count(true), count(false));
        println!(
            "| {name} | {:.0} | {:.0} | {r:.3} | {lo:.3}–{hi:.3} | {ga:.1} / {ha:.1} |",
            g * 1e9,
            h * 1e9
        );
    }
}

// ---------------------------------------------------------------------------------------
// Part 2: over HTTP against a server in another process

/// An implementation of every operation, which the load generator drives.
trait Ops: Send + Sync + 'static {
    fn op(&self, fx: &Fixtures, i: usize) -> impl Future<Output = Result<(), String>> + Send;
}

impl Ops for Client {
    async fn op(&self, fx: &Fixtures, i: usize) -> Result<(), String> {
        call_op!(self, fx, i)
    }
}

impl Ops for Hand {
    async fn op(&self, fx: &Fixtures, i: usize) -> Result<(), String> {
        call_op!(self, fx, i)
    }
}

/// Sends `n` requests one after the other, operations round-robin.
async fn sequential<C: Ops>(client: Arc<C>, fx: Arc<Fixtures>, n: usize) {
    for i in 0..n {
        if let Err(e) = client.op(&fx, i).await {
            panic!(
                "operation {} failed: {e}",
                OPERATIONS[i % OPERATIONS.len()].0
            );
        }
    }
}

/// Sends `n` requests from `concurrency` tasks, operations round-robin.
async fn concurrent<C: Ops>(client: Arc<C>, fx: Arc<Fixtures>, n: usize, concurrency: usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (client, fx, next) = (client.clone(), fx.clone(), next.clone());
        tasks.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                if let Err(e) = client.op(&fx, i).await {
                    panic!(
                        "operation {} failed: {e}",
                        OPERATIONS[i % OPERATIONS.len()].0
                    );
                }
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("load task");
    }
}

/// A row of the table: name, how to read it from a sample, scale, decimals.
type Metric = (&'static str, fn(&Sample) -> f64, f64, usize);

/// What one load run measured, per request.
#[derive(Clone, Copy)]
struct Sample {
    requests_per_sec: f64,
    /// User + system CPU seconds of this process.
    cpu: f64,
    allocations: f64,
}

/// User and system CPU time of this process, all threads.
fn rusage() -> (Duration, Duration) {
    // SAFETY: `usage` is a valid, writable rusage; getrusage only writes it.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        assert_eq!(
            libc::getrusage(libc::RUSAGE_SELF, &mut usage),
            0,
            "getrusage"
        );
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (tv(usage.ru_utime), tv(usage.ru_stime))
}

/// Runs `n` requests through `client`, `concurrency` at a time.
fn load<C: Ops>(
    rt: &tokio::runtime::Runtime,
    client: &Arc<C>,
    fx: &Arc<Fixtures>,
    n: usize,
    concurrency: usize,
) -> Sample {
    let (allocs, (user, system), wall) = (allocations(), rusage(), Instant::now());
    if concurrency == 1 {
        rt.block_on(sequential(client.clone(), fx.clone(), n));
    } else {
        rt.block_on(concurrent(client.clone(), fx.clone(), n, concurrency));
    }
    let wall = wall.elapsed();
    let (user_after, system_after) = rusage();
    let allocs = allocations() - allocs;
    let (user, system) = (user_after - user, system_after - system);
    let n = n as f64;
    Sample {
        requests_per_sec: n / wall.as_secs_f64(),
        cpu: (user + system).as_secs_f64() / n,
        allocations: allocs as f64 / n,
    }
}

/// Checks that both clients send what the server expects and decode the same values, for
/// every operation.
fn check_agree(rt: &tokio::runtime::Runtime, generated: &Client, hand: &Hand, fx: &Fixtures) {
    rt.block_on(async {
        let mut checked = 0;
        macro_rules! same {
            ($($call:tt)*) => {{
                let g = generated.$($call)*.await.expect(stringify!(generated $($call)*));
                let h = hand.$($call)*.await.expect(stringify!(hand-written $($call)*));
                assert_eq!(g, h, "{}", stringify!($($call)*));
                checked += 1;
            }};
        }
        same!(create_user(&fx.create_user));
        same!(generate_user_token(&fx.user_id));
        same!(delete_user_logs(&fx.user_id));
        same!(list_integrations(&fx.user_id));
        same!(trigger_event(&fx.trigger_event));
        same!(list_workflow_errors(&fx.workflow_id, &fx.user_id));
        same!(list_workflow_logs(&fx.workflow_id, &fx.user_id));
        same!(deactivate_workflow(&fx.workflow_action));
        same!(activate_workflow(&fx.workflow_action));
        same!(upgrade_workflow_to_version(&fx.workflow_id, &fx.upgrade));
        same!(list_users(Some(fx.workflow_id.as_str())));
        same!(get_user(&fx.user_id));
        same!(update_user(&fx.user_id, &fx.update_user));
        same!(delete_user(&fx.user_id));
        same!(batch_create_users(&fx.batch_create_users));
        same!(deactivate_user_workflows(&fx.user_id));
        same!(get_workflow(&fx.workflow_id, &fx.user_id));
        same!(delete_workflow(&fx.workflow_id, &fx.user_id));
        same!(list_workflow_users(&fx.workflow_id));
        same!(get_workflow_analytics(&fx.workflow_id));
        same!(run_workflow(&fx.run_workflow));
        same!(list_events());
        same!(list_logs(&fx.log_query));
        same!(get_integration(&fx.integration_id, &fx.user_id));
        same!(list_installations());
        same!(get_installation(&fx.installation_id));
        same!(start_installation(&fx.start_installation));
        same!(complete_installation(&fx.complete_installation));
        same!(edit_installation(&fx.edit_installation));
        same!(generate_oauth_url(&fx.user_id, &fx.oauth_app));
        same!(create_credential(&fx.create_credential));
        same!(list_user_credentials(&fx.user_id));
        same!(delete_credential(&fx.user_id, &fx.credential_id));
        same!(list_credential_metadata());
        same!(get_credential_metadata(&fx.credential_name));
        same!(get_usage());
        same!(get_usage_over_time());
        same!(get_user_usage(&fx.user_id));
        assert_eq!(checked, OPERATIONS.len(), "every operation is checked");
    });
}

/// Sends exactly `n` sequential requests of the mix through the `side` client, against a
/// server in a child process, and prints the allocations those requests made.
fn callgrind(side: &str, n: usize, prebuild: usize) {
    let server = ServerProcess::start();
    let base = format!("http://127.0.0.1:{}/2025-09", server.port);
    let fx = Arc::new(Fixtures::contract_examples());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let before;
    if side == "generated" {
        let client = Arc::new(
            Client::builder()
                .api_key(API_KEY)
                .base_url(&base)
                .build()
                .expect("client"),
        );
        before = allocations();
        rt.block_on(sequential(client, fx, n));
    } else if side == "hand" {
        let client = Arc::new(Hand::new(&base, API_KEY));
        before = allocations();
        rt.block_on(sequential(client, fx, n));
    } else {
        let floor = Floor::new(&base, API_KEY);
        let mut built: Vec<_> = (0..prebuild.max(n))
            .map(|i| floor.prebuilt(&fx, i))
            .collect();
        let unsent = built.split_off(n);
        before = allocations();
        rt.block_on(async {
            for (i, (request, decoder)) in built.into_iter().enumerate() {
                if let Err(e) = floor.execute(request, decoder).await {
                    panic!(
                        "operation {} failed: {e}",
                        OPERATIONS[i % OPERATIONS.len()].0
                    );
                }
            }
        });
        // Not dropped: freeing them would count in the smaller run only.
        std::mem::forget(unsent);
    }
    println!(
        "{side}: {n} requests, {} allocations",
        allocations() - before
    );
}

struct ServerProcess {
    child: Child,
    port: u16,
}

impl ServerProcess {
    fn start() -> Self {
        let exe = std::env::current_exe().expect("current exe");
        let mut child = Command::new(exe)
            .env(SERVER_ENV, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the server process");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the port");
        let port = line.trim().parse().expect("the server prints its port");
        Self { child, port }
    }

    /// CPU time the server process has used so far (from /proc, 10 ms resolution).
    fn cpu(&self) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let ticks: u64 =
            fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        // SAFETY: sysconf has no preconditions.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
        Some(Duration::from_secs_f64(ticks as f64 / hz as f64))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // Closing its stdin tells the server to exit; kill it in case it does not.
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http_section(full: bool) {
    let server = ServerProcess::start();
    let base = format!("http://127.0.0.1:{}/2025-09", server.port);
    let generated = Arc::new(
        Client::builder()
            .api_key(API_KEY)
            .base_url(&base)
            .build()
            .expect("client"),
    );
    let hand = Arc::new(Hand::new(&base, API_KEY));
    let fx = Arc::new(Fixtures::contract_examples());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    check_agree(&rt, &generated, &hand, &fx);

    let (rounds, run_secs) = if full { (101, 0.05) } else { (1, 0.0) };
    println!();
    println!(
        "## http: round-robin over all {} operations against a local HTTP/1.1 server \
         (separate process), client on a current-thread runtime",
        OPERATIONS.len()
    );
    println!();
    println!(
        "Median of {rounds} interleaved runs of ~{run_secs} s per side; ratio = median of \
         per-run generated/hand-written, with the interquartile range of those ratios."
    );
    println!();
    println!(
        "| mode | metric | generated | hand-written | ratio | ratio IQR |\n|---|---|---:|---:|---:|---:|"
    );
    let server_cpu_before = server.cpu();
    let mut total_requests = 0usize;
    for (mode, concurrency) in [("sequential", 1), ("32 concurrent", CONCURRENCY)] {
        // Warm up (opens the connections) and size a run at about `run_secs`.
        let warm = 100 * concurrency.min(10);
        let g = load(&rt, &generated, &fx, warm, concurrency);
        let h = load(&rt, &hand, &fx, warm, concurrency);
        let n = ((run_secs * g.requests_per_sec.min(h.requests_per_sec)) as usize).max(20);
        let mut samples = Vec::with_capacity(rounds);
        for round in 0..rounds {
            samples.push(if round % 2 == 0 {
                let g = load(&rt, &generated, &fx, n, concurrency);
                (g, load(&rt, &hand, &fx, n, concurrency))
            } else {
                let h = load(&rt, &hand, &fx, n, concurrency);
                (load(&rt, &generated, &fx, n, concurrency), h)
            });
            total_requests += 2 * n;
        }
        let metrics: [Metric; 3] = [
            ("requests/s", |s| s.requests_per_sec, 1.0, 0),
            ("client CPU µs/request", |s| s.cpu, 1e6, 2),
            ("allocations/request", |s| s.allocations, 1.0, 1),
        ];
        for (metric, get, scale, digits) in metrics {
            let mut paired = Paired::default();
            for (g, h) in &samples {
                paired.push(get(g), get(h));
            }
            let (g, h, r, lo, hi) = paired.summary();
            println!(
                "| {mode} | {metric} | {:.digits$} | {:.digits$} | {r:.3} | {lo:.3}–{hi:.3} |",
                g * scale,
                h * scale
            );
        }
    }
    if let (Some(before), Some(after)) = (server_cpu_before, server.cpu()) {
        println!();
        println!(
            "Server process CPU over the measured runs: {:.2} µs/request.",
            (after - before).as_secs_f64() * 1e6 / total_requests as f64
        );
    }
}

// ---------------------------------------------------------------------------------------
// The server

/// A minimal HTTP/1.1 keep-alive server answering each route with the contract's example,
/// after checking the request carries what both clients must send.
mod server {
    use std::borrow::Cow;
    use std::io::{Read, Write};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use super::{API_KEY, OPERATIONS};

    pub fn run() -> ! {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let mut out = std::io::stdout();
        writeln!(out, "{port}")
            .and_then(|()| out.flush())
            .expect("print the port");
        // Exit when the bench process closes our stdin (or dies).
        std::thread::spawn(|| {
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
            std::process::exit(0);
        });
        let responses: &'static [Vec<u8>] = OPERATIONS
            .iter()
            .map(|(_, status, body)| {
                let reason = if *status == 201 { "Created" } else { "OK" };
                format!(
                    "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\n\r\n{body}",
                    body.len()
                )
                .into_bytes()
            })
            .collect::<Vec<_>>()
            .leak();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let listener = TcpListener::from_std(listener).expect("listener");
            loop {
                let (socket, _) = listener.accept().await.expect("accept");
                socket.set_nodelay(true).expect("nodelay");
                tokio::spawn(connection(socket, responses));
            }
        })
    }

    async fn connection(mut socket: TcpStream, responses: &'static [Vec<u8>]) {
        let mut buf = Vec::with_capacity(4096);
        loop {
            let head_end = loop {
                if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break at + 4;
                }
                match socket.read_buf(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            };
            let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
            let body_len = header(&head, "content-length").map_or(0, |v| v.parse().unwrap_or(0));
            while buf.len() < head_end + body_len {
                match socket.read_buf(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
            let answer = match route(&head, body_len) {
                Ok(op) => Cow::Borrowed(&responses[op][..]),
                Err(problem) => {
                    let body = format!(r#"{{"error":"BAD_REQUEST","message":"{problem}"}}"#);
                    format!(
                        "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n\
                         content-length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .into_bytes()
                    .into()
                }
            };
            if socket.write_all(&answer).await.is_err() {
                return;
            }
            buf.drain(..head_end + body_len);
        }
    }

    fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
        head.split("\r\n").skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// Returns the operation the request calls, or what is wrong with it. Each route gives
    /// the operation's index in `OPERATIONS`, the exact query string both clients must send
    /// for the fixtures' arguments (`None`: no `?` at all) and whether it has a JSON body.
    fn route(head: &str, body_len: usize) -> Result<usize, &'static str> {
        const USER: Option<&str> = Some("userId=usr_abc123");
        const LOGS: Option<&str> = Some(
            "filters=%5B%7B%22columns%22%3A%7B%22value%22%3A%22message%22%7D%2C%22operators%22\
             %3A%7B%22value%22%3A%22equals%22%7D%2C%22userinput%22%3A%7B%22value%22%3A%22\
             executionError%22%7D%2C%22condition%22%3A%7B%22value%22%3A%22and%22%7D%7D%5D\
             &associatedUserId=usr_abc123&skip=0&limit=10&sortBy=createdAt&sortOrder=desc",
        );
        let mut line = head.split(' ');
        let method = line.next().unwrap_or_default();
        let target = line.next().unwrap_or_default();
        let target = target.strip_prefix("/2025-09").ok_or("no base path")?;
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (target, None),
        };
        let parts: Vec<&str> = path.split('/').skip(1).collect();
        let (op, expected_query, has_body) = match (method, parts.as_slice()) {
            ("POST", ["users"]) => (0, None, true),
            ("GET", ["users", _, "token"]) => (1, USER, false),
            ("DELETE", ["users", _, "logs"]) => (2, USER, false),
            ("GET", ["integrations"]) => (3, USER, false),
            ("POST", ["run", "event"]) => (4, None, true),
            ("GET", ["workflows", _, "errors"]) => (5, USER, false),
            ("GET", ["workflows", _, "logs"]) => (6, USER, false),
            ("PUT", ["workflows", "deactivate"]) => (7, None, true),
            ("PUT", ["workflows", "activate"]) => (8, None, true),
            ("PUT", ["workflows", _, "upgrade"]) => (9, None, true),
            ("GET", ["users"]) => (10, Some("parentWorkflowId=wf_xyz456"), false),
            ("GET", ["users", _]) => (11, None, false),
            ("PUT", ["users", _]) => (12, None, true),
            ("DELETE", ["users", _]) => (13, None, false),
            ("POST", ["users", "batch"]) => (14, None, true),
            ("PUT", ["users", _, "deactivate-workflows"]) => (15, None, false),
            ("GET", ["workflows", _]) => (16, USER, false),
            ("DELETE", ["workflows", _]) => (17, USER, false),
            ("GET", ["workflows", _, "users"]) => (18, None, false),
            ("GET", ["workflows", _, "analytics"]) => (19, None, false),
            ("POST", ["run", "workflow"]) => (20, None, true),
            ("GET", ["events"]) => (21, None, false),
            ("GET", ["logs"]) => (22, LOGS, false),
            ("GET", ["integrations", _]) => (23, USER, false),
            ("GET", ["installations"]) => (24, None, false),
            ("GET", ["installations", _]) => (25, None, false),
            ("POST", ["headless", "startInstallation"]) => (26, None, true),
            ("POST", ["headless", "completeInstallation"]) => (27, None, true),
            ("POST", ["headless", "editInstallation"]) => (28, None, true),
            ("GET", ["headless", "oauthUrl"]) => (29, Some("userId=usr_abc123&app=hubspot"), false),
            ("POST", ["headless", "credentials"]) => (30, None, true),
            ("GET", ["credentials", "users", _]) => (31, None, false),
            ("DELETE", ["users", _, "credentials", _]) => (32, None, false),
            ("GET", ["metadata", "credentials"]) => (33, None, false),
            ("GET", ["metadata", "credentials", _]) => (34, None, false),
            ("GET", ["analytics", "usage"]) => (35, None, false),
            ("GET", ["analytics", "detail-usage-time"]) => (36, None, false),
            ("GET", ["analytics", "detail-usage-user"]) => (37, USER, false),
            _ => return Err("no such route"),
        };
        if header(head, "authorization").and_then(|v| v.strip_prefix("Bearer ")) != Some(API_KEY) {
            return Err("bad authorization");
        }
        if header(head, "accept") != Some("application/json") {
            return Err("bad accept");
        }
        if header(head, "x-api-version") != Some("2025-09") {
            return Err("bad x-api-version");
        }
        if header(head, "user-agent").is_none_or(str::is_empty) {
            return Err("no user agent");
        }
        if query != expected_query {
            return Err("bad query");
        }
        if has_body != (body_len > 0) {
            return Err("bad body");
        }
        if has_body && header(head, "content-type") != Some("application/json") {
            return Err("bad content type");
        }
        Ok(op)
    }
}
