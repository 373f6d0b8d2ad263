//! Throughput of the rules engine: determinations per second on one core, over a mix of cases
//! (obliged, dispensed, exempt, not concerned). Run with `make bench`.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use parcours_domain::reference::bundled;
use parcours_domain::{DispensationCode, Facts, Nationality, NisCode, ResidenceDocument, determine};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn cases() -> Vec<Facts> {
    let base = Facts {
        birth_date: d(1990, 5, 10),
        nationality: Nationality::parse("MAR").expect("code"),
        residence_document: Some(ResidenceDocument::B),
        title_order_date: Some(d(2022, 3, 15)),
        first_registration_date: Some(d(2022, 2, 1)),
        legal_stay_start: Some(d(2021, 9, 1)),
        domicile: NisCode::parse("62063").expect("code"),
        family_link: None,
        claimed_dispensations: Vec::new(),
        granted_dispensations: Vec::new(),
        prior_attestation: None,
    };
    vec![
        base.clone(),
        Facts { nationality: Nationality::TURKEY, ..base.clone() },
        Facts { nationality: Nationality::parse("FRA").expect("code"), ..base.clone() },
        Facts { residence_document: Some(ResidenceDocument::F), ..base.clone() },
        Facts { domicile: NisCode::parse("63023").expect("code"), ..base.clone() },
        Facts { birth_date: d(2006, 1, 1), ..base.clone() },
        Facts { claimed_dispensations: vec![DispensationCode::D5], ..base.clone() },
        Facts { title_order_date: Some(d(2025, 4, 1)), first_registration_date: Some(d(2025, 3, 1)), ..base },
    ]
}

fn bench(c: &mut Criterion) {
    let reference = bundled();
    let facts = cases();
    let as_of = d(2026, 11, 24);
    let mut group = c.benchmark_group("determine");
    group.throughput(Throughput::Elements(facts.len() as u64));
    group.bench_function("mixed_cases", |b| {
        b.iter(|| {
            for f in &facts {
                black_box(determine(black_box(f), &reference, as_of).ok());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
