//! Published statistics through the API, on both backends: a seeded population where a commune has three
//! obliged persons, read by the Region, a CRI and a commune from the same release, as JSON, CSV and SVG.

use serde_json::{Value, json};

use super::support::{self, TestApp};
use super::{newcomer, niss, obliged_case, through_convention, with};
use crate::on_both_backends;

on_both_backends!(
    a_commune_with_three_obliged_persons_is_hidden_with_others_and_every_reader_sees_the_same_release,
    cases_opened_by_regime_sex_and_age_are_released_together_and_a_year_keeps_its_quarter,
    a_simulation_at_24_months_moves_exactly_the_r2024_deadlines_and_changes_no_stored_row,
    presentations_and_conventions_are_counted_from_the_case_timeline,
    determinations_by_deciding_clause_and_nationality_and_arrivals_by_residence_document,
    attestations_are_counted_by_the_hours_they_state_per_axis,
);

/// Reports `obliged` obliged persons and `exempt` EU citizens living in commune `nis`, from sequence `first`.
async fn population(app: &TestApp, nis: &str, first: u32, obliged: u32, exempt: u32) {
    for n in 0..obliged + exempt {
        // Born 1988-03-12 (aged 38), even serials (women): national numbers no other test uses.
        let serial = 2 * (first + n);
        let born = json!({"domicile_nis": nis, "niss": niss("880312", serial), "birth_date": "1988-03-12"});
        let mut body = with(newcomer(first + n), born);
        if n >= obliged {
            body = with(body, json!({"nationality": "FRA", "residence_document": "EU"}));
        }
        let reply = app.report(nis, &body).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
}

/// 33 persons reported in 2026-Q4: Liège 3 obliged and 9 exempt, Amay 8 and 7 (CRIPEL), Anhée 6 obliged
/// (CAI); then the clock moves into 2027 so that the quarter is closed.
async fn seeded(app: &TestApp) {
    population(app, "62063", 1, 3, 9).await;
    population(app, "61003", 20, 8, 7).await;
    population(app, "91005", 40, 6, 0).await;
    app.state.clock.set("2027-01-04T10:00:00Z".parse().expect("date"));
}

fn region(app: &TestApp) -> String {
    app.token("region:SPW", &["region_admin"])
}

/// The cell of `arrivals_reported` by status (`None`: the territory's total).
fn cell<'a>(release: &'a Value, territory: &str, status: Option<&str>) -> &'a Value {
    cell_of(release, territory, status.map(|s| ("status", s)))
}

fn counts_are_safe(release: &Value) {
    for c in release["cells"].as_array().expect("cells") {
        match c["count"].as_u64() {
            Some(n) => assert!(n == 0 || n >= 5, "published {n}: {c}"),
            None => assert_eq!(c["flag"], "c", "a hidden cell is flagged: {c}"),
        }
    }
}

