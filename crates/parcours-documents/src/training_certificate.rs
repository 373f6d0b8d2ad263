//! The participation certificate (*attestation de participation*) a CRI gives a practitioner who attended
//! one of its trainings (CWASS art. 153, the training of practitioners): who, which training, which
//! sessions, how many hours. French only (the sector's working language); rendered on demand, never stored.

use chrono::NaiveDate;

use crate::DocumentError;
use crate::page::{Align, BLACK, GREY, HEIGHT, LIGHT, MARGIN, Metadata, NAVY, Page, WIDTH, Weight, french_date};
use crate::template::Template;

const TEMPLATE: &str = include_str!("../templates/training-certificate.txt");

/// Everything the certificate prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingCertificate {
    /// The CRI that gives it.
    pub cri_name: String,
    /// The CRI's city (for the date line).
    pub city: String,
    /// The practitioner's name.
    pub practitioner: String,
    /// Their organisation.
    pub organisation: String,
    /// The training's title.
    pub title: String,
    /// Its theme, in French.
    pub theme: String,
    /// A cycle (`true`) or a module.
    pub cycle: bool,
    /// Where.
    pub place: String,
    /// The trainer.
    pub trainer: String,
    /// The sessions attended: day and minutes.
    pub attended: Vec<(NaiveDate, u32)>,
    /// How many sessions were planned.
    pub planned: usize,
    /// The registration's reference.
    pub reference: String,
    /// The date it bears.
    pub issued_on: NaiveDate,
}

fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (hours, 0) => format!("{hours} h"),
        (0, rest) => format!("{rest} min"),
        (hours, rest) => format!("{hours} h {rest:02}"),
    }
}

/// Renders the certificate as one A4 PDF page. The same certificate renders to the same bytes.
pub fn render_training_certificate(certificate: &TrainingCertificate) -> Result<Vec<u8>, DocumentError> {
    let template = Template::parse(TEMPLATE)?;
    let total: u32 = certificate.attended.iter().map(|(_, minutes)| minutes).sum();
    let hours = if total.is_multiple_of(60) {
        (total / 60).to_string()
    } else {
        format!("{:.1}", f64::from(total) / 60.0).replace('.', ",")
    };
    let kind = template.text(if certificate.cycle { "kind_cycle" } else { "kind_module" }, &[])?;
    let (issued, attended, planned) =
        (french_date(certificate.issued_on), certificate.attended.len().to_string(), certificate.planned.to_string());
    let values: Vec<(&str, &str)> = vec![
        ("cri_name", &certificate.cri_name),
        ("city", &certificate.city),
        ("issued_on", &issued),
        ("practitioner", &certificate.practitioner),
        ("organisation", &certificate.organisation),
        ("title", &certificate.title),
        ("theme", &certificate.theme),
        ("kind", &kind),
        ("place", &certificate.place),
        ("trainer", &certificate.trainer),
        ("attended", &attended),
        ("planned", &planned),
        ("hours", &hours),
        ("reference", &certificate.reference),
    ];
    let t = |key: &str| template.text(key, &values);
    let mut page = Page::new()?;
    let width = WIDTH - 2.0 * MARGIN;
    page.rect(0.0, 0.0, WIDTH, 8.0, NAVY);
    let mut top = 46.0;
    top = page.paragraph(&certificate.cri_name, Weight::Bold, 10.5, NAVY, MARGIN, top, 300.0, 12.5);
    page.text(&t("date_line")?, Weight::Regular, 9.5, BLACK, WIDTH - MARGIN, top + 30.0, Align::Right);
    page.text(&t("reference_line")?, Weight::Regular, 9.0, GREY, WIDTH - MARGIN, top + 44.0, Align::Right);

    top += 110.0;
    page.text(&t("title")?, Weight::Bold, 22.0, NAVY, WIDTH / 2.0, top, Align::Centre);
    top += 50.0;
    top = page.paragraph(&t("intro")?, Weight::Regular, 11.0, BLACK, MARGIN, top, width, 15.0);
    top += 22.0;
    page.text(&certificate.practitioner, Weight::Bold, 18.0, BLACK, WIDTH / 2.0, top, Align::Centre);
    top += 20.0;
    page.text(&t("organisation_line")?, Weight::Regular, 10.5, GREY, WIDTH / 2.0, top, Align::Centre);
    top += 34.0;
    top = page.paragraph(&t("body")?, Weight::Regular, 11.0, BLACK, MARGIN, top, width, 15.0);

    top += 18.0;
    page.rect(MARGIN, top - 12.0, width, 17.0, LIGHT);
    page.text(&t("attendance_heading")?, Weight::Bold, 10.5, NAVY, MARGIN + 6.0, top, Align::Left);
    top += 22.0;
    top = page.paragraph(&t("attendance_summary")?, Weight::Bold, 10.5, BLACK, MARGIN, top, width, 14.0);
    for (date, minutes) in &certificate.attended {
        let line =
            template.text("session_line", &[("date", &french_date(*date)), ("duration", &duration(*minutes))])?;
        page.text(&line, Weight::Regular, 10.0, BLACK, MARGIN + 12.0, top, Align::Left);
        top += 13.5;
    }
    top = page.paragraph(&t("closing")?, Weight::Regular, 9.5, GREY, MARGIN, top + 20.0, width, 12.5);
    page.paragraph(&t("signature")?, Weight::Bold, 10.0, BLACK, MARGIN, top + 30.0, width, 12.5);
    page.rule(MARGIN, HEIGHT - 60.0, width, 0.6, LIGHT);
    page.rect(0.0, HEIGHT - 8.0, WIDTH, 8.0, NAVY);
    page.finish(&Metadata {
        title: &t("title")?,
        author: &certificate.cri_name,
        subject: &certificate.title,
        date: certificate.issued_on,
        identifier: &format!("{}|{}", certificate.reference, certificate.issued_on),
    })
}

