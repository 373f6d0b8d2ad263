//! The OpenAPI contract: built from the same route registration as the app (`handlers::configure`), so
//! that the spec cannot describe a route that does not exist. `parcours openapi` writes it;
//! `openapi/openapi.json` is committed and a test fails when it drifts.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Metadata, tags and the security scheme; paths and schemas come from the registered handlers.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Parcours API",
        description = "Parcours d'intégration des primo-arrivants en Wallonie: commune intake, explained and \
legally cited determinations, reference data. Errors are RFC 9457 problem+json (French by default, English with \
Accept-Language: en). Authentication: `Authorization: Bearer <JWT>` (see the `bearer` security scheme).",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    servers((url = "/", description = "The server that serves this contract (each deployment serves it at /openapi.json)")),
    modifiers(&BearerSecurity),
    tags(
        (name = "arrivals", description = "Communes report newcomers; Parcours decides, routes and opens the case"),
        (name = "determinations", description = "Stateless determinations and re-evaluations"),
        (name = "persons", description = "What the competent CRI may read about a person: determinations, identity history, conflicts, corrections, duplicates and merges"),
        (name = "cases", description = "CRI case management: welcome module, convention, follow-up, deadlines, transfers"),
        (name = "operators", description = "Training operators recognised for the French, citizenship and orientation axes"),
        (name = "courses", description = "Course catalogue, enrolment, participants, attendance (JSON or CSV), participant inquiry"),
        (name = "attestations", description = "Attestations de fréquentation: issue, print, correct, revoke; verification by anyone, online or offline"),
        (name = "events", description = "Event feed per organisation (cursor, at-least-once, ordered per case)"),
        (name = "sandbox", description = "`PARCOURS_ENV=sandbox` only: demo data at the first start, and a clock each organisation moves forward for itself to rehearse a pathway's years in minutes (`docs/sandbox.md`)"),
        (name = "webhooks", description = "The event feed pushed to the subscriber's receiver: Standard Webhooks signatures (`v1` HMAC-SHA256, `v1a` Ed25519) over CloudEvents 1.0 bodies, retried over about three days, with a delivery log and replay; the contract's `webhooks` section lists every event type"),
        (name = "reference", description = "CRIs, communes and their CRI over time"),
        (name = "parameters", description = "The law's open quantities: values in force, their history, the Region's new values and the cases they would change"),
        (name = "reminders", description = "Reminders before the presentation and completion deadlines: the CRI's work list, the letter, its dispatch"),
        (name = "non-compliance", description = "Breaches of the obligation found by the detection job or reported by the CRI, the places offered, and the CRI's review: excused, or handed to the Region when every precondition of a fine holds (CWASS art. 152/8)"),
        (name = "sanctions", description = "The sanction procedure for the Region's sanctioning officials (role sanctions_officer): notice, observations, a decision drafted and signed by two officials, notification, appeal, payment or closure; the notice, the decision and the evidence file as PDF"),
        (name = "privacy", description = "Data protection: the person's requests (access package, rectification, restriction, erasure) handled by the competent CRI within their deadline; legal holds; the retention review's erasure batches that the Region's data protection officer decides (role privacy_officer)"),
        (name = "statistics", description = "Published statistics that never expose a person: a fixed catalogue of tables, one release per closed quarter or year with counts from 1 to 4 suppressed (and enough others that none can be recovered), read by the Region for Wallonia, by a CRI for its territory and by a commune for itself, as JSON, CSV or SVG"),
        (name = "welcome-office", description = "The welcome office (bureau d'accueil): the CRI's offices, appointment slots and appointments (booked, moved, cancelled, attended or no-show: an attended appointment records the welcome-module step on the case), collective sessions on rights and duties, interpreting requests (SETIS wallon), the invitation letter and the office's day as iCalendar"),
        (name = "local-integration", description = "The CRIs' other decree missions (CWASS art. 153): local integration initiatives (ILI, tokens `ili:<enterprise number>`, role `ili_agent`) and the Region's calls for projects — application and versions, the competent CRI's opinion before the call's deadline, the Region's decision, support visits, reports, evaluation, the project feed — and the local coordination plans and platforms with their meetings, searchable per commune"),
        (name = "practitioner-training", description = "The training of the sector's practitioners: themes, cycles and modules, registrations with a waiting list, attendance per session day, the participation certificate (PDF) and the yearly count of practitioners trained per theme"),
        (name = "health", description = "Probes")
    )
)]
pub struct ApiDoc;

