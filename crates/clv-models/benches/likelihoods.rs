//! Benchmarks of the fit likelihoods and of 2F1.
//!
//! `cargo bench -p clv-models` measures them. `cargo test --benches` runs
//! each once as a smoke test.

use std::hint::black_box;

use clv_models::bg_nbd::BgNbdLikelihood;
use clv_models::btyd::{Pattern, Rfm};
use clv_models::fit::{LogLikelihood, SecondOrder};
use clv_models::gamma_gamma::{GammaGammaLikelihood, SpendPattern};
use clv_models::pareto_nbd::ParetoNbdLikelihood;
use clv_models::special::ln_hyp2f1;
use criterion::{Criterion, criterion_group, criterion_main};

/// Number of distinct patterns, about what 10,000 customers give.
const PATTERNS: usize = 10_000;

/// Builds a deterministic spread of summaries in weeks: x up to 39, T up to 78,
/// and t_x from 0 to T.
fn patterns() -> Vec<Pattern> {
    (0..PATTERNS)
        .map(|i| {
            let x = (i % 40) as f64;
            let t = 1.0 + (i % 78) as f64;
            let t_x = if x == 0.0 { 0.0 } else { t * ((i % 11) as f64 / 10.0) };
            Pattern { rfm: Rfm { x, t_x, t }, count: 1.0 + (i % 3) as f64 }
        })
        .collect()
}

fn spend_patterns() -> Vec<SpendPattern> {
    (0..PATTERNS)
        .map(|i| SpendPattern { x: 1.0 + (i % 40) as f64, mean_value: 5.0 + (i % 97) as f64, count: 1.0 })
        .collect()
}

fn likelihoods(c: &mut Criterion) {
    // Parameters near the CDNOW estimates of Fader, Hardie and Lee (2005).
    let bg_nbd = BgNbdLikelihood::new(patterns());
    let bg_params = [0.243, 4.414, 0.793, 2.426];
    c.bench_function("bg_nbd log-likelihood, 10k patterns", |b| {
        b.iter(|| bg_nbd.log_likelihood(black_box(&bg_params)))
    });
    c.bench_function("bg_nbd gradient, 10k patterns", |b| b.iter(|| bg_nbd.gradient(black_box(&bg_params))));
    c.bench_function("bg_nbd gradient and Hessian, 10k patterns", |b| {
        b.iter(|| bg_nbd.derivatives(black_box(&bg_params)))
    });
    c.bench_function("bg_nbd likelihood from patterns, 10k patterns", |b| {
        b.iter(|| BgNbdLikelihood::new(black_box(patterns())))
    });

    let pareto_nbd = ParetoNbdLikelihood::new(patterns());
    let pareto_params = [0.553, 10.58, 0.606, 11.67];
    // The likelihood keeps its last passes, so each iteration clones it
    // first to measure a pass, not a lookup.
    c.bench_function("pareto_nbd log-likelihood, 10k patterns", |b| {
        b.iter_batched(
            || pareto_nbd.clone(),
            |likelihood| likelihood.log_likelihood(black_box(&pareto_params)),
            criterion::BatchSize::LargeInput,
        )
    });
    c.bench_function("pareto_nbd Hessian with value and gradient, 10k patterns", |b| {
        b.iter_batched(
            || pareto_nbd.clone(),
            |likelihood| likelihood.hessian(black_box(&pareto_params)),
            criterion::BatchSize::LargeInput,
        )
    });

    let gamma_gamma = GammaGammaLikelihood::new(spend_patterns());
    let spend_params = [6.25, 3.74, 15.44];
    c.bench_function("gamma_gamma log-likelihood, 10k patterns", |b| {
        b.iter(|| gamma_gamma.log_likelihood(black_box(&spend_params)))
    });
}

fn hypergeometric(c: &mut Criterion) {
    // Arguments of the Pareto/NBD A0 term (m = r + s + x, z below 1) and of the
    // BG/NBD expectation (z = t / (alpha + T + t)).
    let cases = [("2F1 z = 0.3", 3.2, 1.6, 4.2, 0.3), ("2F1 z = 0.95", 12.0, 1.6, 13.0, 0.95)];
    for (name, a, b, c_param, z) in cases {
        c.bench_function(name, |bench| {
            bench.iter(|| ln_hyp2f1(black_box(a), black_box(b), black_box(c_param), black_box(z)))
        });
    }
}

criterion_group!(benches, likelihoods, hypergeometric);
criterion_main!(benches);
