//! Arrivals: a commune reports a newcomer whose residence title of more than three months was ordered.

pub mod create;
pub mod get;
pub mod letter;
pub mod list;

use chrono::{DateTime, Utc};
use parcours_store::arrivals::ArrivalView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::dto::DeterminationDto;
use crate::handlers::persons::IdentityFieldDto;
use crate::problem::ApiError;

/// How to reach the person (kept with the report; given to the CRI with the case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// E-mail address.
    #[validate(email)]
    pub email: Option<String>,
    /// Telephone number.
    #[validate(length(min = 1, max = 40))]
    pub phone: Option<String>,
    /// Street and number.
    #[validate(length(min = 1, max = 200))]
    pub address: Option<String>,
    /// Postal code.
    #[validate(length(min = 4, max = 4))]
    pub postal_code: Option<String>,
    /// Locality.
    #[validate(length(min = 1, max = 100))]
    pub locality: Option<String>,
    /// Language the person understands (ISO 639-1), for the interpreter.
    #[validate(length(min = 2, max = 3))]
    pub language: Option<String>,
}

/// A newcomer reported by a commune.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "niss": "90.05.10-124.46",
    "surname": "El Amrani",
    "given_names": "Samira",
    "birth_date": "1990-05-10",
    "sex": "female",
    "nationality": "MAR",
    "residence_document": "B",
    "title_order_date": "2026-10-15",
    "first_registration_date": "2026-09-01",
    "legal_stay_start": "2026-08-20",
    "domicile_nis": "62063",
    "claimed_dispensations": [],
    "volunteer_request": false,
    "contact": {"email": "samira@example.org", "language": "ar"}
}))]
pub struct ArrivalRequest {
    /// National or BIS number, printed (`90.05.10-123.07`) or bare.
    pub niss: String,
    /// Surname.
    #[validate(length(min = 1, max = 200))]
    pub surname: String,
    /// Given names.
    #[validate(length(min = 1, max = 200))]
    pub given_names: String,
    /// Birth date (`YYYY-MM-DD`); must match the national number when that carries a full date.
    #[schema(format = Date)]
    pub birth_date: String,
    /// `male`, `female` or `unknown`; must match the national number's parity when it carries the sex.
    pub sex: Option<String>,
    /// Nationality, ISO 3166-1 alpha-3.
    pub nationality: String,
    /// Residence document (`A`, `B`, `K`/`C`, `L`/`D`, `EU`/`E`, `EU+`/`E+`, `F`, `F+`, `H`, `I`, `J`, `M`,
    /// `N`, `attestation_immatriculation`, `annexe_15`, `special_identity_card`).
    pub residence_document: Option<String>,
    /// Order (*commande*) of the residence title of more than three months.
    #[schema(format = Date)]
    pub title_order_date: Option<String>,
    /// First registration in a commune of the French-language region.
    #[schema(format = Date)]
    pub first_registration_date: Option<String>,
    /// Start of legal stay in Belgium.
    pub legal_stay_start: Option<String>,
    /// NIS code of the commune of domicile: must be the reporting commune.
    pub domicile_nis: String,
    /// `ue_plus_citizen`, `mobile_belgian` or `non_mobile_belgian`.
    pub family_link: Option<String>,
    /// Dispensations the person invokes (decided later by the CRI).
    #[serde(default)]
    pub claimed_dispensations: Vec<String>,
    /// The person asks to follow the pathway voluntarily.
    #[serde(default)]
    pub volunteer_request: bool,
    /// Contact details.
    #[validate(nested)]
    pub contact: Option<Contact>,
}

/// The person an arrival is about, with the identity as this arrival reported it (a later report by
/// another organisation never changes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PersonSummary {
    /// Person id (the same for every report of the same NISS).
    pub id: String,
    /// NISS, 11 digits, as reported.
    pub niss: String,
    /// Surname, as reported.
    pub surname: String,
    /// Given names, as reported.
    pub given_names: String,
}

/// The report gave another identity than the one known for this national number: it was accepted and
/// kept as made, the known identity was not changed, and the competent CRI resolves the conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IdentityConflictNotice {
    /// The fields that differ (names only: the known values are not disclosed).
    pub fields: Vec<IdentityFieldDto>,
    /// Resolved by the CRI already.
    pub resolved: bool,
    /// What it means, in French and English.
    pub message: crate::dto::Bilingual,
}

/// The case opened (or joined) at the competent CRI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CaseSummary {
    /// Case id.
    pub id: String,
    /// Reference to give the person (`CRIPEL-2026-000042`).
    #[schema(example = "CRIPEL-2026-000042")]
    pub reference: String,
    /// CRI in charge.
    pub cri: String,
    /// Lifecycle state.
    pub state: String,
    /// Obliged (true) or voluntary (false).
    pub obliged: bool,
}

