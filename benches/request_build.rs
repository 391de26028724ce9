//! Criterion micro-benchmarks, no network: per operation, the generated endpoint (through
//! `AlloyApi` on a `Transport` double that builds the final `http::Request` exactly as
//! `Client` sends it, then answers with the contract's example body) against hand-written
//! code building its `reqwest::Request` and decoding the same body. The hand-written client keeps
//! its headers and timeout on the `reqwest::Client`, which reqwest adds when sending, so that
//! side skips work here that it pays over HTTP: compare the whole call with
//! `scripts/callgrind-bench`.
//!
//! `cargo bench -p alloy-benches --bench request_build`. The `overhead` benchmark measures the
//! same pairs interleaved and prints their ratios; this one keeps criterion's statistics and
//! baselines (`-- --save-baseline NAME`, `-- --baseline NAME`) for tracking regressions.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

#[allow(unused_macros)]
#[macro_use]
#[path = "common/hand.rs"]
mod hand;
#[path = "common/build.rs"]
mod build;

use build::BuildBench;
use hand::OPERATIONS;

fn request_build(c: &mut Criterion) {
    let bench = BuildBench::new();
    for (i, (name, _, _)) in OPERATIONS.iter().enumerate() {
        let mut group = c.benchmark_group(*name);
        group.bench_function("generated", |b| b.iter(|| bench.generated(black_box(i))));
        group.bench_function("hand_written", |b| b.iter(|| bench.hand(black_box(i))));
        group.finish();
    }
    let mut group = c.benchmark_group("mix");
    group.bench_function("generated", |b| {
        b.iter(|| (0..OPERATIONS.len()).for_each(|i| bench.generated(black_box(i))))
    });
    group.bench_function("hand_written", |b| {
        b.iter(|| (0..OPERATIONS.len()).for_each(|i| bench.hand(black_box(i))))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(30);
    targets = request_build
}
criterion_main!(benches);
