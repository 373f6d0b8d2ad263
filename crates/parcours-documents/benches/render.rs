//! `make bench`: time to render one attestation PDF on one core (target: under 50 ms). Prints the median
//! and the 95th percentile over 200 renderings, after 10 warm-up ones.

use std::time::Instant;

use parcours_documents::attestation::{render_attestation, sample};

fn main() {
    let document = sample();
    for _ in 0..10 {
        render_attestation(&document).expect("renders");
    }
    let mut times: Vec<f64> = (0..200)
        .map(|_| {
            let start = Instant::now();
            let pdf = render_attestation(&document).expect("renders");
            std::hint::black_box(pdf);
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let size = render_attestation(&document).expect("renders").len();
    println!(
        "attestation PDF: median {:.2} ms, p95 {:.2} ms per rendering (one thread), {} bytes",
        times[times.len() / 2],
        times[times.len() * 95 / 100],
        size
    );
}
