//! The sandbox's start (`PARCOURS_ENV=sandbox`): on an empty database, demo data made through the API's
//! own endpoints, exactly as integrators' software would make it (so it is never out of step with the
//! rules), then the mark that makes the database a sandbox's. A sandbox refuses a database that holds
//! people without the mark, and the other modes refuse one with it, so that demo data and real data never
//! meet. Every person is fictitious; `docs/sandbox.md` lists them.

use std::rc::Rc;

use actix_web::dev::Service;
use actix_web::http::Method;
use actix_web::test::{TestRequest, init_service, try_read_body};
use actix_web::web;
use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

use crate::config::Environment;
use crate::state::AppState;

/// What the demo data holds, for the start-up message (identifiers only, never a name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoData {
    /// The two operators' ids: their tokens carry `operator:<id>`.
    pub operators: Vec<String>,
    /// The cases' references (empty for a person without a case), with their stage.
    pub cases: Vec<(String, String)>,
    /// Whether this start made it (false: it was there already).
    pub made_now: bool,
}

/// Where the database stands against the mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// Not a sandbox, and not a sandbox's database: nothing to do.
    NotSandbox,
    /// A sandbox on an empty database: the demo data is to be made (by `serve`).
    EmptySandbox,
    /// A sandbox on its own database.
    Sandbox,
}

/// Refuses a sandbox's database outside the sandbox and a database with people but without the mark in it.
pub fn check_database(state: &AppState) -> Result<Readiness, String> {
    let mut conn = state.store.conn().map_err(|e| format!("database: {e}"))?;
    let sandbox_database = parcours_store::sandbox_clocks::is_sandbox(&mut conn).map_err(|e| e.to_string())?;
    match (state.config.environment == Environment::Sandbox, sandbox_database) {
        (false, true) => Err("this database is a sandbox's (demo data, moved clocks): start it with \
             PARCOURS_ENV=sandbox, or give another PARCOURS_DATABASE_URL"
            .into()),
        (false, false) => Ok(Readiness::NotSandbox),
        (true, true) => Ok(Readiness::Sandbox),
        (true, false) if parcours_store::sandbox_clocks::holds_people(&mut conn).map_err(|e| e.to_string())? => {
            Err("PARCOURS_ENV=sandbox refuses a database that already holds people and is not a sandbox's: give it an \
             empty database (PARCOURS_DATABASE_URL=sqlite://var/sandbox.sqlite3)"
                .into())
        }
        (true, false) => Ok(Readiness::EmptySandbox),
    }
}

/// Checks the database against the mode, and in the sandbox makes the demo data on an empty database and
/// loads every organisation's clock. Called by `serve` before it listens.
pub async fn prepare(state: &web::Data<AppState>) -> Result<Option<DemoData>, String> {
    let readiness = check_database(state)?;
    if readiness == Readiness::NotSandbox {
        return Ok(None);
    }
    let mut conn = state.store.conn().map_err(|e| format!("database: {e}"))?;
    if readiness == Readiness::EmptySandbox {
        drop(conn);
        let mut demo = make_demo_data(state).await?;
        let mut conn = state.store.conn().map_err(|e| format!("database: {e}"))?;
        parcours_store::sandbox_clocks::mark(&mut conn, state.clock.shared_instant().naive_utc())
            .map_err(|e| e.to_string())?;
        demo.made_now = true;
        return Ok(Some(demo));
    }
    for clock in parcours_store::sandbox_clocks::all(&mut conn).map_err(|e| e.to_string())? {
        state.clock.set_days_ahead_for(&clock.organisation, i64::from(clock.offset_days));
    }
    let numbers: Vec<String> = DEMO_OPERATORS.iter().map(|(_, number)| (*number).to_owned()).collect();
    let mut operators =
        parcours_store::operators::ids_by_enterprise_numbers(&mut conn, &numbers).map_err(|e| e.to_string())?;
    operators.sort();
    Ok(Some(DemoData {
        operators: operators.into_iter().map(|(_, id)| id).collect(),
        cases: Vec::new(),
        made_now: false,
    }))
}

/// The demo operators: name and enterprise number.
const DEMO_OPERATORS: [(&str, &str); 2] = [
    ("Institut de promotion sociale de Liège (démo)", "0207.123.407"),
    ("Lire et Écrire Liège (démo)", "0410.567.841"),
];

/// A valid national number for a birth date `yymmdd` (1900s) and a sequence (odd: a man, even: a woman).
fn niss(yymmdd: &str, sequence: u32) -> String {
    let base = format!("{yymmdd}{sequence:03}");
    let value: u64 = base.parse().unwrap_or(0);
    format!("{base}{:02}", 97 - value % 97)
}

struct Person {
    stage: &'static str,
    commune: &'static str,
    surname: &'static str,
    given_names: &'static str,
    birth: &'static str,
    sequence: u32,
    sex: &'static str,
    nationality: &'static str,
    document: &'static str,
    /// Days before today the title was ordered (and the person first registered, and legally arrived).
    ordered_days_ago: i64,
    volunteer: bool,
}