async fn a_commune_with_three_obliged_persons_is_hidden_with_others_and_every_reader_sees_the_same_release(
    app: TestApp,
) {
    // Two more obliged persons in Huy (CRIPEL): a commune whose total is small, drawn as a gap.
    population(&app, "61031", 60, 2, 0).await;
    seeded(&app).await;
    let path = "/v1/statistics/tables/arrivals_reported/releases/2026-Q4";
    let region = region(&app);
    let wallonia = app.get(path, Some(&region)).await;
    assert_eq!(wallonia.status, 200, "{}", wallonia.text);
    let body = &wallonia.body;
    assert_eq!(body["territory"], "wallonie");
    assert_eq!(body["release"]["threshold"], 5);
    assert_eq!(body["release"]["rules_version"], "2026.12.0");
    assert!(body["release"]["method"].as_str().expect("method").contains("secondary suppression"));
    let liege = cell(body, "62063", Some("obliged"));
    assert_eq!((liege["count"].clone(), liege["flag"].clone()), (Value::Null, json!("c")), "3 is hidden, never 0");
    counts_are_safe(body);
    let hidden = body["cells"].as_array().expect("cells").iter().filter(|c| c["count"].is_null()).count();
    assert!(hidden >= 4, "the small cell and enough others: {hidden}");
    assert_eq!(cell(body, "wallonie", None)["count"], 35, "the grand total stays published and right");
    assert_eq!(cell(body, "wallonie", Some("obliged"))["count"], 19);
    assert_eq!(cell(body, "CRIPEL", None)["count"], 29);
    assert_eq!(cell(body, "61031", None)["count"], Value::Null, "2 persons in Huy");
    assert_eq!(cell(body, "91005", Some("obliged"))["count"], 6);
    let release_id = body["release"]["id"].as_str().expect("id").to_owned();

    // The CRI reads the same release, its territory only; another territory is refused.
    let cripel = app.as_cri("CRIPEL");
    let own = app.get(path, Some(&cripel)).await;
    assert_eq!(own.status, 200, "{}", own.text);
    assert_eq!(own.body["release"]["id"], release_id.as_str());
    assert_eq!(own.body["territory"], "CRIPEL");
    assert!(own.body["cells"].as_array().expect("cells").iter().all(|c| c["territory_code"] != "91005"));
    assert!(own.body["cells"].as_array().expect("cells").iter().all(|c| c["territory_code"] != "wallonie"));
    assert_eq!(cell(&own.body, "62063", Some("obliged"))["count"], Value::Null);
    assert_eq!(cell(&own.body, "61003", None)["count"], cell(body, "61003", None)["count"]);
    for elsewhere in ["CAI", "wallonie", "91005"] {
        let refused = app.get(&format!("{path}?territory={elsewhere}"), Some(&cripel)).await;
        assert_eq!(refused.status, 403, "{elsewhere}: {}", refused.text);
    }
    let one_of_its_communes = app.get(&format!("{path}?territory=61003"), Some(&cripel)).await;
    assert_eq!(one_of_its_communes.status, 200, "{}", one_of_its_communes.text);

    // The commune reads its own cells.
    let commune = app.as_commune("62063");
    let mine = app.get(path, Some(&commune)).await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    assert!(mine.body["cells"].as_array().expect("cells").iter().all(|c| c["territory_code"] == "62063"));
    assert_eq!(cell(&mine.body, "62063", Some("obliged"))["flag"], "c");
    assert_eq!(app.get(&format!("{path}?territory=61003"), Some(&commune)).await.status, 403);

    // CSV: BOM, semicolons by default, commas on request; the hidden cell empty and flagged.
    let (status, bytes) = app
        .send_raw(
            actix_web::test::TestRequest::get()
                .uri(&format!("{path}?format=csv&territory=CRIPEL"))
                .insert_header(("Authorization", format!("Bearer {cripel}"))),
        )
        .await;
    assert_eq!(status, 200);
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(text.starts_with('\u{feff}'), "a byte-order mark for Excel");
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some("period;quarter;territory_level;territory_code;territory_name;status;residence_card;count;flag")
    );
    assert!(text.contains("2026-Q4;total;commune;62063;Liège;obliged;total;;c\r\n"), "{text}");
    let comma = app.get(&format!("{path}?format=csv&separator=comma"), Some(&region)).await;
    assert!(comma.text.contains("2026-Q4,total,region,wallonie,Wallonie,total,total,35,\r\n"), "{}", comma.text);

    // SVG: the hidden cell is a gap, not a zero bar.
    let chart = app.get(&format!("{path}?format=svg"), Some(&cripel)).await;
    assert_eq!(chart.status, 200);
    assert_eq!(chart.header("content-type"), Some("image/svg+xml; charset=utf-8"));
    assert!(chart.text.contains("class=\"gap\""), "{}", chart.text);
    assert!(chart.text.contains("Liège"));
    if std::env::var_os("PARCOURS_UPDATE_SAMPLES").is_some() && !app.on_postgres() {
        let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/samples/statistics-chart-sample.svg");
        std::fs::write(sample, &chart.text).expect("write the sample chart");
        let csv_sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/samples/statistics-sample.csv");
        std::fs::write(csv_sample, &text).expect("write the sample CSV");
    }

    // The quarterly report of the CRI and of the Region (PDF).
    let report = |token: String, query: &'static str| {
        actix_web::test::TestRequest::get()
            .uri(&format!("/v1/statistics/reports/2026-Q4{query}"))
            .insert_header(("Authorization", format!("Bearer {token}")))
    };
    let (status, pdf) = app.send_raw(report(cripel.clone(), "")).await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF-"));
    // Without poppler-utils (outside CI) the text is not checked.
    if let Some(printed) = support::pdf_text(&pdf) {
        for expected in ["Statistiques du parcours", "CRIPEL", "Liège", "Amay", "Dossiers ouverts", "Attestations", "c"]
        {
            assert!(printed.contains(expected), "{expected} missing from the report: {printed}");
        }
    }
    if std::env::var_os("PARCOURS_UPDATE_SAMPLES").is_some() && !app.on_postgres() {
        let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/samples/statistics-report-sample.pdf");
        std::fs::write(sample, &pdf).expect("write the sample report");
    }
    let (status, pdf) = app.send_raw(report(region.clone(), "")).await;
    assert_eq!(status, 200);
    assert!(support::pdf_text(&pdf).is_none_or(|printed| printed.contains("CAI")));
    assert_eq!(app.send_raw(report(cripel.clone(), "?territory=CAI")).await.0, 403);
    assert_eq!(app.send_raw(report(commune.clone(), "")).await.0, 403);

    // Every read is audited under the release.
    let reads = app.audit_for(&release_id).iter().filter(|a| a.action == "read_statistics").count();
    assert!(reads >= 7, "{reads} reads audited");

    // Bad requests.
    assert_eq!(app.get("/v1/statistics/tables/arrivals_reported/releases/2027-Q1", Some(&region)).await.status, 409);
    let bad = app.get("/v1/statistics/tables/arrivals_reported/releases/2026-Q5", Some(&region)).await;
    assert_eq!((bad.status.as_u16(), bad.error_fields()), (400, vec!["period".to_owned()]));
    assert_eq!(app.get("/v1/statistics/tables/everything/releases/2026-Q4", Some(&region)).await.status, 404);
    let operator = app.token("operator:0123456789", &["operator_agent"]);
    assert_eq!(app.get(path, Some(&operator)).await.status, 403);
    let catalogue = app.get("/v1/statistics/tables", Some(&commune)).await;
    assert_eq!(catalogue.status, 200);
    assert_eq!(catalogue.body["items"].as_array().map(Vec::len), Some(13));
}

