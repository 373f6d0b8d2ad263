//! `GET /verify/{serial}?t=<token>`: the page a phone opens from the QR code. Server-rendered HTML that
//! works without JavaScript, in French (`?lang=en` for English), showing the same minimal answer as the
//! JSON verification and, prominently, the domain it was served from, so that a copy pointing at a look-alike
//! site is easy to spot. Audited and rate-limited like the JSON verification.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::verification::{VerificationAnswer, rate_limit, verify};
use crate::problem::ApiError;
use crate::request::RequestId;
use crate::state::AppState;

/// Token and language.
#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct PageQuery {
    /// Verification token.
    pub t: Option<String>,
    /// `en` for English (French otherwise).
    pub lang: Option<String>,
}

fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

fn date(value: Option<chrono::NaiveDate>) -> String {
    value.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_else(|| "—".into())
}

/// The page's HTML.
pub fn render_page(answer: &VerificationAnswer, host: &str, english: bool, other_language: &str) -> String {
    let t = |fr: &'static str, en: &'static str| if english { en } else { fr };
    let (verdict, class) = match answer.status.as_str() {
        "valid" => (t("Attestation valide", "Valid attestation"), "valid"),
        "revoked" => (t("Attestation révoquée", "Revoked attestation"), "revoked"),
        "superseded" => (
            t("Attestation remplacée par une version corrigée", "Attestation replaced by a corrected version"),
            "superseded",
        ),
        _ => (t("Attestation inconnue", "Unknown attestation"), "unknown"),
    };
    let explanation = match answer.status.as_str() {
        "valid" => t(
            "Cette attestation a été délivrée par le centre indiqué et est en vigueur. Comparez les informations ci-dessous avec le document papier.",
            "This attestation was issued by the centre shown and is in force. Compare the details below with the paper document.",
        ),
        "revoked" => t(
            "Cette attestation a été retirée par le centre qui l'a délivrée : elle ne prouve plus rien.",
            "This attestation was withdrawn by the centre that issued it: it no longer proves anything.",
        ),
        "superseded" => t(
            "Une attestation corrigée l'a remplacée : demandez la version en vigueur à son titulaire.",
            "A corrected attestation replaced it: ask its holder for the version in force.",
        ),
        _ => t(
            "Aucune attestation ne correspond à ce numéro et à ce code. Vérifiez l'adresse complète imprimée sous le code QR.",
            "No attestation matches this number and code. Check the full address printed under the QR code.",
        ),
    };
    let row = |label: &str, value: &str| {
        format!("<tr><th scope=\"row\">{}</th><td>{}</td></tr>", escape(label), escape(value))
    };
    let mut rows = vec![row(t("Numéro", "Serial"), &answer.serial)];
    if answer.status != "unknown" {
        rows.push(row(t("Délivrée par", "Issued by"), answer.cri_name.as_deref().unwrap_or("—")));
        rows.push(row(t("Délivrée le", "Issued on"), &date(answer.issued_on)));
        rows.push(row(t("Parcours accompli le", "Completed on"), &date(answer.completed_on)));
        rows.push(row(
            t("Initiales du titulaire", "Holder's initials"),
            answer.holder_initials.as_deref().unwrap_or("—"),
        ));
        rows.push(row(
            t("Année de naissance", "Year of birth"),
            &answer.holder_birth_year.map(|y| y.to_string()).unwrap_or_else(|| "—".into()),
        ));
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title} — {serial}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #f4f6f9; }}
main {{ max-width: 40rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }}
.host {{ background: #0d3366; color: #fff; padding: .75rem 1rem; font-size: 1rem; }}
.host strong {{ font-size: 1.15rem; letter-spacing: .02em; }}
.verdict {{ border-radius: .5rem; padding: 1rem 1.25rem; margin: 1.25rem 0; font-size: 1.35rem; font-weight: 700; }}
.valid {{ background: #e3f4e8; border: 2px solid #1e7b3a; color: #14532a; }}
.revoked {{ background: #fbe4e4; border: 2px solid #b42318; color: #7a1410; }}
.superseded {{ background: #fff4d6; border: 2px solid #b7791f; color: #6b4708; }}
.unknown {{ background: #eceff3; border: 2px solid #5b6675; color: #2f3742; }}
table {{ border-collapse: collapse; width: 100%; background: #fff; }}
th, td {{ text-align: left; padding: .6rem .75rem; border-bottom: 1px solid #dde3ea; vertical-align: top; }}
th {{ width: 45%; font-weight: 600; color: #3b4654; }}
footer {{ margin-top: 1.5rem; font-size: .9rem; color: #4a5563; }}
a {{ color: #0d3366; }}
</style>
</head>
<body>
<div class="host">{served_from} <strong>{host}</strong></div>
<main>
<h1>{title}</h1>
<p class="verdict {class}" role="status">{verdict}</p>
<p>{explanation}</p>
<table>
{rows}
</table>
<footer>
<p>{privacy}</p>
<p><a href="{other_language}">{switch}</a></p>
</footer>
</main>
</body>
</html>
"#,
        lang = if english { "en" } else { "fr" },
        title = t("Vérification d'une attestation de fréquentation", "Verification of an attendance certificate"),
        serial = escape(&answer.serial),
        served_from = t("Page servie par", "Page served by"),
        host = escape(host),
        class = class,
        verdict = verdict,
        explanation = explanation,
        rows = rows.join("\n"),
        privacy = t(
            "Cette vérification est enregistrée dans le dossier du titulaire, qui peut savoir quand son attestation a été vérifiée. Aucune autre donnée n'est montrée.",
            "This verification is recorded in the holder's file, who may learn when their attestation was verified. No other data is shown.",
        ),
        other_language = escape(other_language),
        switch = t("English version", "Version française"),
    )
}

/// The verification page.
///
/// The page a phone opens from the QR code. Server-rendered HTML that
/// works without JavaScript, in French (`?lang=en` for English), showing the same minimal answer as the
/// JSON verification and, prominently, the domain it was served from, so that a copy pointing at a look-alike
/// site is easy to spot. Audited and rate-limited like the JSON verification.
#[utoipa::path(
    tag = "attestations",
    params(("serial" = String, Path, description = "Serial"), PageQuery),
    responses(
        (status = 200, description = "The verification page (HTML)", content_type = "text/html", body = String),
        (status = 429, description = "Too many verifications from this address")
    ),
    security(())
)]
#[get("/verify/{serial}")]
pub async fn get_verification_page(
    state: web::Data<AppState>,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    rate_limit(&state, &req)?;
    let query = query.into_inner();
    let english = query.lang.as_deref() == Some("en");
    let serial = path.into_inner();
    let host = req.connection_info().host().to_owned();
    let mut other = format!("/verify/{}?", serial);
    if let Some(token) = &query.t {
        other.push_str(&format!("t={token}&"));
    }
    other.push_str(if english { "lang=fr" } else { "lang=en" });
    let answer = verify(state, &request_id, serial, query.t).await?;
    let html = render_page(&answer, &host, english, &other);
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .body(html))
}
