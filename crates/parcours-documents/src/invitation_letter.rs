//! The invitation a CRI sends for an appointment at one of its welcome offices: the kind of appointment, the
//! date and time, the office's address, whether an interpreter is booked, and the presentation deadline
//! while the person has not presented. French, followed by a page in the person's language when it is one of
//! [`LetterLanguage::ALL`] (and the service offers it); rendered on demand, never stored.

use chrono::NaiveDate;

use crate::DocumentError;
use crate::information_letter::LetterLanguage;
use crate::page::{Align, BLACK, GREY, HEIGHT, LIGHT, MARGIN, Metadata, NAVY, Page, WIDTH, Weight, french_date};
use crate::template::Template;

const TEMPLATE: &str = include_str!("../templates/invitation-letter.txt");

fn translated(language: LetterLanguage) -> &'static str {
    match language {
        LetterLanguage::English => include_str!("../templates/invitation-letter.en.txt"),
        LetterLanguage::Dutch => include_str!("../templates/invitation-letter.nl.txt"),
        LetterLanguage::Spanish => include_str!("../templates/invitation-letter.es.txt"),
    }
}

/// Everything the invitation prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationLetter {
    /// The CRI that sends it.
    pub cri_name: String,
    /// The office's name.
    pub office_name: String,
    /// The office's address, one line per line.
    pub office_address: Vec<String>,
    /// The person (surname in capitals, given names).
    pub holder: String,
    /// The person's address as the commune reported it, one line per line (empty: handed over).
    pub address: Vec<String>,
    /// The kind of appointment, in French, then in the translation's language when there is one.
    pub kind: (String, Option<String>),
    /// Date (Brussels).
    pub date: NaiveDate,
    /// Time (Brussels), `HH:MM`.
    pub time: String,
    /// Planned length.
    pub minutes: u32,
    /// The interpreter's language when one is booked (ISO 639 code).
    pub interpreter_language: Option<String>,
    /// The presentation deadline while the person has not presented (obliged persons).
    pub present_by: Option<NaiveDate>,
    /// The case reference.
    pub case_reference: String,
    /// The date the letter bears.
    pub issued_on: NaiveDate,
    /// The person's language, when the letter has a page in it.
    pub translation: Option<LetterLanguage>,
}

/// Renders the invitation as an A4 PDF: the French page, then the translated one if any. The same
/// invitation renders to the same bytes.
pub fn render_invitation_letter(letter: &InvitationLetter) -> Result<Vec<u8>, DocumentError> {
    let french = Template::parse(TEMPLATE)?;
    let mut page = Page::new()?;
    lay_out(&mut page, letter, &french, &letter.kind.0)?;
    if let Some(language) = letter.translation {
        page.next_page();
        let kind = letter.kind.1.clone().unwrap_or_else(|| letter.kind.0.clone());
        lay_out(&mut page, letter, &Template::parse(translated(language))?, &kind)?;
    }
    let reference = french.text("reference_line", &[("case_reference", letter.case_reference.as_str())])?;
    page.finish(&Metadata {
        title: &french.text("title", &[("kind", letter.kind.0.as_str())])?,
        author: &letter.cri_name,
        subject: &reference,
        date: letter.issued_on,
        identifier: &format!("{}|{}|{}|{}", letter.case_reference, letter.date, letter.time, letter.issued_on),
    })
}