async fn cases_opened_by_regime_sex_and_age_are_released_together_and_a_year_keeps_its_quarter(app: TestApp) {
    seeded(&app).await;
    let region = region(&app);
    let quarter = app.get("/v1/statistics/tables/cases_opened/releases/2026-Q4", Some(&region)).await;
    assert_eq!(quarter.status, 200, "{}", quarter.text);
    counts_are_safe(&quarter.body);
    let cells = quarter.body["cells"].as_array().expect("cells");
    // Released: the cells by territory and at most one attribute, never two at once.
    assert!(
        cells.iter().all(|c| {
            c["categories"].as_object().expect("categories").values().filter(|v| !v.is_null()).count() <= 1
        })
    );
    let total = |territory: &str| {
        cells
            .iter()
            .find(|c| {
                c["territory_code"] == territory && c["categories"].as_object().expect("c").values().all(Value::is_null)
            })
            .map(|c| c["count"].clone())
    };
    assert_eq!(total("wallonie"), Some(json!(17)), "17 obliged cases opened");
    let liege_obliged =
        cells.iter().find(|c| c["territory_code"] == "62063" && c["categories"]["regime"] == "obliged").expect("cell");
    assert_eq!(liege_obliged["count"], Value::Null);

    // The year: each 2026-Q4 cell is hidden or shown as the quarter's release left it.
    let year = app.get("/v1/statistics/tables/cases_opened/releases/2026", Some(&region)).await;
    assert_eq!(year.status, 200, "{}", year.text);
    counts_are_safe(&year.body);
    let key = |c: &Value| (c["territory_code"].clone(), c["categories"].clone());
    let in_quarter: std::collections::HashMap<_, _> = cells.iter().map(|c| (key(c), c["count"].clone())).collect();
    let mut compared = 0;
    for c in year.body["cells"].as_array().expect("cells").iter().filter(|c| c["quarter"] == "2026-Q4") {
        assert_eq!(c["count"], in_quarter[&key(c)], "{c}");
        compared += 1;
    }
    assert_eq!(compared, cells.len());
    assert_eq!(
        app.count_rows("statistics_releases WHERE table_code = 'cases_opened'"),
        5,
        "four quarters and the year"
    );
}

