//! The letter a commune hands to a person when the residence title is ordered (rules.md rule 4.1): why the
//! person is concerned, the competent CRI's address, the presentation deadline and how it is computed, the
//! rights (free, interpreter) and the consequences. French, followed by a page in the person's language when
//! it is one of [`LetterLanguage::ALL`] (and the service offers it); rendered on demand from the
//! determination, never stored.

use chrono::NaiveDate;

use crate::DocumentError;
use crate::page::{Align, BLACK, GREY, HEIGHT, LIGHT, MARGIN, Metadata, NAVY, Page, WIDTH, Weight, french_date};
use crate::template::Template;

const TEMPLATE: &str = include_str!("../templates/information-letter.txt");

/// A language the letter is translated into, after the French page (the official text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LetterLanguage {
    /// English.
    English,
    /// Dutch.
    Dutch,
    /// Spanish.
    Spanish,
}

impl LetterLanguage {
    /// Every translation this release ships.
    pub const ALL: [LetterLanguage; 3] = [LetterLanguage::English, LetterLanguage::Dutch, LetterLanguage::Spanish];

    /// ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            LetterLanguage::English => "en",
            LetterLanguage::Dutch => "nl",
            LetterLanguage::Spanish => "es",
        }
    }

    /// The translation for an ISO 639-1 code (case-insensitive), if there is one.
    pub fn parse(code: &str) -> Option<LetterLanguage> {
        LetterLanguage::ALL.into_iter().find(|language| language.code().eq_ignore_ascii_case(code.trim()))
    }

    fn template(self) -> &'static str {
        match self {
            LetterLanguage::English => include_str!("../templates/information-letter.en.txt"),
            LetterLanguage::Dutch => include_str!("../templates/information-letter.nl.txt"),
            LetterLanguage::Spanish => include_str!("../templates/information-letter.es.txt"),
        }
    }
}

/// What the presentation deadline starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineStart {
    /// First registration in a commune of the French-language region.
    FirstRegistration,
    /// Order of the residence title.
    TitleOrder,
}

/// Everything the letter prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InformationLetter {
    /// The commune that hands it over.
    pub commune_name: String,
    /// The person (surname, given names).
    pub holder: String,
    /// Obliged (deadlines and consequences) or voluntary.
    pub obliged: bool,
    /// The competent CRI.
    pub cri_name: String,
    /// Its office address, one line per line.
    pub cri_address: Vec<String>,
    /// Its web site.
    pub cri_website: String,
    /// Presentation deadline (obliged).
    pub present_by: Option<NaiveDate>,
    /// How it is computed, in French.
    pub present_by_explanation: Option<String>,
    /// What it starts from, the date and the months added (for the translated page).
    pub present_by_start: Option<(DeadlineStart, NaiveDate, u32)>,
    /// The person's language, when the letter has a page in it.
    pub translation: Option<LetterLanguage>,
    /// Completion deadline (obliged).
    pub complete_by: Option<NaiveDate>,
    /// Fine range on the reference date, in euros.
    pub fine_min_eur: u32,
    /// Fine range on the reference date, in euros.
    pub fine_max_eur: u32,
    /// The date the letter bears (the determination's date).
    pub issued_on: NaiveDate,
}

/// Renders the letter as an A4 PDF: the French page, then the translated page if any. The same letter
/// renders to the same bytes.
pub fn render_information_letter(letter: &InformationLetter) -> Result<Vec<u8>, DocumentError> {
    let french = Template::parse(TEMPLATE)?;
    let mut page = Page::new()?;
    lay_out(&mut page, letter, &french, None)?;
    if let Some(language) = letter.translation {
        page.next_page();
        lay_out(&mut page, letter, &Template::parse(language.template())?, Some(language))?;
    }
    let t = |key: &str| french.text(key, &[("commune", letter.commune_name.as_str())]);
    page.finish(&Metadata {
        title: &t("title")?,
        author: &t("sender")?,
        subject: &t("subtitle")?,
        date: letter.issued_on,
        identifier: &format!(
            "{}|{}|{}|{}",
            letter.holder,
            letter.commune_name,
            letter.issued_on,
            letter.translation.map_or("fr", LetterLanguage::code)
        ),
    })
}