struct BearerSecurity;

/// The claims a token carries, with the organisation kinds and roles as the code knows them (so that the
/// contract cannot fall behind a new kind or role).
fn token_claims() -> String {
    format!(
        "Claims: sub, iss, aud, exp (required); org, one of {}; roles, among {}.",
        backticked(&crate::auth::ORGANISATION_FORMS),
        backticked(&crate::auth::roles::ALL)
    )
}

/// Each as code (Swagger UI reads descriptions as Markdown, where `<NIS>` would be taken for an HTML tag).
fn backticked(items: &[&str]) -> String {
    items.iter().map(|item| format!("`{item}`")).collect::<Vec<_>>().join(", ")
}

/// The contract as published: [`declare_public_operations`], [`declare_created_locations`] and
/// [`declare_value_lists`].
pub fn finish(api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    declare_problem_examples(declare_webhooks(declare_common_answers(declare_value_lists(declare_created_locations(
        declare_public_operations(api),
    )))))
}

/// Every problem answer of the contract shows an example of its own: its status, and the code its
/// description names first (`` `slot_taken` ``) or the usual one of the status, rendered by the very
/// [`crate::problem::ApiError`] the server answers with, its `instance` the operation's path. Generators
/// and readers see a 404 that is a 404, not the one 422 example of the `Problem` schema everywhere.
pub fn declare_problem_examples(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::RefOr;
    for (path, item) in api.paths.paths.iter_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            for (status, response) in operation.responses.responses.iter_mut() {
                let RefOr::T(response) = response else { continue };
                let description = response.description.clone();
                let Some(content) = response.content.get_mut("application/problem+json") else { continue };
                let Ok(status) = status.parse::<u16>() else { continue };
                if content.example.is_none() {
                    content.example = Some(problem_example(status, &description, path));
                }
            }
        }
    }
    api
}