/// An arrival with its determination and case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01a20c77-7b58-7285-ac6a-47f8b353f6bb",
    "reported_at": "2026-11-24T07:31:26.678679Z",
    "commune_nis": "62063",
    "volunteer_request": false,
    "person": {"id": "01a20c77-7b56-746b-9146-5b7ab1935fa8", "niss": "90051012446", "surname": "El Amrani", "given_names": "Samira"},
    "identity_conflict": null,
    "determination": {
        "status": "obliged", "voluntary_participation_open": false, "reference_date": "2026-10-15", "as_of": "2026-11-24",
        "regime": "R2024", "competent_cri": {"code": "CRIPEL", "name": "Centre Régional pour l'Intégration des Personnes Étrangères ou d'origine étrangère de Liège"},
        "cri_assignment_status": "confirmed",
        "deadlines": [{"kind": "present_by", "date": "2026-12-01", "start": "2026-09-01", "start_basis": "first_registration", "months_added": 3, "regime": "R2024",
            "basis": "CWASS art. 152/7 §1", "explanation": {"fr": "2026-09-01 (la première inscription dans une commune de la région de langue française) + 3 mois = 2026-12-01", "en": "2026-09-01 (first registration in a commune of the French-language region) + 3 months = 2026-12-01"}}],
        "axis_requirements": [{"axis": "citizenship", "hours": 60, "obligation": "always", "within_months": 4, "basis": "CWASS art. 152/5"}],
        "pending_claims": [], "prior_attestation": null,
        "reasons": [{"code": "OBLIGED", "effect": "obliged", "rule": "2.1", "article": "CWASS art. 152/7 §1", "confidence": "CONFIRMED", "regime": "R2024", "dispensation": null,
            "explanation": {"fr": "La personne primo-arrivante, âgée de 18 à 64 ans et non dispensée, doit suivre le parcours d'intégration.", "en": "The newcomer, aged 18 to 64 and not dispensed, must follow the integration pathway."}}],
        "rules_version": "2026.12.0"
    },
    "case": {"id": "01a20c77-7b57-74d7-9abc-4cc1251bd929", "reference": "CRIPEL-2026-000001", "cri": "CRIPEL", "state": "opened", "obliged": true},
    "letter_url": "/v1/arrivals/01a20c77-7b58-7285-ac6a-47f8b353f6bb/letter"
}))]
pub struct ArrivalResponse {
    /// Arrival id.
    pub id: String,
    /// When the commune reported it.
    pub reported_at: DateTime<Utc>,
    /// Commune of domicile.
    pub commune_nis: String,
    /// The person asked to volunteer.
    pub volunteer_request: bool,
    /// The person.
    pub person: PersonSummary,
    /// Set when the report contradicted the identity known for this national number.
    pub identity_conflict: Option<IdentityConflictNotice>,
    /// The determination made on intake.
    pub determination: DeterminationDto,
    /// The case at the competent CRI, when the person is obliged or volunteers.
    pub case: Option<CaseSummary>,
    /// The information letter to hand to the person (PDF), when the pathway concerns them: obliged, or
    /// free to follow it voluntarily.
    pub letter_url: Option<String>,
}

impl ArrivalResponse {
    /// Builds the response from what the store holds.
    pub fn from_view(view: &ArrivalView) -> Result<ArrivalResponse, ApiError> {
        let determination: DeterminationDto = serde_json::from_str(&view.determination.result_json)
            .map_err(|e| ApiError::Internal(format!("stored determination unreadable: {e}")))?;
        Ok(ArrivalResponse {
            id: view.arrival.id.clone(),
            reported_at: view.arrival.reported_at.and_utc(),
            commune_nis: view.arrival.commune_nis.clone(),
            volunteer_request: view.arrival.volunteer_request,
            person: match &view.reported {
                Some(reported) => PersonSummary {
                    id: view.person.id.clone(),
                    niss: reported.niss.clone(),
                    surname: reported.surname.clone(),
                    given_names: reported.given_names.clone(),
                },
                None => PersonSummary {
                    id: view.person.id.clone(),
                    niss: view.person.niss.clone(),
                    surname: view.person.surname.clone(),
                    given_names: view.person.given_names.clone(),
                },
            },
            identity_conflict: view.conflict.as_ref().map(|conflict| IdentityConflictNotice {
                fields: conflict.field_list().into_iter().map(Into::into).collect(),
                resolved: conflict.resolved_at.is_some(),
                message: crate::dto::Bilingual {
                    fr: "L'identité signalée diffère de celle déjà connue pour ce numéro national : le signalement est enregistré tel quel, l'identité connue n'est pas modifiée, et le CRI compétent vérifie.".to_owned(),
                    en: "The identity reported differs from the one already known for this national number: the report is recorded as made, the known identity is not changed, and the competent CRI checks.".to_owned(),
                },
            }),
            letter_url: letter::letter_applies(&determination)
                .then(|| format!("/v1/arrivals/{}/letter", view.arrival.id)),
            determination,
            case: view.case.as_ref().map(|c| CaseSummary {
                id: c.id.clone(),
                reference: c.reference.clone(),
                cri: c.cri_code.clone(),
                state: c.state.code().to_owned(),
                obliged: c.obliged,
            }),
        })
    }
}

/// A page of arrivals.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": [], "next_cursor": "01a20c77-7b58-7285-ac6a-47f8b353f6bb"}))]
pub struct ArrivalPage {
    /// Newest first.
    pub items: Vec<ArrivalResponse>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}