/// One page of the letter from `template` (French when `language` is none).
fn lay_out(
    page: &mut Page,
    letter: &InformationLetter,
    template: &Template,
    language: Option<LetterLanguage>,
) -> Result<(), DocumentError> {
    let issued = french_date(letter.issued_on);
    let present_by = letter.present_by.map(french_date).unwrap_or_default();
    let complete_by = letter.complete_by.map(french_date).unwrap_or_default();
    let explanation = letter.present_by_explanation.clone().unwrap_or_default();
    let (fine_min, fine_max) = (letter.fine_min_eur.to_string(), letter.fine_max_eur.to_string());
    // A translated page explains the deadline from its parts; the French one with the rules' own words.
    let (start, start_basis, months) = match (language, letter.present_by_start) {
        (Some(_), Some((basis, date, months))) => {
            let key = match basis {
                DeadlineStart::FirstRegistration => "basis_first_registration",
                DeadlineStart::TitleOrder => "basis_title_order",
            };
            (french_date(date), template.text(key, &[])?, months.to_string())
        }
        _ => (String::new(), String::new(), String::new()),
    };
    let values: Vec<(&str, &str)> = vec![
        ("commune", &letter.commune_name),
        ("holder", &letter.holder),
        ("cri_name", &letter.cri_name),
        ("present_by", &present_by),
        ("present_by_explanation", &explanation),
        ("start", &start),
        ("start_basis", &start_basis),
        ("months", &months),
        ("complete_by", &complete_by),
        ("fine_min", &fine_min),
        ("fine_max", &fine_max),
        ("issued_on", &issued),
    ];
    let t = |key: &str| template.text(key, &values);
    let explained = match language {
        None => letter.present_by_explanation.is_some(),
        Some(_) => letter.present_by_start.is_some(),
    };
    let width = WIDTH - 2.0 * MARGIN;

    page.rect(0.0, 0.0, WIDTH, 8.0, NAVY);
    page.text(&t("sender")?, Weight::Bold, 11.0, NAVY, MARGIN, 46.0, Align::Left);
    page.text(&t("date_line")?, Weight::Regular, 9.0, BLACK, WIDTH - MARGIN, 46.0, Align::Right);
    page.text(&t("addressee")?, Weight::Regular, 10.0, BLACK, MARGIN, 70.0, Align::Left);

    let mut top = 108.0;
    page.text(&t("title")?, Weight::Bold, 17.0, NAVY, MARGIN, top, Align::Left);
    top = page.paragraph(&t("subtitle")?, Weight::Regular, 9.0, GREY, MARGIN, top + 16.0, width, 11.0);

    let section = |page: &mut Page, key: &str, top: f32| -> Result<f32, DocumentError> {
        page.rect(MARGIN, top - 12.0, width, 17.0, LIGHT);
        page.text(&t(key)?, Weight::Bold, 10.5, NAVY, MARGIN + 6.0, top, Align::Left);
        Ok(top + 20.0)
    };
    top = section(page, "why_heading", top + 16.0)?;
    let why = if letter.obliged { "why_obliged" } else { "why_voluntary" };
    top = page.paragraph(&t(why)?, Weight::Regular, 10.0, BLACK, MARGIN, top, width, 13.5);

    top = section(page, "where_heading", top + 12.0)?;
    top = page.paragraph(&t("where_text")?, Weight::Regular, 10.0, BLACK, MARGIN, top, width, 13.5);
    top = page.paragraph(&letter.cri_name, Weight::Bold, 10.5, BLACK, MARGIN + 14.0, top + 2.0, width - 14.0, 13.5);
    for line in &letter.cri_address {
        page.text(line, Weight::Regular, 10.0, BLACK, MARGIN + 14.0, top, Align::Left);
        top += 13.0;
    }
    page.text(&letter.cri_website, Weight::Regular, 9.5, NAVY, MARGIN + 14.0, top, Align::Left);
    top += 6.0;

    top = section(page, "when_heading", top + 16.0)?;
    if letter.obliged && letter.present_by.is_some() {
        top = page.paragraph(&t("when_obliged")?, Weight::Bold, 11.0, BLACK, MARGIN, top, width, 14.0);
        if explained {
            top = page.paragraph(&t("when_explanation")?, Weight::Regular, 9.0, GREY, MARGIN, top, width, 11.5);
        }
        if letter.complete_by.is_some() {
            top = page.paragraph(&t("when_complete")?, Weight::Regular, 10.0, BLACK, MARGIN, top + 2.0, width, 13.5);
        }
    } else {
        top = page.paragraph(&t("when_voluntary")?, Weight::Regular, 10.0, BLACK, MARGIN, top, width, 13.5);
    }

    top = section(page, "rights_heading", top + 12.0)?;
    top = page.paragraph(&t("rights_text")?, Weight::Regular, 10.0, BLACK, MARGIN, top, width, 13.5);
    top = section(page, "content_heading", top + 12.0)?;
    top = page.paragraph(&t("content_text")?, Weight::Regular, 10.0, BLACK, MARGIN, top, width, 13.5);
    if letter.obliged {
        top = section(page, "consequences_heading", top + 12.0)?;
        page.paragraph(&t("consequences_text")?, Weight::Regular, 10.0, BLACK, MARGIN, top, width, 13.5);
    }

    let footer = HEIGHT - 60.0;
    page.rule(MARGIN, footer - 12.0, width, 0.6, LIGHT);
    page.paragraph(&t("footer")?, Weight::Regular, 8.0, GREY, MARGIN, footer, width, 10.0);
    page.rect(0.0, HEIGHT - 8.0, WIDTH, 8.0, NAVY);
    Ok(())
}