/// A problem as the server writes it for `status`, with the code `description` names when it names one.
fn problem_example(status: u16, description: &str, path: &str) -> serde_json::Value {
    use crate::problem::{ApiError, FieldError, Lang, Text};
    let mentions = |word: &str| description.to_lowercase().contains(word);
    let error = match status {
        400 if mentions("idempotency") => ApiError::IdempotencyKeyRequired,
        400 if mentions("body") || mentions("json") => {
            ApiError::MalformedJson("expected value at line 1 column 1".into())
        }
        400 => ApiError::BadParameter(vec![FieldError::new(
            "limit",
            "out_of_range",
            "Entre 1 et 200.",
            "Between 1 and 200.",
        )]),
        401 => ApiError::Unauthorized(Text::new("Le jeton a expiré.", "The token has expired.")),
        403 => ApiError::Forbidden(Text::new(
            "Cette opération exige le rôle cri_agent.",
            "This operation requires the cri_agent role.",
        )),
        404 => ApiError::NotFound,
        412 => ApiError::PreconditionFailed(7),
        413 => ApiError::PayloadTooLarge(1_048_576),
        415 => ApiError::UnsupportedMediaType("text/plain".into()),
        428 => ApiError::PreconditionRequired,
        429 => ApiError::TooManyRequests(12),
        503 => ApiError::Unavailable("database".into()),
        409 => ApiError::Conflict("illegal_transition", Text::new(description, description)),
        _ => ApiError::Validation(vec![FieldError::new(
            "date",
            "date_in_future",
            "La date ne peut pas être dans le futur.",
            "The date cannot be in the future.",
        )]),
    };
    let mut problem =
        error.problem(Lang::Fr, Some(path.to_owned()), Some("01a20c77-5f31-711c-8c3e-3aee16ad81bd".into()));
    // The code a 409 or 422 description names first, when it names one as the answer (not "for example").
    let mut parts = description.split('`');
    let before = parts.next().unwrap_or_default().to_lowercase();
    let named = parts
        .next()
        .filter(|code| code.len() > 3 && code.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .filter(|_| matches!(status, 409 | 422) && !before.contains("for example") && !before.contains("e.g."));
    if let Some(code) = named.filter(|code| *code != problem.code) {
        problem.code = code.to_owned();
        problem.problem_type = format!("urn:parcours:problem:{code}");
        problem.detail = description.split(": ").last().unwrap_or(description).trim_end_matches('.').to_owned() + ".";
        if status == 422 {
            problem.errors.clear();
        }
    }
    serde_json::to_value(&problem).unwrap_or_default()
}

/// The answers the middleware and the extractors give on any operation, declared once here: 429 (rate
/// limits: every path but the probes and `/metrics`); on an operation with a body, 400 for a body that is not
/// what its `Content-Type` says, 415 for a `Content-Type` the operation does not take and 422 for a body of
/// another shape; on an operation with path or query parameters, 400 for one that cannot be read.
pub fn declare_common_answers(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let problem = |description: &str| {
        ResponseBuilder::new().description(description).content(
            "application/problem+json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
        )
    };
    for (path, item) in api.paths.paths.iter_mut() {
        let limited = !path.starts_with("/health/") && path != "/metrics";
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            let answers = &mut operation.responses.responses;
            if limited {
                answers.entry("429".to_owned()).or_insert_with(|| {
                    let retry_after = HeaderBuilder::new()
                        .schema(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)))
                        .description(Some("Seconds to wait before the next request"))
                        .build();
                    RefOr::T(
                        problem("Too many requests from this token or this address (`too_many_requests`)")
                            .header("Retry-After", retry_after)
                            .build(),
                    )
                });
            }
            if operation.request_body.is_some() {
                answers.entry("400".to_owned()).or_insert_with(|| {
                    RefOr::T(problem("The body is not what its `Content-Type` says (`malformed_json`)").build())
                });
                answers.entry("415".to_owned()).or_insert_with(|| {
                    RefOr::T(
                        problem("A `Content-Type` this operation does not take (`unsupported_media_type`)").build(),
                    )
                });
                answers.entry("422".to_owned()).or_insert_with(|| {
                    RefOr::T(
                        problem(
                            "The body is not a request of this operation (`validation_failed`: a field missing or of \
                             the wrong type, a value refused), every field in `errors`",
                        )
                        .build(),
                    )
                });
            }
            // Every token is checked for its role and for its organisation being in force (a merged commune's
            // old code): any operation that takes one may answer 403.
            let needs_token = operation.security.as_ref().is_some_and(|requirements| {
                requirements.iter().any(|r| *r != utoipa::openapi::security::SecurityRequirement::default())
            });
            if needs_token {
                answers.entry("403".to_owned()).or_insert_with(|| {
                    RefOr::T(
                        problem(
                            "A token that may not do this (`forbidden`: another role or organisation, or a commune \
                             code no longer in force)",
                        )
                        .build(),
                    )
                });
            }
            let reads_parameters = operation
                .parameters
                .iter()
                .flatten()
                .any(|parameter| matches!(parameter.parameter_in, ParameterIn::Path | ParameterIn::Query));
            if reads_parameters {
                answers.entry("400".to_owned()).or_insert_with(|| {
                    RefOr::T(
                        problem(
                            "A path or query parameter that cannot be read (`invalid_parameter`: a control \
                             character, a value of the wrong type or outside its list)",
                        )
                        .build(),
                    )
                });
            }
        }
    }
    api
}