const PEOPLE: [Person; 7] = [
    Person {
        stage: "opened: awaiting presentation at the welcome office",
        commune: "62063",
        surname: "Benali",
        given_names: "Amina",
        birth: "920314",
        sequence: 2,
        sex: "female",
        nationality: "MAR",
        document: "B",
        ordered_days_ago: 5,
        volunteer: false,
    },
    Person {
        stage: "opened: presentation deadline passed (reminders, non-compliance)",
        commune: "62063",
        surname: "Haddad",
        given_names: "Samir",
        birth: "881102",
        sequence: 3,
        sex: "male",
        nationality: "SYR",
        document: "B",
        ordered_days_ago: 150,
        volunteer: false,
    },
    Person {
        stage: "convention signed, enrolled in a French course, attendance reported",
        commune: "62063",
        surname: "Karimi",
        given_names: "Ahmed",
        birth: "950721",
        sequence: 5,
        sex: "male",
        nationality: "AFG",
        document: "B",
        ordered_days_ago: 60,
        volunteer: false,
    },
    Person {
        stage: "requirements met, attestation issued",
        commune: "62063",
        surname: "Diallo",
        given_names: "Fatou",
        birth: "910130",
        sequence: 4,
        sex: "female",
        nationality: "SEN",
        document: "B",
        ordered_days_ago: 300,
        volunteer: false,
    },
    Person {
        stage: "dispensed (Turkish national), voluntary case on request",
        commune: "62063",
        surname: "Demir",
        given_names: "Yusuf",
        birth: "900909",
        sequence: 7,
        sex: "male",
        nationality: "TUR",
        document: "B",
        ordered_days_ago: 20,
        volunteer: true,
    },
    Person {
        stage: "exempt (EU citizen)",
        commune: "62063",
        surname: "García",
        given_names: "Lucía",
        birth: "930418",
        sequence: 6,
        sex: "female",
        nationality: "ESP",
        document: "EU",
        ordered_days_ago: 15,
        volunteer: false,
    },
    Person {
        stage: "opened at CRIC (Charleroi)",
        commune: "52011",
        surname: "Mukendi",
        given_names: "Grace",
        birth: "941205",
        sequence: 8,
        sex: "female",
        nationality: "COD",
        document: "B",
        ordered_days_ago: 10,
        volunteer: false,
    },
];