/// A fictitious letter, for samples and tests.
pub fn sample() -> InformationLetter {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
    InformationLetter {
        commune_name: "Liège".into(),
        holder: "EL AMRANI Samira".into(),
        obliged: true,
        cri_name: "Centre Régional pour l'Intégration des Personnes Étrangères ou d'origine étrangère de Liège".into(),
        cri_address: vec!["Place Xavier Neujean 19b".into(), "4000 Liège".into()],
        cri_website: "cripel.be".into(),
        present_by: Some(d(2027, 3, 1)),
        present_by_explanation: Some(
            "2026-12-01 (la première inscription dans une commune de la région de langue française) + 3 mois = \
             2027-03-01 (fin de mois si le jour n'existe pas), régime R2024"
                .into(),
        ),
        present_by_start: Some((DeadlineStart::FirstRegistration, d(2026, 12, 1), 3)),
        translation: None,
        complete_by: Some(d(2029, 12, 15)),
        fine_min_eur: 100,
        fine_max_eur: 2500,
        issued_on: d(2026, 12, 15),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(pdf: &[u8]) -> Option<String> {
        let dir = std::env::temp_dir().join(format!("parcours-letter-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        // Tests run in parallel: one file per rendering.
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let file = dir.join(format!("letter-{}.pdf", NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
        std::fs::write(&file, pdf).ok()?;
        let out = std::process::Command::new("pdftotext").arg(&file).arg("-").output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    #[test]
    fn the_letter_names_the_cri_address_and_the_deadline_with_its_computation() {
        let letter = sample();
        let pdf = render_information_letter(&letter).expect("renders");
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(pdf, render_information_letter(&letter).expect("renders"), "deterministic");
        if std::env::var_os("PARCOURS_UPDATE_SAMPLES").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/samples/information-letter-sample.pdf");
            std::fs::write(path, &pdf).expect("sample written");
        }
        let Some(text) = text_of(&pdf) else {
            assert!(std::env::var_os("CI").is_none(), "pdftotext (poppler-utils) is needed in CI");
            eprintln!("pdftotext not found: the text check is skipped outside CI");
            return;
        };
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "Place Xavier Neujean 19b",
            "4000 Liège",
            "Au plus tard le 01/03/2027",
            "+ 3 mois",
            "SETIS",
            "100 à 2500 euros",
        ] {
            assert!(flat.contains(expected), "{expected} missing from: {flat}");
        }
    }

    #[test]
    fn a_voluntary_letter_has_no_deadline_and_no_fine() {
        let letter = InformationLetter {
            obliged: false,
            present_by: None,
            present_by_explanation: None,
            complete_by: None,
            ..sample()
        };
        let pdf = render_information_letter(&letter).expect("renders");
        if let Some(text) = text_of(&pdf) {
            assert!(text.contains("volontairement"));
            assert!(!text.contains("amende"));
        }
    }

    #[test]
    fn a_translated_letter_keeps_the_french_page_first_and_explains_the_deadline_in_the_persons_language() {
        for (language, expected) in [
            (LetterLanguage::English, ["By 01/03/2027 at the latest", "01/12/2026 (first registration", "+ 3 months"]),
            (LetterLanguage::Dutch, ["Uiterlijk op 01/03/2027", "01/12/2026 (eerste inschrijving", "+ 3 maanden"]),
            (LetterLanguage::Spanish, ["A más tardar el 01/03/2027", "01/12/2026 (primera inscripción", "+ 3 meses"]),
        ] {
            let letter = InformationLetter { translation: Some(language), ..sample() };
            let pdf = render_information_letter(&letter).expect("renders");
            if language == LetterLanguage::English && std::env::var_os("PARCOURS_UPDATE_SAMPLES").is_some() {
                let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/samples/information-letter-sample-en.pdf");
                std::fs::write(path, &pdf).expect("sample written");
            }
            let Some(text) = text_of(&pdf) else {
                assert!(std::env::var_os("CI").is_none(), "pdftotext (poppler-utils) is needed in CI");
                return;
            };
            let pages: Vec<String> =
                text.split('\u{c}').map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
            assert!(pages[0].contains("Au plus tard le 01/03/2027"), "French first");
            for phrase in expected {
                assert!(pages[1].contains(phrase), "{phrase} missing from {language:?}: {}", pages[1]);
            }
            assert!(pages[1].contains("Place Xavier Neujean 19b"));
        }
        assert_eq!(LetterLanguage::parse("EN"), Some(LetterLanguage::English));
        assert_eq!(LetterLanguage::parse("ar"), None, "no Arabic template: French only");
    }
}
