//! The data-protection documents a CRI hands to the person (GDPR art. 12 and 15): the **summary** of their
//! file, in French, that goes with the full copy of their data, and the **decision** on a request about their
//! data (access, rectification, restriction, erasure) with its reasons and the person's remedies. Rendered on
//! demand from the records, never stored; paginated A4.

use chrono::NaiveDate;

use crate::DocumentError;
use crate::flow::Flow;
use crate::page::{Align, BLACK, GREY, MARGIN, Metadata, NAVY, WIDTH, Weight, french_date};
use crate::template::Template;

const TEMPLATE: &str = include_str!("../templates/data-protection.txt");

/// One category of the person's data, as the summary lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategorySummary {
    /// The category's name in French (`Identité`, `Parcours`...).
    pub name: String,
    /// One line per kind of record, with what it holds (`2 versions de votre identité : nom, prénoms...`).
    pub lines: Vec<String>,
}

/// Who received or consulted the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientLine {
    /// The organisation's name.
    pub organisation: String,
    /// How many operations, from when to when, in French.
    pub operations: String,
}

/// Everything the summary prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessSummary {
    /// The CRI answering.
    pub cri_name: String,
    /// The city in the date line.
    pub city: String,
    /// The person (surname in capitals, given names).
    pub holder: String,
    /// The data, by category.
    pub categories: Vec<CategorySummary>,
    /// The recipients.
    pub recipients: Vec<RecipientLine>,
    /// The date the summary bears.
    pub issued_on: NaiveDate,
}

fn header(flow: &mut Flow, cri_name: &str, date_line: &str) {
    let mut top = 46.0;
    top = flow.page.paragraph(cri_name, Weight::Bold, 10.5, NAVY, MARGIN, top, 300.0, 12.5);
    flow.page.text(date_line, Weight::Regular, 9.5, BLACK, WIDTH - MARGIN, top + 14.0, Align::Right);
    flow.top = top + 50.0;
}

/// Renders the summary of a person's file.
pub fn render_access_summary(summary: &AccessSummary) -> Result<Vec<u8>, DocumentError> {
    let template = Template::parse(TEMPLATE)?;
    let issued = french_date(summary.issued_on);
    let values: Vec<(&str, &str)> = vec![
        ("cri_name", &summary.cri_name),
        ("holder", &summary.holder),
        ("issued_on", &issued),
        ("city", &summary.city),
    ];
    let t = |key: &str| template.text(key, &values);
    let mut flow = Flow::new(t("footer")?)?;
    header(&mut flow, &summary.cri_name, &t("date_line")?);
    flow.title(&t("summary_title")?);
    flow.paragraph(&t("summary_holder")?, Weight::Bold, 10.5, BLACK, 0.0, 14.0);
    flow.top += 4.0;
    flow.body(&t("summary_intro")?);
    flow.heading(&t("purposes_heading")?);
    flow.body(&t("purposes_text")?);
    flow.heading(&t("categories_heading")?);
    for category in &summary.categories {
        flow.ensure(30.0);
        flow.paragraph(&category.name, Weight::Bold, 10.0, NAVY, 0.0, 14.0);
        for line in &category.lines {
            flow.bullet(line);
        }
        flow.top += 4.0;
    }
    flow.heading(&t("recipients_heading")?);
    if summary.recipients.is_empty() {
        flow.body(&t("recipients_empty")?);
    }
    for recipient in &summary.recipients {
        flow.bullet(&format!("{} — {}", recipient.organisation, recipient.operations));
    }
    flow.heading(&t("retention_heading")?);
    flow.body(&t("retention_text")?);
    flow.heading(&t("rights_heading")?);
    flow.body(&t("rights_text")?);
    // The signature (two lines for the longest CRI names) is never split across pages.
    flow.top += 16.0;
    flow.ensure(2.0 * 12.5);
    flow.paragraph(&t("signature")?, Weight::Bold, 10.0, BLACK, 0.0, 12.5);
    flow.page.finish(&Metadata {
        title: &t("summary_title")?,
        author: &summary.cri_name,
        subject: &t("summary_holder")?,
        date: summary.issued_on,
        identifier: &format!("access-summary|{}|{}", summary.holder, summary.issued_on),
    })
}