async fn a_simulation_at_24_months_moves_exactly_the_r2024_deadlines_and_changes_no_stored_row(app: TestApp) {
    // 17 obliged under R2024 (title ordered 2026-06-15: complete by 2029-06-15), 16 exempt, and 6 obliged
    // under R2018 in Amay (title ordered 2024-06-15, before R2024 came into force).
    for n in 0..6 {
        let serial = 2 * (60 + n);
        let body = with(
            newcomer(60 + n),
            json!({
                "domicile_nis": "61003", "niss": niss("880312", serial), "birth_date": "1988-03-12",
                "title_order_date": "2024-06-15", "first_registration_date": "2024-05-01", "legal_stay_start": "2024-04-01"
            }),
        );
        let reply = app.report("61003", &body).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        assert_eq!(reply.body["determination"]["regime"], "R2018", "{}", reply.text);
    }
    seeded(&app).await;
    let stored = |app: &TestApp| {
        [
            app.count_rows("determinations"),
            app.count_rows("cases"),
            app.count_rows("persons"),
            app.count_rows("cases WHERE complete_by = '2029-06-15'"),
            app.count_rows("determinations WHERE result_json LIKE '%2029-06-15%'"),
            app.count_rows("outbox_events"),
            app.count_rows("case_events"),
            app.count_rows("non_compliances"),
        ]
    };
    // The other jobs do their work first (the R2018 deadlines have passed), so that only the simulation runs
    // below.
    app.run_jobs();
    let before = stored(&app);
    assert_eq!(before[3], 17);

    let region = region(&app);
    let request = json!({
        "period": "2026-Q4",
        "changes": [{"name": "r2024_completion_months", "valid_from": "2024-01-01", "value": "24"}]
    });
    let queued = app.post("/v1/simulations", Some(&region), None, &request).await;
    assert_eq!(queued.status, 202, "{}", queued.text);
    assert_eq!(queued.body["status"], "queued");
    let location = queued.header("location").expect("Location").to_owned();
    assert_eq!(app.get(&location, Some(&region)).await.body["progress_percent"], 0);
    app.run_jobs();
    let done = app.get(&location, Some(&region)).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!((done.body["status"].clone(), done.body["progress_percent"].clone()), (json!("done"), json!(100)));
    let result = &done.body["result"];
    let count = |territory: &str, transition: Option<&str>, shift: Option<&str>| {
        result["cells"]
            .as_array()
            .expect("cells")
            .iter()
            .find(|c| c["territory"] == territory && c["transition"] == json!(transition) && c["shift"] == json!(shift))
            .unwrap_or_else(|| panic!("no cell {territory} {transition:?} {shift:?}"))["count"]
            .clone()
    };
    assert_eq!(count("wallonie", None, Some("earlier_7_12_months")), 17, "exactly the R2024 obliged persons");
    assert_eq!(count("CRIPEL", None, Some("earlier_7_12_months")), 11);
    assert_eq!(count("CAI", None, Some("earlier_7_12_months")), 6);
    assert_eq!(count("wallonie", None, Some("same")), 6, "R2018 deadlines do not move");
    assert_eq!(count("wallonie", None, Some("no_deadline")), 16);
    assert_eq!(count("wallonie", None, Some("later_1_6_months")), 0);
    assert_eq!(count("wallonie", Some("obliged->obliged"), None), 23, "nobody changes status");
    assert_eq!(count("wallonie", None, None), 39);
    assert_eq!(result["reasons"], json!([]));
    assert_eq!(stored(&app), before, "nothing stored changed");
    assert_eq!(app.count_rows("simulations"), 1);

    // Another alternative: the upper age at 30 dispenses the 38-year-old obliged persons (reason D4).
    let younger =
        json!({"period": "2026-Q4", "changes": [{"name": "upper_age", "valid_from": "2020-01-01", "value": "30"}]});
    let queued = app.post("/v1/simulations", Some(&region), None, &younger).await;
    assert_eq!(queued.status, 202, "{}", queued.text);
    app.run_jobs();
    let done = app.get(queued.header("location").expect("Location"), Some(&region)).await;
    let changed = done.body["result"]["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .find(|c| c["territory"] == "wallonie" && c["transition"] == "obliged->dispensed" && c["shift"].is_null())
        .map(|c| c["count"].clone());
    assert_eq!(changed, Some(json!(23)), "{}", done.text);
    assert_eq!(
        done.body["result"]["reasons"],
        json!([{"transition": "obliged->dispensed", "reasons": ["DISPENSED_65_OR_OVER", "VOLUNTARY_PARTICIPATION_OPEN"]}])
    );

    // Refusals.
    let unknown =
        json!({"period": "2026-Q4", "changes": [{"name": "nothing", "valid_from": "2024-01-01", "value": "1"}]});
    let refused = app.post("/v1/simulations", Some(&region), None, &unknown).await;
    assert_eq!((refused.status.as_u16(), refused.error_fields()), (422, vec!["changes[0].name".to_owned()]));
    let bad =
        json!({"period": "2026-Q4", "changes": [{"name": "upper_age", "valid_from": "2024-01-01", "value": "old"}]});
    let refused = app.post("/v1/simulations", Some(&region), None, &bad).await;
    assert_eq!((refused.status.as_u16(), refused.error_fields()), (422, vec!["changes[0].value".to_owned()]));
    let future =
        json!({"period": "2030", "changes": [{"name": "upper_age", "valid_from": "2024-01-01", "value": "60"}]});
    assert_eq!(app.post("/v1/simulations", Some(&region), None, &future).await.status, 422);
    assert_eq!(app.post("/v1/simulations", Some(&app.as_cri("CRIPEL")), None, &request).await.status, 403);
    assert_eq!(app.get(&location, Some(&app.as_cri("CRIPEL"))).await.status, 403);
}

async fn presentations_and_conventions_are_counted_from_the_case_timeline(app: TestApp) {
    // Six persons through the welcome module to a signed convention in 2026-Q4 (CRIPEL, Liège).
    for sequence in 300..306 {
        let (case, _, version) = obliged_case(&app, sequence).await;
        through_convention(&app, &case, version).await;
    }
    // Five Turkish nationals in Liège: dispensed (D10, standstill).
    for sequence in 310..315 {
        let reply = app.report("62063", &with(newcomer(sequence), json!({"nationality": "TUR"}))).await;
        assert_eq!(reply.body["determination"]["status"], "dispensed", "{}", reply.text);
    }
    app.state.clock.set("2027-01-04T10:00:00Z".parse().expect("date"));
    let region = region(&app);
    let total = |release: &Value, territory: &str| {
        release["cells"]
            .as_array()
            .expect("cells")
            .iter()
            .find(|c| {
                c["territory_code"] == territory && c["categories"].as_object().expect("c").values().all(Value::is_null)
            })
            .map(|c| c["count"].clone())
    };
    let presentations = app.get("/v1/statistics/tables/presentations/releases/2026-Q4", Some(&region)).await;
    assert_eq!(presentations.status, 200, "{}", presentations.text);
    assert_eq!(total(&presentations.body, "62063"), Some(json!(6)));
    counts_are_safe(&presentations.body);
    let within = presentations.body["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .find(|c| c["territory_code"] == "CRIPEL" && c["categories"]["timeliness"] == "after_deadline");
    // Ordered on 2026-06-15, presented on 2026-12-15: after the three months.
    assert_eq!(within.map(|c| c["count"].clone()), Some(json!(6)));
    let conventions = app.get("/v1/statistics/tables/conventions_signed/releases/2026-Q4", Some(&region)).await;
    assert_eq!(conventions.status, 200, "{}", conventions.text);
    assert_eq!(total(&conventions.body, "CRIPEL"), Some(json!(6)));
    let axes = conventions.body["cells"].as_array().expect("cells").iter().find(|c| {
        c["territory_code"] == "CRIPEL" && c["categories"]["axes_required"] == "french+citizenship+orientation"
    });
    assert!(axes.is_some(), "by axes required: {}", conventions.text);
    let dispensations = app.get("/v1/statistics/tables/dispensations/releases/2026-Q4", Some(&region)).await;
    assert_eq!(dispensations.status, 200, "{}", dispensations.text);
    let standstill = dispensations.body["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .find(|c| c["territory_code"] == "62063" && c["categories"]["dispensation"] == "D10");
    assert_eq!(standstill.map(|c| c["count"].clone()), Some(json!(5)), "{}", dispensations.text);
    let closures = app.get("/v1/statistics/tables/closures/releases/2026-Q4", Some(&region)).await;
    assert_eq!(total(&closures.body, "wallonie"), Some(json!(0)), "nobody's case was closed");
}

/// A table's release for a period as the Region reads it, checked safe.
async fn released(app: &TestApp, table: &str, period: &str) -> Value {
    let path = format!("/v1/statistics/tables/{table}/releases/{period}");
    let release = app.get(&path, Some(&region(app))).await;
    assert_eq!(release.status, 200, "{}", release.text);
    counts_are_safe(&release.body);
    release.body
}

/// The cell of `attribute` = `category` (every other attribute at its total) for a territory.
fn by<'a>(release: &'a Value, territory: &str, attribute: &str, category: &str) -> &'a Value {
    cell_of(release, territory, Some((attribute, category)))
}

/// The whole-period cell of a territory where one attribute has a category (or none does) and every
/// other attribute is at its total.
fn cell_of<'a>(release: &'a Value, territory: &str, only: Option<(&str, &str)>) -> &'a Value {
    release["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .find(|c| {
            c["territory_code"] == territory
                && c["quarter"].is_null()
                && c["categories"].as_object().expect("categories").iter().all(|(name, value)| match only {
                    Some((attribute, category)) if name == attribute => value == category,
                    _ => value.is_null(),
                })
        })
        .unwrap_or_else(|| panic!("no cell {territory} {only:?}"))
}

