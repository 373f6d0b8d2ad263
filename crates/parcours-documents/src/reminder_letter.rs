//! The reminder a CRI sends before a legal deadline (presentation, completion): addressed to the person at
//! the address the commune reported, with the CRI's office, the deadline and how it is computed. French;
//! rendered on demand from the case, never stored.

use chrono::NaiveDate;

use crate::DocumentError;
use crate::page::{Align, BLACK, GREY, HEIGHT, LIGHT, MARGIN, Metadata, NAVY, Page, WIDTH, Weight, french_date};
use crate::template::Template;

const TEMPLATE: &str = include_str!("../templates/reminder-letter.txt");

/// Which deadline the reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderSubject {
    /// Present at the welcome office.
    Presentation,
    /// Complete the pathway.
    Completion,
}

/// Everything the reminder prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderLetter {
    /// The CRI that sends it.
    pub cri_name: String,
    /// Its office address, one line per line.
    pub cri_address: Vec<String>,
    /// The city in the date line (the office's).
    pub city: String,
    /// The person (surname in capitals, given names).
    pub holder: String,
    /// The person's address as the commune reported it, one line per line.
    pub address: Vec<String>,
    /// Which deadline.
    pub subject: ReminderSubject,
    /// The deadline.
    pub deadline: NaiveDate,
    /// How it is computed, in French.
    pub computation: String,
    /// The case reference.
    pub case_reference: String,
    /// The date the letter bears.
    pub issued_on: NaiveDate,
}

/// Renders the reminder as a one-page A4 PDF, the address placed for a window envelope. The same reminder
/// renders to the same bytes.
pub fn render_reminder_letter(letter: &ReminderLetter) -> Result<Vec<u8>, DocumentError> {
    let template = Template::parse(TEMPLATE)?;
    let (deadline, issued) = (french_date(letter.deadline), french_date(letter.issued_on));
    let values: Vec<(&str, &str)> = vec![
        ("cri_name", &letter.cri_name),
        ("holder", &letter.holder),
        ("deadline", &deadline),
        ("computation", &letter.computation),
        ("case_reference", &letter.case_reference),
        ("issued_on", &issued),
        ("city", &letter.city),
    ];
    let t = |key: &str| template.text(key, &values);
    let (title, body, basis) = match letter.subject {
        ReminderSubject::Presentation => ("title_presentation", "body_presentation", "basis_presentation"),
        ReminderSubject::Completion => ("title_completion", "body_completion", "basis_completion"),
    };
    let width = WIDTH - 2.0 * MARGIN;
    let mut page = Page::new()?;
    page.rect(0.0, 0.0, WIDTH, 8.0, NAVY);

    // Sender, top left; addressee where a window envelope shows it.
    let mut top = 46.0;
    top = page.paragraph(&letter.cri_name, Weight::Bold, 10.5, NAVY, MARGIN, top, 250.0, 12.5);
    for line in &letter.cri_address {
        page.text(line, Weight::Regular, 9.0, GREY, MARGIN, top, Align::Left);
        top += 11.0;
    }
    let mut address_top = 150.0;
    page.text(&letter.holder, Weight::Bold, 10.5, BLACK, 320.0, address_top, Align::Left);
    for line in &letter.address {
        address_top += 13.0;
        page.text(line, Weight::Regular, 10.5, BLACK, 320.0, address_top, Align::Left);
    }
    top = top.max(address_top) + 40.0;
    page.text(&t("date_line")?, Weight::Regular, 9.5, BLACK, WIDTH - MARGIN, top, Align::Right);
    top += 14.0;
    page.text(&t("reference_line")?, Weight::Regular, 9.5, GREY, WIDTH - MARGIN, top, Align::Right);

    top += 36.0;
    top = page.paragraph(&t(title)?, Weight::Bold, 15.0, NAVY, MARGIN, top, width, 18.0);
    top = page.paragraph(&t(body)?, Weight::Regular, 10.5, BLACK, MARGIN, top + 10.0, width, 14.0);

    let section = |page: &mut Page, key: &str, top: f32| -> Result<f32, DocumentError> {
        page.rect(MARGIN, top - 12.0, width, 17.0, LIGHT);
        page.text(&t(key)?, Weight::Bold, 10.5, NAVY, MARGIN + 6.0, top, Align::Left);
        Ok(top + 20.0)
    };
    top = section(&mut page, "computation_heading", top + 16.0)?;
    top = page.paragraph(&t("computation_text")?, Weight::Regular, 10.0, BLACK, MARGIN, top, width, 13.5);
    top = page.paragraph(&t(basis)?, Weight::Regular, 9.0, GREY, MARGIN, top + 2.0, width, 11.5);
    top = section(&mut page, "help_heading", top + 16.0)?;
    top = page.paragraph(&t("help_text")?, Weight::Regular, 10.0, BLACK, MARGIN, top, width, 13.5);
    top = page.paragraph(&t("consequence_text")?, Weight::Regular, 9.0, GREY, MARGIN, top + 6.0, width, 11.5);
    page.paragraph(&t("signature")?, Weight::Bold, 10.0, BLACK, MARGIN, top + 30.0, width, 12.5);

    page.rule(MARGIN, HEIGHT - 60.0, width, 0.6, LIGHT);
    page.rect(0.0, HEIGHT - 8.0, WIDTH, 8.0, NAVY);
    page.finish(&Metadata {
        title: &t(title)?,
        author: &letter.cri_name,
        subject: &t("reference_line")?,
        date: letter.issued_on,
        identifier: &format!("{}|{}|{}", letter.case_reference, letter.deadline, letter.issued_on),
    })
}