/// The value lists of fields that travel as strings, from the domain's own lists (the codes the server
/// writes and parses), by schema and property.
pub fn value_lists() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    use parcours_domain::attestation::AttestationStatus;
    use parcours_domain::case::{CaseState, InterpretingMode};
    use parcours_domain::local_coordination::CoordinationKind;
    use parcours_domain::local_integration::{ProjectEventKind, ProjectStatus};
    use parcours_domain::operator::{AttendanceStatus, EnrolmentStatus};
    use parcours_domain::practitioner_training::RegistrationStatus;
    use parcours_domain::regime::Axis;
    use parcours_domain::reminders::ReminderChannel;
    use parcours_domain::simulation::DeadlineShift;
    use parcours_domain::webhooks::{DeliveryStatus, SignatureScheme, SubscriptionStatus};
    use parcours_domain::welcome_office::{AppointmentKind, AppointmentStatus, InterpretingStatus};
    let axes: Vec<&str> = Axis::ALL.iter().map(|a| a.code()).collect();
    let mut lists = Vec::new();
    for schema in [
        "AxisProgress",
        "AttestedAxisDto",
        "AxisRequirementDto",
        "CourseDto",
        "CourseRequest",
        "HoursRequest",
        "InquiryAxis",
    ] {
        lists.push((schema, "axis", axes.clone()));
    }
    lists.push(("CaseResponse", "state", CaseState::ALL.iter().map(|s| s.code()).collect()));
    for schema in ["EnrolmentDto", "ParticipantDto"] {
        lists.push((schema, "status", EnrolmentStatus::ALL.iter().map(|s| s.code()).collect()));
    }
    for schema in ["InterpretingDto", "InterpretingRequest"] {
        lists.push((schema, "mode", InterpretingMode::ALL.iter().map(|m| m.code()).collect()));
    }
    lists.push(("InterpretingDto", "status", InterpretingStatus::ALL.iter().map(|s| s.code()).collect()));
    lists.push(("AppointmentDto", "status", AppointmentStatus::ALL.iter().map(|s| s.code()).collect()));
    for schema in ["SlotDto", "SlotRequest"] {
        lists.push((schema, "kind", AppointmentKind::ALL.iter().map(|k| k.code()).collect()));
    }
    lists.push(("ReminderDto", "channel", ReminderChannel::ALL.iter().map(|c| c.code()).collect()));
    lists.push(("ProjectDto", "status", ProjectStatus::ALL.iter().map(|s| s.code()).collect()));
    lists.push(("CoordinationBodyRequest", "kind", CoordinationKind::ALL.iter().map(|k| k.code()).collect()));
    lists.push(("TrainingRegistrationDto", "status", RegistrationStatus::ALL.iter().map(|s| s.code()).collect()));
    for schema in ["AttendanceRow", "AttendanceVersion"] {
        lists.push((schema, "status", AttendanceStatus::ALL.iter().map(|s| s.code()).collect()));
    }
    lists.push(("AttestationDto", "status", AttestationStatus::ALL.iter().map(|s| s.code()).collect()));
    lists.push(("ProjectStepDto", "type", ProjectEventKind::ALL.iter().map(|k| k.code()).collect()));
    lists.push(("SimulationCellDto", "shift", DeadlineShift::ALL.iter().map(|s| s.code()).collect()));
    lists.push(("WebhookDeliveryDto", "status", DeliveryStatus::ALL.iter().map(|s| s.code()).collect()));
    for schema in ["WebhookSubscriptionDto", "WebhookStatusRequest"] {
        lists.push((schema, "status", SubscriptionStatus::ALL.iter().map(|s| s.code()).collect()));
    }
    for schema in ["WebhookSubscriptionDto", "WebhookSubscriptionRequest"] {
        lists.push((schema, "signature_scheme", SignatureScheme::ALL.iter().map(|s| s.code()).collect()));
    }
    // Lists the domain keeps as matches rather than as types: written here once, each checked against the
    // code that reads or writes it by the contract test `every_listed_value_is_one_the_code_knows`.
    for schema in ["ArrivalRequest", "IdentityUpdateRequest", "WalkInRequest"] {
        lists.push((schema, "sex", vec!["male", "female", "unknown"]));
    }
    for schema in ["CurrentIdentity", "IdentityDto"] {
        lists.push((schema, "sex", vec!["male", "female"]));
    }
    for schema in ["ArrivalRequest", "WalkInRequest"] {
        lists.push((schema, "family_link", vec!["ue_plus_citizen", "mobile_belgian", "non_mobile_belgian"]));
        lists.push((
            schema,
            "residence_document",
            vec![
                "A",
                "B",
                "K",
                "C",
                "L",
                "D",
                "EU",
                "E",
                "EU+",
                "E+",
                "F",
                "F+",
                "H",
                "I",
                "J",
                "M",
                "N",
                "attestation_immatriculation",
                "annexe_15",
                "special_identity_card",
            ],
        ));
    }
    lists.push(("AttestationContent", "kind", vec!["pathway", "welcome_module"]));
    lists.push(("AttestedAxisDto", "outcome", vec!["met", "waived", "not_required"]));
    lists.push(("AxisRequirementDto", "obligation", vec!["voluntary", "if_needed", "always"]));
    lists.push((
        "ChangeDto",
        "change",
        vec!["status", "regime", "deadline", "hours", "reason_added", "reason_removed"],
    ));
    lists.push((
        "ClosureRequest",
        "reason",
        vec![
            "moved_out_of_region",
            "left_belgium",
            "deceased",
            "became_belgian",
            "withdrew_voluntary",
            "duplicate_record",
        ],
    ));
    lists.push(("CommuneDto", "language_region", vec!["fr", "de"]));
    for schema in ["ConventionRequest", "ConventionAmendmentRequest"] {
        lists.push((schema, "french", vec!["required", "waived"]));
    }
    lists.push(("CriAssignmentDto", "status", vec!["confirmed", "derived", "corrected"]));
    lists.push(("DeterminationDto", "cri_assignment_status", vec!["confirmed", "derived", "corrected"]));
    lists.push(("DataRequestDto", "status", vec!["open", "decided"]));
    lists.push(("DeadlineDto", "start_basis", vec!["first_registration", "title_order"]));
    lists.push(("DeadlineNow", "kind", vec!["present_by", "complete_by", "latest_extension"]));
    lists.push(("ErasureBatchDto", "status", vec!["proposed", "approved", "rejected", "executed"]));
    lists.push(("Health", "database", vec!["sqlite", "postgres"]));
    lists.push(("HeldBy", "status", vec!["booked", "attended", "no_show"]));
    lists.push(("InterpretingStatusChange", "status", vec!["confirmed", "done", "cancelled"]));
    lists.push((
        "NonComplianceDto",
        "excuse",
        vec!["force_majeure", "pending_dispensation_claim", "unrecorded_suspension"],
    ));
    lists.push((
        "OpeningHoursDto",
        "weekday",
        vec!["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    ));
    lists.push(("OutcomeRequest", "outcome", vec!["attended", "no_show"]));
    lists.push(("ParameterVersionDto", "origin", vec!["built_in", "region"]));
    lists.push(("PublishedKey", "status", vec!["current", "retired"]));
    lists.push(("ReasonDto", "effect", vec!["not_concerned", "exempt", "dispensed", "obliged", "information"]));
    lists.push(("RightsInformationRequest", "format", vec!["individual", "collective"]));
    lists.push(("SessionEnrolmentDto", "status", vec!["enrolled", "attended", "absent"]));
    lists.push(("SimulationDto", "status", vec!["queued", "running", "done", "failed"]));
    lists.push(("SkippedPerson", "reason", vec!["kept", "legal_hold", "sanction_procedure_open", "already_erased"]));
    lists.push((
        "StatisticsCellDto",
        "territory_level",
        vec!["commune", "arrondissement", "province", "cri", "region"],
    ));
    lists.push(("SuspensionRequest", "reason", vec!["no_course_place", "illness", "pregnancy", "force_majeure"]));
    for schema in ["TrainingDto", "TrainingRequest"] {
        lists.push((schema, "kind", vec!["cycle", "module"]));
    }
    lists.push(("VerificationAnswer", "status", vec!["valid", "revoked", "superseded", "unknown"]));
    lists.push(("WebhookSubscriptionDto", "disabled_reason", vec!["by_subscriber", "gone", "target_refused"]));
    lists
}

/// The query parameters that take a fixed list: (operation id, parameter, values).
pub fn parameter_value_lists() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    use parcours_domain::case::CaseState;
    use parcours_domain::local_integration::ProjectStatus;
    use parcours_domain::regime::Axis;
    use parcours_domain::webhooks::DeliveryStatus;
    vec![
        ("list_arrivals", "status", vec!["obliged", "dispensed", "exempt", "not_concerned"]),
        ("list_cases", "state", CaseState::ALL.iter().map(|s| s.code()).collect()),
        ("list_courses", "axis", Axis::ALL.iter().map(|a| a.code()).collect()),
        ("list_interpreting_requests", "status", vec!["open", "requested", "confirmed", "done", "cancelled", "all"]),
        ("list_project_applications", "status", ProjectStatus::ALL.iter().map(|s| s.code()).collect()),
        ("get_statistics_release", "format", vec!["json", "csv", "svg"]),
        ("get_statistics_release", "separator", vec!["semicolon", "comma"]),
        ("list_webhook_deliveries", "status", DeliveryStatus::ALL.iter().map(|s| s.code()).collect()),
    ]
}

/// Sets each list of [`value_lists`] as the `enum` of its property (with `null` where the property may be
/// null), so that generators emit enumerations instead of free strings.
pub fn declare_value_lists(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{Schema, SchemaType, Type};
    let Some(components) = api.components.as_mut() else { return api };
    for (schema, property, values) in value_lists() {
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(schema) else { continue };
        let Some(RefOr::T(Schema::Object(field))) = object.properties.get_mut(property) else { continue };
        let nullable = matches!(&field.schema_type, SchemaType::Array(types) if types.contains(&Type::Null));
        let mut list: Vec<serde_json::Value> = values.into_iter().map(serde_json::Value::from).collect();
        if nullable {
            list.push(serde_json::Value::Null);
        }
        field.enum_values = Some(list);
    }
    let lists = parameter_value_lists();
    for item in api.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            let id = operation.operation_id.clone().unwrap_or_default();
            for parameter in operation.parameters.iter_mut().flatten() {
                // The preconditions and the key have a form the server checks: said here for generators and
                // fuzzers (an ETag is `"<version>"` or `"<version>-<digest>"`).
                let pattern = match parameter.name.as_str() {
                    "If-Match" | "If-None-Match" => Some(r#"^(W/)?"[0-9]+(-[0-9a-f]{16})?"$"#),
                    "Idempotency-Key" => Some("^[!-~]{1,255}$"),
                    _ => None,
                };
                let values = lists.iter().find(|(op, name, _)| *op == id && *name == parameter.name);
                let Some(RefOr::T(Schema::Object(schema))) = parameter.schema.as_mut() else { continue };
                if let Some(pattern) = pattern {
                    schema.pattern = Some(pattern.to_owned());
                }
                if let Some((_, _, values)) = values {
                    schema.enum_values = Some(values.iter().map(|v| serde_json::Value::from(*v)).collect());
                }
            }
        }
    }
    api
}