async fn determinations_by_deciding_clause_and_nationality_and_arrivals_by_residence_document(app: TestApp) {
    seeded(&app).await;
    let region = region(&app);
    let body = &released(&app, "determinations", "2026-Q4").await;
    // 17 obliged Moroccans with a B card, 16 French citizens with an EU card.
    assert_eq!(by(body, "wallonie", "reason", "OBLIGED")["count"], 17);
    assert_eq!(by(body, "wallonie", "reason", "obliged")["count"], 17, "the status group sums its clauses");
    assert_eq!(by(body, "wallonie", "reason", "UE_PLUS_NATIONAL")["count"], 16);
    assert_eq!(by(body, "wallonie", "reason", "exempt")["count"], 16);
    assert_eq!(by(body, "wallonie", "reason", "DISPENSATION_GRANTED")["count"], 0);
    assert_eq!(by(body, "wallonie", "nationality_group", "north_africa")["count"], 17);
    assert_eq!(by(body, "wallonie", "nationality_group", "ue_plus")["count"], 16);
    assert_eq!(by(body, "CRIPEL", "nationality_group", "ue_plus")["count"], 16);
    let liege = by(body, "62063", "reason", "OBLIGED");
    assert_eq!((liege["count"].clone(), liege["flag"].clone()), (Value::Null, json!("c")), "3 obliged in Liège");
    assert!(by(body, "62063", "reason", "obliged")["count"].is_null(), "its group would give it away");
    // Cells crossing the clause and the nationality are never released.
    assert!(
        body["cells"].as_array().expect("cells").iter().all(|c| {
            c["categories"].as_object().expect("categories").values().filter(|v| !v.is_null()).count() <= 1
        })
    );

    // The catalogue names each group's members.
    let catalogue = app.get("/v1/statistics/tables", Some(&region)).await;
    let table = catalogue.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["code"] == "determinations")
        .expect("determinations");
    let reason = &table["attributes"][0];
    assert_eq!(reason["code"], "reason");
    let group = reason["categories"].as_array().expect("categories").iter().find(|c| c["code"] == "exempt");
    assert_eq!(group.map(|g| g["members"].as_array().map(Vec::len)), Some(Some(5)));
    assert!(reason["categories"][0]["members"].is_null(), "a clause is not a group");

    let arrivals = &released(&app, "arrivals_reported", "2026-Q4").await;
    assert_eq!(by(arrivals, "wallonie", "residence_card", "B")["count"], 17);
    assert_eq!(by(arrivals, "wallonie", "residence_card", "EU")["count"], 16);
    assert_eq!(by(arrivals, "wallonie", "residence_card", "none")["count"], 0);
    assert_eq!(by(arrivals, "91005", "residence_card", "B")["count"], 6);

    // The report prints the statuses by territory, then the clauses down.
    let (status, pdf) = app
        .send_raw(
            actix_web::test::TestRequest::get()
                .uri("/v1/statistics/reports/2026-Q4")
                .insert_header(("Authorization", format!("Bearer {region}"))),
        )
        .await;
    assert_eq!(status, 200);
    if let Some(printed) = support::pdf_text(&pdf) {
        for expected in ["Statuts décidés", "Par statut", "Par motif déterminant", "primo-arrivant obligé", "Afrique"]
        {
            assert!(printed.contains(expected), "{expected} missing from the report");
        }
    }
}

