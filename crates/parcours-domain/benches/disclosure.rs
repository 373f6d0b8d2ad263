//! Making statistics releases at the pathway's volume (a few thousand persons a year over 262 communes, most
//! in a dozen towns: many small cells, the hard case for cell suppression). Run with `make bench`; figures
//! in `docs/performance.md`.

use std::collections::HashMap;
use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use parcours_domain::reference::{Commune, bundled};
use parcours_domain::statistics::{Counted, Period, StatisticsTable, Territory, release};

/// `persons` counted over `period`, two thirds of them in twelve communes, categories drawn evenly.
fn population(table: StatisticsTable, period: Period, communes: &[Commune], persons: usize) -> Vec<Counted> {
    let on = NaiveDate::from_ymd_opt(2026, 6, 1).expect("day");
    let french: Vec<String> = communes.iter().filter(|c| c.cri_on(on).is_some()).map(|c| c.nis.to_string()).collect();
    let mut seed: u64 = 42;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        usize::try_from(seed >> 33).unwrap_or(0) % n
    };
    let quarters = period.quarters();
    (0..persons)
        .map(|_| {
            let commune = if next(3) == 0 { french[next(french.len())].clone() } else { french[next(12)].clone() };
            let categories =
                table.attributes().iter().map(|a| a.categories()[next(a.leaves())].code.to_owned()).collect();
            Counted { quarter: quarters[next(quarters.len())], commune, categories }
        })
        .collect()
}

fn quarter_releases(c: &mut Criterion) {
    let communes: Vec<Commune> = bundled().communes().cloned().collect();
    let quarter = Period::Quarter { year: 2026, quarter: 2 };
    let territory = Territory::of_wallonia(&communes, quarter, &[]).expect("territory");
    let mut group = c.benchmark_group("statistics release, a quarter of 1,000 persons");
    group.sample_size(10);
    for table in [
        StatisticsTable::CasesOpened,
        StatisticsTable::ArrivalsReported,
        StatisticsTable::Determinations,
        StatisticsTable::AttestationsIssued,
    ] {
        let people = population(table, quarter, &communes, 1000);
        group.bench_function(table.code(), |b| {
            b.iter(|| release(table, quarter, &territory, black_box(&people), &HashMap::new(), 5).expect("release"))
        });
    }
    group.finish();
}

fn year_release(c: &mut Criterion) {
    let communes: Vec<Commune> = bundled().communes().cloned().collect();
    let year = Period::Year(2026);
    let territory = Territory::of_wallonia(&communes, year, &[]).expect("territory");
    let table = StatisticsTable::CasesOpened;
    let people = population(table, year, &communes, 4000);
    let mut earlier = HashMap::new();
    for quarter in year.quarters() {
        let in_quarter: Vec<Counted> = people.iter().filter(|p| p.quarter == quarter).cloned().collect();
        for cell in release(table, quarter, &territory, &in_quarter, &HashMap::new(), 5).expect("quarter") {
            earlier.insert(cell.key(quarter, table, &territory), cell.count.is_some());
        }
    }
    let mut group = c.benchmark_group("statistics release, a year of 4,000 persons after its quarters");
    group.sample_size(10);
    group.bench_function(table.code(), |b| {
        b.iter(|| release(table, year, &territory, black_box(&people), &earlier, 5).expect("year"))
    });
    group.finish();
}

criterion_group!(benches, quarter_releases, year_release);
criterion_main!(benches);