/// The decision on a request about the person's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestDecisionLetter {
    /// The CRI deciding.
    pub cri_name: String,
    /// The city in the date line.
    pub city: String,
    /// The person (surname in capitals, given names).
    pub holder: String,
    /// The request's name (`demande d'effacement`).
    pub kind: String,
    /// Its article (`RGPD art. 17`).
    pub article: String,
    /// Received.
    pub received_on: NaiveDate,
    /// The deadline (after an extension, if any).
    pub due_on: NaiveDate,
    /// The extension: decided on, and why.
    pub extension: Option<(NaiveDate, String)>,
    /// `granted`, `partially_granted` or `refused`.
    pub outcome: String,
    /// The reasons, as the CRI wrote them.
    pub reasons: String,
    /// Decided on (the date the letter bears).
    pub decided_on: NaiveDate,
}

/// Renders the decision letter.
pub fn render_request_decision(letter: &RequestDecisionLetter) -> Result<Vec<u8>, DocumentError> {
    let template = Template::parse(TEMPLATE)?;
    let (received, due, decided) =
        (french_date(letter.received_on), french_date(letter.due_on), french_date(letter.decided_on));
    let (extended_on, extension_reason) = match &letter.extension {
        Some((date, reason)) => (french_date(*date), reason.clone()),
        None => (String::new(), String::new()),
    };
    let values: Vec<(&str, &str)> = vec![
        ("cri_name", &letter.cri_name),
        ("holder", &letter.holder),
        ("issued_on", &decided),
        ("city", &letter.city),
        ("kind", &letter.kind),
        ("article", &letter.article),
        ("received_on", &received),
        ("due_on", &due),
        ("decided_on", &decided),
        ("extended_on", &extended_on),
        ("extension_reason", &extension_reason),
    ];
    let t = |key: &str| template.text(key, &values);
    let mut flow = Flow::new(t("footer")?)?;
    header(&mut flow, &letter.cri_name, &t("date_line")?);
    flow.title(&t("decision_title")?);
    flow.paragraph(&t("decision_holder")?, Weight::Bold, 10.5, BLACK, 0.0, 14.0);
    flow.top += 4.0;
    flow.body(&t("decision_intro")?);
    flow.heading(&t("decision_outcome_heading")?);
    flow.paragraph(&t(&format!("outcome_{}", letter.outcome))?, Weight::Bold, 11.0, NAVY, 0.0, 15.0);
    flow.top += 4.0;
    if !letter.reasons.trim().is_empty() {
        flow.heading(&t("decision_reasons_heading")?);
        for paragraph in letter.reasons.split('\n').filter(|p| !p.trim().is_empty()) {
            flow.body(paragraph);
        }
    }
    flow.top += 6.0;
    if letter.extension.is_some() {
        flow.paragraph(&t("decision_extension")?, Weight::Regular, 9.0, GREY, 0.0, 11.5);
    }
    flow.paragraph(&t("decision_deadline")?, Weight::Regular, 9.0, GREY, 0.0, 11.5);
    if letter.decided_on > letter.due_on {
        flow.paragraph(&t("decision_late")?, Weight::Regular, 9.0, GREY, 0.0, 11.5);
    }
    flow.heading(&t("remedies_heading")?);
    flow.body(&t("remedies_text")?);
    // The signature (two lines for the longest CRI names) is never split across pages.
    flow.top += 16.0;
    flow.ensure(2.0 * 12.5);
    flow.paragraph(&t("signature")?, Weight::Bold, 10.0, BLACK, 0.0, 12.5);
    flow.page.finish(&Metadata {
        title: &t("decision_title")?,
        author: &letter.cri_name,
        subject: &t("decision_holder")?,
        date: letter.decided_on,
        identifier: &format!("data-request|{}|{}|{}", letter.holder, letter.kind, letter.decided_on),
    })
}