/// A fictitious certificate, for samples and tests.
pub fn sample() -> TrainingCertificate {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
    TrainingCertificate {
        cri_name: "Centre Régional pour l'Intégration des Personnes Étrangères ou d'origine étrangère de Liège".into(),
        city: "Liège".into(),
        practitioner: "Claire DUBOIS".into(),
        organisation: "CPAS de Seraing".into(),
        title: "Accueillir un public migrant au guichet".into(),
        theme: "Accueil du public".into(),
        cycle: true,
        place: "CRIPEL, Place Xavier Neujean 19b, Liège".into(),
        trainer: "Amina Benali".into(),
        attended: vec![(d(2027, 1, 12), 360), (d(2027, 1, 19), 390)],
        planned: 3,
        reference: "FORM-2027-0042".into(),
        issued_on: d(2027, 1, 27),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(pdf: &[u8]) -> Option<String> {
        let file = std::env::temp_dir().join(format!("parcours-training-certificate-{}.pdf", std::process::id()));
        std::fs::write(&file, pdf).ok()?;
        let out = std::process::Command::new("pdftotext").arg(&file).arg("-").output().ok()?;
        let _ = std::fs::remove_file(&file);
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    #[test]
    fn the_certificate_names_the_practitioner_the_training_and_the_sessions_attended() {
        let certificate = sample();
        let pdf = render_training_certificate(&certificate).expect("rendered");
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(render_training_certificate(&certificate).expect("rendered"), pdf, "deterministic");
        if std::env::var_os("PARCOURS_UPDATE_SAMPLES").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/samples/training-certificate-sample.pdf");
            std::fs::write(path, &pdf).expect("sample written");
        }
        let Some(text) = text_of(&pdf) else {
            assert!(std::env::var_os("CI").is_none(), "pdftotext (poppler-utils) is needed in CI");
            return;
        };
        for expected in [
            "Attestation de participation",
            "Claire DUBOIS",
            "CPAS de Seraing",
            "Accueillir un public migrant au guichet",
            "2 séance(s) sur 3, soit 12,5 heures",
            "12/01/2027 — 6 h",
            "19/01/2027 — 6 h 30",
        ] {
            assert!(text.contains(expected), "{expected} missing from:\n{text}");
        }
    }
}