async fn attestations_are_counted_by_the_hours_they_state_per_axis(app: TestApp) {
    use super::attestations::{FULL, issue, pathway, settings};
    settings(&app).await;
    for sequence in 401..407 {
        let hours: &[(&str, f64)] =
            if sequence < 404 { &FULL } else { &[("french", 420.0), ("citizenship", 62.5), ("orientation", 4.0)] };
        let (case, _, v) = pathway(&app, sequence, hours, true).await;
        let issued = issue(&app, &case, v, &format!("att-{sequence}"), json!({})).await;
        assert_eq!(issued.status, 201, "{}", issued.text);
    }
    app.state.clock.set("2027-01-04T10:00:00Z".parse().expect("date"));
    let body = &released(&app, "attestations_issued", "2026-Q4").await;
    assert_eq!(by(body, "wallonie", "attestation_kind", "pathway")["count"], 6);
    assert_eq!(by(body, "wallonie", "french_hours", "400h+")["count"], 6);
    assert_eq!(by(body, "wallonie", "french_hours", "200-399h")["count"], 0);
    assert_eq!(by(body, "wallonie", "citizenship_hours", "60h+")["count"], 6);
    assert_eq!(by(body, "wallonie", "orientation_hours", "4h+")["count"], 6);
    assert_eq!(by(body, "62063", "french_hours", "400h+")["count"], 6);
}