/// The demo data, made by calling the API in process with tokens of each organisation.
async fn make_demo_data(state: &web::Data<AppState>) -> Result<DemoData, String> {
    let app = Rc::new(init_service(crate::app::build_app(state.clone())).await);
    let config = state.config.clone();
    let token = |organisation: &str, role: &str| {
        crate::auth::mint(&config, "sandbox:demo-data", organisation, &[role.to_owned()], 3600)
    };
    let send =
        |method: Method, path: String, token: String, body: Option<Value>, headers: Vec<(&'static str, String)>| {
            let app = Rc::clone(&app);
            async move {
                let mut request = TestRequest::default()
                    .method(method.clone())
                    .uri(&path)
                    .insert_header(("Authorization", format!("Bearer {token}")));
                for header in headers {
                    request = request.insert_header(header);
                }
                if let Some(body) = body {
                    request = request.set_json(body);
                }
                let response = app.call(request.to_request()).await.map_err(|e| format!("{method} {path}: {e}"))?;
                let status = response.status();
                let bytes = try_read_body(response.map_into_boxed_body())
                    .await
                    .map_err(|_| format!("{method} {path}: body"))?;
                if !status.is_success() {
                    // The answer of a refused demo request: codes and field names, never personal data.
                    return Err(format!("{method} {path} answered {status}: {}", String::from_utf8_lossy(&bytes)));
                }
                Ok::<Value, String>(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
            }
        };
    let today = state.clock.today();
    let date = |days_ago: i64| (today - Duration::days(days_ago)).to_string();
    let region = token("region:SPW", "region_admin")?;
    let mut demo = DemoData::default();

    // The CRIs' letterheads (printed on letters and attestations).
    for (cri, address, signatory) in [
        ("CRIPEL", "Place Xavier Neujean 19b\n4000 Liège", "Marie Dupont"),
        ("CRIC", "Rue Hublou 1\n6000 Charleroi", "Jean Lambert"),
    ] {
        let body = json!({"office_address": address, "signatory_name": signatory, "signatory_function": "Direction"});
        send(Method::PUT, "/v1/cri-settings".into(), token(&format!("cri:{cri}"), "cri_agent")?, Some(body), vec![])
            .await?;
    }

    // Two operators with a course each, in Liège.
    let mut courses = Vec::new();
    for ((name, number), course) in DEMO_OPERATORS
        .iter()
        .zip([("Français A1 - soir", "french", Some("A1")), ("Citoyenneté - module 1", "citizenship", None)])
    {
        let body = json!({"name": name, "enterprise_number": number, "axes": ["french", "citizenship"],
            "cri_territories": ["CRIPEL", "CRIC"]});
        let operator = send(Method::POST, "/v1/operators".into(), region.clone(), Some(body), vec![]).await?;
        let id = operator["id"].as_str().ok_or("operator without id")?.to_owned();
        let operator_token = token(&format!("operator:{id}"), "operator_agent")?;
        let sessions: Vec<Value> = [7, 9, 14, 16]
            .iter()
            .map(|days| json!({"date": (today + Duration::days(*days)).to_string(), "start": "18:00", "end": "21:00"}))
            .collect();
        let (title, axis, level) = course;
        let body = json!({"title": title, "axis": axis, "level": level, "instruction_language": "fr",
            "commune_nis": "62063", "address": "Rue des Écoles 1, 4000 Liège", "capacity": 15, "sessions": sessions});
        let created = send(Method::POST, "/v1/courses".into(), operator_token.clone(), Some(body), vec![]).await?;
        let course_id = created["id"].as_str().ok_or("course without id")?.to_owned();
        let first_session = created["sessions"][0]["id"].as_str().ok_or("course without sessions")?.to_owned();
        courses.push((course_id, first_session, operator_token));
        demo.operators.push(id);
    }

    for person in &PEOPLE {
        let body = json!({
            "niss": niss(person.birth, person.sequence),
            "surname": person.surname,
            "given_names": person.given_names,
            "birth_date": NaiveDate::parse_from_str(&format!("19{}", person.birth), "%Y%m%d")
                .map_err(|e| e.to_string())?.to_string(),
            "sex": person.sex,
            "nationality": person.nationality,
            "residence_document": person.document,
            "title_order_date": date(person.ordered_days_ago),
            "first_registration_date": date(person.ordered_days_ago),
            "legal_stay_start": date(person.ordered_days_ago + 10),
            "domicile_nis": person.commune,
            "volunteer_request": person.volunteer,
            "contact": {"email": format!("demo-{}@example.org", person.sequence), "language": "fr"}
        });
        let commune = token(&format!("commune:{}", person.commune), "commune_agent")?;
        let key = vec![("Idempotency-Key", format!("sandbox-demo-{}", person.sequence))];
        let arrival = send(Method::POST, "/v1/arrivals".into(), commune, Some(body), key).await?;
        let Some(case) = arrival["case"]["id"].as_str().map(str::to_owned) else {
            demo.cases.push((String::new(), person.stage.to_owned()));
            continue;
        };
        let reference = arrival["case"]["reference"].as_str().unwrap_or_default().to_owned();
        demo.cases.push((reference.clone(), person.stage.to_owned()));
        let cri = arrival["case"]["cri"].as_str().unwrap_or("CRIPEL").to_owned();
        let staff = token(&format!("cri:{cri}"), "cri_agent")?;
        let advanced = person.sequence == 5 || person.sequence == 4;
        if !advanced {
            continue;
        }
        let read = send(Method::GET, format!("/v1/cases/{case}"), staff.clone(), None, vec![]).await?;
        let mut version = read["version"].as_i64().ok_or("case without version")?;
        let t = today.to_string();
        let mut steps = vec![
            ("presentation", json!({"date": t})),
            ("rights-information", json!({"date": t, "format": "collective"})),
            ("social-assessment", json!({"date": t, "needs": ["employment"]})),
            ("french-test", json!({"date": t, "tool": "ELAO", "level": "A1"})),
            ("convention", json!({"signed_on": t, "french": "required", "orientation_needed": true})),
        ];
        if person.sequence == 4 {
            for (axis, hours) in [("french", 400.0), ("citizenship", 60.0), ("orientation", 4.0)] {
                steps.push(("hours", json!({"axis": axis, "hours": hours, "date": t})));
            }
            steps.push(("completion", json!({"date": t})));
        }
        for (step, body) in steps {
            let changed = send(
                Method::POST,
                format!("/v1/cases/{case}/{step}"),
                staff.clone(),
                Some(body),
                vec![("If-Match", format!("\"{version}\""))],
            )
            .await?;
            version = changed["version"].as_i64().ok_or("step without version")?;
        }
        if person.sequence == 4 {
            let headers = vec![
                ("If-Match", format!("\"{version}\"")),
                ("Idempotency-Key", "sandbox-demo-attestation".to_owned()),
            ];
            send(Method::POST, format!("/v1/cases/{case}/attestations"), staff.clone(), Some(json!({})), headers)
                .await?;
        } else {
            let (course, session, operator_token) = &courses[0];
            send(
                Method::POST,
                format!("/v1/courses/{course}/enrolments"),
                staff,
                Some(json!({"case_id": case})),
                vec![],
            )
            .await?;
            let rows = json!({"rows": [{"case_reference": reference, "session_id": session, "status": "present", "hours": 3}]});
            let key = vec![("Idempotency-Key", "sandbox-demo-attendance".to_owned())];
            send(Method::POST, format!("/v1/courses/{course}/attendance"), operator_token.clone(), Some(rows), key)
                .await?;
        }
    }
    Ok(demo)
}