/// A fictitious reminder, for samples and tests.
pub fn sample() -> ReminderLetter {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
    ReminderLetter {
        cri_name: "Centre Régional pour l'Intégration des Personnes Étrangères ou d'origine étrangère de Liège".into(),
        cri_address: vec!["Place Xavier Neujean 19b".into(), "4000 Liège".into()],
        city: "Liège".into(),
        holder: "EL AMRANI Samira".into(),
        address: vec!["Rue de la Station 12".into(), "4020 Liège".into()],
        subject: ReminderSubject::Presentation,
        deadline: d(2027, 3, 1),
        computation: "2026-12-01 (la première inscription dans une commune de la région de langue française) + 3 \
                      mois = 2027-03-01, régime R2024"
            .into(),
        case_reference: "CRIPEL-2026-000042".into(),
        issued_on: d(2027, 2, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(pdf: &[u8]) -> Option<String> {
        let file = std::env::temp_dir().join(format!("parcours-reminder-{}.pdf", std::process::id()));
        std::fs::write(&file, pdf).ok()?;
        let out = std::process::Command::new("pdftotext").arg(&file).arg("-").output().ok()?;
        let _ = std::fs::remove_file(&file);
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    #[test]
    fn the_reminder_names_the_address_the_deadline_its_computation_and_the_basis() {
        let letter = sample();
        let pdf = render_reminder_letter(&letter).expect("renders");
        assert_eq!(pdf, render_reminder_letter(&letter).expect("renders"), "deterministic");
        if std::env::var_os("PARCOURS_UPDATE_SAMPLES").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/samples/reminder-letter-sample.pdf");
            std::fs::write(path, &pdf).expect("sample written");
        }
        let Some(text) = text_of(&pdf) else {
            assert!(std::env::var_os("CI").is_none(), "pdftotext (poppler-utils) is needed in CI");
            return;
        };
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "Rue de la Station 12",
            "4020 Liège",
            "Présentez-vous au plus tard le 01/03/2027",
            "+ 3 mois",
            "art. 152/7, §1er",
            "CRIPEL-2026-000042",
            "Place Xavier Neujean 19b",
        ] {
            assert!(flat.contains(expected), "{expected} missing from: {flat}");
        }
    }
}