fn lay_out(page: &mut Page, letter: &InvitationLetter, template: &Template, kind: &str) -> Result<(), DocumentError> {
    let (date, issued) = (french_date(letter.date), french_date(letter.issued_on));
    let present_by = letter.present_by.map(french_date).unwrap_or_default();
    let minutes = letter.minutes.to_string();
    let language = letter.interpreter_language.clone().unwrap_or_default();
    let city = letter.office_address.last().cloned().unwrap_or_default();
    let city = city.split_once(' ').map_or(city.as_str(), |(_, locality)| locality).to_owned();
    let values: Vec<(&str, &str)> = vec![
        ("cri_name", &letter.cri_name),
        ("holder", &letter.holder),
        ("city", &city),
        ("issued_on", &issued),
        ("case_reference", &letter.case_reference),
        ("kind", kind),
        ("date", &date),
        ("time", &letter.time),
        ("minutes", &minutes),
        ("office_name", &letter.office_name),
        ("language", &language),
        ("present_by", &present_by),
    ];
    let t = |key: &str| template.text(key, &values);
    let width = WIDTH - 2.0 * MARGIN;
    page.rect(0.0, 0.0, WIDTH, 8.0, NAVY);

    // Sender, top left; addressee where a window envelope shows it.
    let mut top = 46.0;
    top = page.paragraph(&letter.cri_name, Weight::Bold, 10.5, NAVY, MARGIN, top, 250.0, 12.5);
    page.text(&letter.office_name, Weight::Regular, 9.0, GREY, MARGIN, top, Align::Left);
    top += 11.0;
    for line in &letter.office_address {
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
    top = page.paragraph(&t("title")?, Weight::Bold, 15.0, NAVY, MARGIN, top, width, 18.0);
    top = page.paragraph(&t("body")?, Weight::Regular, 10.5, BLACK, MARGIN, top + 10.0, width, 14.0);

    let section = |page: &mut Page, key: &str, top: f32| -> Result<f32, DocumentError> {
        page.rect(MARGIN, top - 12.0, width, 17.0, LIGHT);
        page.text(&t(key)?, Weight::Bold, 10.5, NAVY, MARGIN + 6.0, top, Align::Left);
        Ok(top + 20.0)
    };
    top = section(page, "when_heading", top + 16.0)?;
    top = page.paragraph(&t("when_text")?, Weight::Bold, 11.0, BLACK, MARGIN, top, width, 14.0);
    top = section(page, "where_heading", top + 12.0)?;
    top = page.paragraph(&letter.office_name, Weight::Bold, 10.5, BLACK, MARGIN, top, width, 13.5);
    for line in &letter.office_address {
        page.text(line, Weight::Regular, 10.0, BLACK, MARGIN, top, Align::Left);
        top += 13.0;
    }
    top = section(page, "interpreter_heading", top + 14.0)?;
    let interpreter = if letter.interpreter_language.is_some() { "interpreter_booked" } else { "interpreter_none" };
    top = page.paragraph(&t(interpreter)?, Weight::Regular, 10.0, BLACK, MARGIN, top, width, 13.5);
    if letter.present_by.is_some() {
        top = section(page, "deadline_heading", top + 12.0)?;
        top = page.paragraph(&t("deadline_text")?, Weight::Regular, 10.0, BLACK, MARGIN, top, width, 13.5);
    }
    top = page.paragraph(&t("change_text")?, Weight::Regular, 9.5, GREY, MARGIN, top + 14.0, width, 12.5);
    page.paragraph(&t("signature")?, Weight::Bold, 10.0, BLACK, MARGIN, top + 24.0, width, 12.5);

    page.rule(MARGIN, HEIGHT - 60.0, width, 0.6, LIGHT);
    page.rect(0.0, HEIGHT - 8.0, WIDTH, 8.0, NAVY);
    Ok(())
}

/// A fictitious invitation, for samples and tests.
pub fn sample() -> InvitationLetter {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
    InvitationLetter {
        cri_name: "Centre Régional pour l'Intégration des Personnes Étrangères ou d'origine étrangère de Liège".into(),
        office_name: "Bureau d'accueil de Liège".into(),
        office_address: vec!["Place Xavier Neujean 19b".into(), "4000 Liège".into()],
        holder: "EL AMRANI Samira".into(),
        address: vec!["Rue de la Station 12".into(), "4020 Liège".into()],
        kind: ("Bilan social".into(), Some("Social assessment".into())),
        date: d(2026, 12, 16),
        time: "09:30".into(),
        minutes: 90,
        interpreter_language: Some("ar".into()),
        present_by: Some(d(2027, 3, 10)),
        case_reference: "CRIPEL-2026-000042".into(),
        issued_on: d(2026, 12, 15),
        translation: Some(LetterLanguage::English),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(pdf: &[u8]) -> Option<String> {
        let file = std::env::temp_dir().join(format!("parcours-invitation-{}.pdf", std::process::id()));
        std::fs::write(&file, pdf).ok()?;
        let out = std::process::Command::new("pdftotext").arg(&file).arg("-").output().ok()?;
        let _ = std::fs::remove_file(&file);
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    #[test]
    fn the_invitation_names_the_office_the_time_the_interpreter_and_the_deadline_in_both_languages() {
        let letter = sample();
        let pdf = render_invitation_letter(&letter).expect("rendered");
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(render_invitation_letter(&letter).expect("rendered"), pdf, "deterministic");
        if std::env::var_os("PARCOURS_UPDATE_SAMPLES").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/samples/invitation-letter-sample.pdf");
            std::fs::write(path, &pdf).expect("sample written");
        }
        let Some(text) = text_of(&pdf) else {
            assert!(std::env::var_os("CI").is_none(), "pdftotext (poppler-utils) is needed in CI");
            return;
        };
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "Invitation : Bilan social",
            "Le 16/12/2026 à 09:30",
            "Place Xavier Neujean 19b",
            "Un interprète (ar) est prévu",
            "au plus tard le 10/03/2027",
            "Invitation: Social assessment",
            "An interpreter (ar) is booked",
        ] {
            assert!(flat.contains(expected), "{expected} missing from: {flat}");
        }
        let without = InvitationLetter { interpreter_language: None, present_by: None, translation: None, ..sample() };
        let flat = text_of(&render_invitation_letter(&without).expect("rendered")).unwrap_or_default();
        assert!(flat.contains("Si vous avez besoin d'un interprète"), "{flat}");
        assert!(!flat.contains("Votre délai"), "no deadline once presented: {flat}");
    }
}