/// A fictitious summary, for samples and tests.
pub fn sample_summary() -> AccessSummary {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
    AccessSummary {
        cri_name: "Centre Régional pour l'Intégration des Personnes Étrangères ou d'origine étrangère de Liège".into(),
        city: "Liège".into(),
        holder: "EL AMRANI Samira".into(),
        categories: vec![
            CategorySummary {
                name: "Identité".into(),
                lines: vec![
                    "1 version de votre identité : numéro national, nom, prénoms, date de naissance, sexe, nationalité"
                        .into(),
                ],
            },
            CategorySummary {
                name: "Coordonnées".into(),
                lines: vec!["1 signalement de la commune : adresse électronique, langue".into()],
            },
            CategorySummary {
                name: "Parcours".into(),
                lines: vec![
                    "1 décision sur l'obligation (obligée, régime R2024)".into(),
                    "1 dossier au CRI, 9 étapes".into(),
                ],
            },
        ],
        recipients: vec![RecipientLine {
            organisation: "Commune de Liège".into(),
            operations: "3 opérations, du 15 décembre 2026 au 16 décembre 2026".into(),
        }],
        issued_on: d(2027, 1, 10),
    }
}

/// A fictitious decision, for samples and tests.
pub fn sample_decision() -> RequestDecisionLetter {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
    RequestDecisionLetter {
        cri_name: "Centre Régional pour l'Intégration des Personnes Étrangères ou d'origine étrangère de Liège".into(),
        city: "Liège".into(),
        holder: "EL AMRANI Samira".into(),
        kind: "demande d'effacement".into(),
        article: "RGPD art. 17".into(),
        received_on: d(2027, 1, 4),
        due_on: d(2027, 2, 4),
        extension: None,
        outcome: "refused".into(),
        reasons: "Le traitement est nécessaire au respect d'une obligation légale (RGPD art. 17, §3, b) : le parcours \
                  d'intégration et son suivi sont imposés par le Code wallon de l'action sociale et de la santé \
                  (art. 152/7 à 153/1). Vos données seront effacées au terme de leur durée de conservation."
            .into(),
        decided_on: d(2027, 1, 20),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(pdf: &[u8], name: &str) -> Option<String> {
        let file = std::env::temp_dir().join(format!("parcours-{name}-{}.pdf", std::process::id()));
        std::fs::write(&file, pdf).ok()?;
        let out = std::process::Command::new("pdftotext").arg(&file).arg("-").output().ok();
        let _ = std::fs::remove_file(&file);
        let out = out?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" "))
    }

    #[test]
    fn both_documents_render_and_the_same_input_gives_the_same_bytes() {
        let summary = render_access_summary(&sample_summary()).expect("summary");
        assert!(summary.starts_with(b"%PDF"));
        assert_eq!(summary, render_access_summary(&sample_summary()).expect("again"));
        let decision = render_request_decision(&sample_decision()).expect("decision");
        assert!(decision.starts_with(b"%PDF"));
        if std::env::var_os("PARCOURS_UPDATE_SAMPLES").is_some() {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/samples/");
            // The summary's sample comes from the API test, over a real case (privacy tests).
            std::fs::write(format!("{dir}data-request-decision-sample.pdf"), &decision).expect("sample written");
        }
        match (text_of(&summary, "summary"), text_of(&decision, "decision")) {
            (Some(summary), Some(decision)) => {
                for expected in ["EL AMRANI Samira", "Commune de Liège", "Vos droits", "rue de la Presse 35"] {
                    assert!(summary.contains(expected), "{expected} in {summary}");
                }
                for expected in ["Votre demande est refusée.", "RGPD art. 17", "04/01/2027", "art. 77"] {
                    assert!(decision.contains(expected), "{expected} in {decision}");
                }
            }
            _ => assert!(std::env::var_os("CI").is_none(), "pdftotext (poppler-utils) is needed in CI"),
        }
        let mut late = sample_decision();
        late.decided_on = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap_or_default();
        late.extension = Some((late.received_on, "Dossier volumineux à rassembler auprès de trois CRI.".into()));
        assert_ne!(render_request_decision(&late).expect("late"), decision);
    }
}