/// Every `201` carries `Location` (the API test client refuses a 201 without one), so every `201` of the
/// contract declares the header instead of each annotation repeating it.
pub fn declare_created_locations(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    for item in api.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            if let Some(RefOr::T(created)) = operation.responses.responses.get_mut("201") {
                created.headers.entry("Location".to_owned()).or_insert_with(|| {
                    HeaderBuilder::new()
                        .schema(
                            ObjectBuilder::new()
                                .schema_type(Type::String)
                                .format(Some(utoipa::openapi::SchemaFormat::Custom("uri-reference".to_owned()))),
                        )
                        .description(Some(
                            "Where what was created is read (also on a replay with the same `Idempotency-Key`)",
                        ))
                        .build()
                });
            }
        }
    }
    api
}

/// Operations whose annotation says they need no token (`security(())`) say so as `security: []`, which
/// generators and linters read as "public" rather than "not documented"; the contract has no global
/// requirement to inherit from.
pub fn declare_public_operations(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::security::SecurityRequirement;
    for item in api.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            // `security(())` in a handler's annotation gives `[{}]`. An operation without any annotation is
            // left as it is, so that the contract test catches it instead of calling it public.
            if let Some(requirements) = &mut operation.security
                && !requirements.is_empty()
                && requirements.iter().all(|r| *r == SecurityRequirement::default())
            {
                requirements.clear();
            }
        }
    }
    api
}

impl Modify for BearerSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(token_claims()))
                    .build(),
            ),
        );
    }
}

/// The `webhooks` section (OpenAPI 3.1): one entry per event type a subscriber can receive, named by its
/// CloudEvents `type`, with the headers of the Standard Webhooks specification and the body's schema. The
/// envelopes' schemas are added to the components (no path refers to them).
pub fn declare_webhooks(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use parcours_domain::events::Audience;
    use parcours_domain::webhooks::{cloud_event_type, event_types_for};
    use utoipa::PartialSchema;
    let components = api.components.get_or_insert_with(Default::default);
    for (name, schema) in [
        ("WebhookCaseEvent", crate::webhooks::WebhookCaseEvent::schema()),
        ("WebhookNoticeEvent", crate::webhooks::WebhookNoticeEvent::schema()),
        ("WebhookCaseData", crate::webhooks::WebhookCaseData::schema()),
        ("WebhookNoticeData", crate::webhooks::WebhookNoticeData::schema()),
    ] {
        components.schemas.insert(name.to_owned(), schema);
    }
    let header = |name: &str, description: &str| {
        serde_json::json!({"name": name, "in": "header", "required": true, "description": description,
            "schema": {"type": "string"}})
    };
    let parameters = serde_json::json!([
        header("webhook-id", "The event's id: the same at every attempt (drop an id you already processed)."),
        header(
            "webhook-timestamp",
            "Seconds since 1970 (UTC) of this attempt: refuse one far from your clock (5 minutes)."
        ),
        header(
            "webhook-signature",
            "Space-separated `v1,<base64 HMAC-SHA256>` or `v1a,<base64 Ed25519>` signatures of `webhook-id.webhook-timestamp.body` (the bytes received); two during a secret rotation: accept if one verifies."
        )
    ]);
    let mut webhooks = serde_json::Map::new();
    let audiences =
        [(Audience::Cri, "WebhookCaseEvent", "CRI"), (Audience::Commune, "WebhookNoticeEvent", "commune or CPAS")];
    for (audience, schema, readers) in audiences {
        for code in event_types_for(audience) {
            let name = cloud_event_type(audience, code);
            let summary = match audience {
                Audience::Cri => parcours_domain::events::EventKind::ALL
                    .iter()
                    .find(|kind| kind.code() == code)
                    .map(|kind| {
                        let sanctions = if kind.audiences().contains(&Audience::Sanctions) {
                            " (also to the sanctioning officials)"
                        } else {
                            ""
                        };
                        let text = kind.description();
                        format!("{} — {}{sanctions}", text.fr, text.en)
                    })
                    .unwrap_or_default(),
                _ => format!("Notice to the {readers}: {code}"),
            };
            webhooks.insert(
                name.clone(),
                serde_json::json!({"post": {
                    "operationId": format!("webhook_{}", name.replace('.', "_")),
                    "summary": summary,
                    "description": format!("Delivered to the {readers} subscriptions whose `event_types` include `{code}` (or are empty)."),
                    "tags": ["webhooks"],
                    // Authenticated by its signature (the headers above), not by a token.
                    "security": [],
                    "parameters": parameters,
                    "requestBody": {"required": true, "content": {"application/cloudevents+json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
                    "responses": {
                        "200": {"description": "Received (any 2xx): not sent again"},
                        "410": {"description": "Gone: the subscription is disabled"},
                        "429": {"description": "Too many: tried again after `Retry-After` (at most a day) or on the schedule"},
                        "500": {"description": "Any other answer, a timeout or a redirect: tried again on the schedule (about three days)"}
                    }
                }}),
            );
        }
    }
    api.extensions
        .get_or_insert_with(Default::default)
        .insert("webhooks".to_owned(), serde_json::Value::Object(webhooks));
    api
}
