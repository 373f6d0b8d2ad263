//! The *attestation de fréquentation* as one A4 page (CWASS art. 152/7 §2; rules.md §5): the CRI's name and
//! address, the serial, the holder, the axes with their hours, the dates, the legal basis, the signatory,
//! a QR code with the verification address printed in clear under it, and what the document proves. The
//! texts are in `templates/attestation.txt`.

use chrono::NaiveDate;

use crate::DocumentError;
use crate::page::{Align, BLACK, Colour, GREY, LIGHT, MARGIN, Metadata, NAVY, Page, WIDTH, Weight, french_date};
use crate::template::Template;
use crate::verification::qr_modules;

const TEMPLATE: &str = include_str!("../templates/attestation.txt");

/// The version of the attestation template (its `version` line): recorded with each attestation.
pub fn template_version() -> Result<u32, DocumentError> {
    Template::parse(TEMPLATE)?
        .text("version", &[])?
        .parse()
        .map_err(|_| DocumentError::Template("`version` is not a number".into()))
}

/// One axis line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxisLine {
    /// `french`, `citizenship` or `orientation`.
    pub axis: String,
    /// `met`, `waived` or `not_required`.
    pub outcome: String,
    /// Hours the convention required.
    pub required_hours: u32,
    /// Minutes attended.
    pub attended_minutes: i64,
}

/// Everything printed on an attestation. The caller supplies the facts; the texts come from the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttestationDocument {
    /// Serial.
    pub serial: String,
    /// `pathway` or `welcome_module`.
    pub kind: String,
    /// Holder's surname.
    pub surname: String,
    /// Holder's given names.
    pub given_names: String,
    /// Holder's birth date.
    pub birth_date: NaiveDate,
    /// The CRI's official name.
    pub cri_name: String,
    /// The CRI's address, one line each.
    pub cri_address: Vec<String>,
    /// Regime code.
    pub regime: String,
    /// Axes (empty for the welcome module).
    pub axes: Vec<AxisLine>,
    /// Completion date.
    pub completed_on: NaiveDate,
    /// Issue date.
    pub issued_on: NaiveDate,
    /// Legal basis.
    pub basis: String,
    /// Signatory's name.
    pub signatory_name: String,
    /// Signatory's function.
    pub signatory_function: String,
    /// The verification address printed under the QR code.
    pub verification_url: String,
    /// The QR code's text (the address and the signed payload).
    pub qr_text: String,
    /// The attestation this one corrects.
    pub supersedes: Option<String>,
    /// Copy number for a reprint (the original has none).
    pub copy: Option<u32>,
}

fn hours(minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    if m == 0 { format!("{h} h") } else { format!("{h} h {m:02}") }
}

/// Renders the attestation as a PDF. The same document renders to the same bytes.
pub fn render_attestation(document: &AttestationDocument) -> Result<Vec<u8>, DocumentError> {
    let template = Template::parse(TEMPLATE)?;
    let completed = french_date(document.completed_on);
    let issued = french_date(document.issued_on);
    let birth = french_date(document.birth_date);
    let holder = format!("{} {}", document.surname.to_uppercase(), document.given_names);
    let copy = document.copy.map(|c| c.to_string()).unwrap_or_default();
    let supersedes = document.supersedes.clone().unwrap_or_default();
    let values: Vec<(&str, &str)> = vec![
        ("serial", &document.serial),
        ("cri_name", &document.cri_name),
        ("holder", &holder),
        ("birth_date", &birth),
        ("completed_on", &completed),
        ("issued_on", &issued),
        ("regime", &document.regime),
        ("basis", &document.basis),
        ("copy", &copy),
        ("supersedes", &supersedes),
        ("verification_url", &document.verification_url),
    ];
    let t = |key: &str| template.text(key, &values);
    let text_width = WIDTH - 2.0 * MARGIN;
    let mut page = Page::new()?;

    // Header band: issuer on the left, serial on the right.
    page.rect(0.0, 0.0, WIDTH, 8.0, NAVY);
    page.text(&t("issuer_label")?, Weight::Regular, 8.0, GREY, MARGIN, 40.0, Align::Left);
    // The name wraps beside the serial, which keeps the right-hand column.
    let mut top = page.paragraph(&document.cri_name, Weight::Bold, 11.0, NAVY, MARGIN, 56.0, 300.0, 14.0);
    for line in &document.cri_address {
        page.text(line, Weight::Regular, 9.0, BLACK, MARGIN, top, Align::Left);
        top += 12.0;
    }
    page.text(&t("serial_label")?, Weight::Bold, 10.0, BLACK, WIDTH - MARGIN, 56.0, Align::Right);
    if document.copy.is_some() {
        page.text(&t("copy_label")?, Weight::Bold, 10.0, Colour(0.6, 0.1, 0.1), WIDTH - MARGIN, 70.0, Align::Right);
    }

    // Title.
    top = top.max(110.0) + 30.0;
    page.text(&t("title")?, Weight::Bold, 22.0, NAVY, 0.0, top, Align::Centre);
    page.text(&t("title_en")?, Weight::Regular, 10.0, GREY, 0.0, top + 18.0, Align::Centre);
    page.text(&t("subtitle")?, Weight::Regular, 10.0, BLACK, 0.0, top + 33.0, Align::Centre);
    top += 60.0;

    let statement = if document.kind == "welcome_module" { "statement_welcome_module" } else { "statement_pathway" };
    top = page.paragraph(&t(statement)?, Weight::Regular, 11.0, BLACK, MARGIN, top, text_width, 15.0);
    top = page.paragraph(&t(&format!("{statement}_en"))?, Weight::Regular, 8.5, GREY, MARGIN, top, text_width, 11.0);
    if document.supersedes.is_some() {
        top = page.paragraph(&t("supersedes_label")?, Weight::Bold, 9.0, BLACK, MARGIN, top + 4.0, text_width, 12.0);
    }

    // Holder.
    top += 16.0;
    heading(&mut page, &t("holder_heading")?, &t("holder_heading_en")?, top);
    top += 22.0;
    page.text(&t("holder_name")?, Weight::Bold, 11.0, BLACK, MARGIN, top, Align::Left);
    page.text(&t("holder_birth")?, Weight::Regular, 10.0, BLACK, MARGIN, top + 15.0, Align::Left);
    top += 38.0;

    // Pathway.
    heading(&mut page, &t("pathway_heading")?, &t("pathway_heading_en")?, top);
    top += 22.0;
    if document.kind == "welcome_module" {
        top = page.paragraph(&t("welcome_module_line")?, Weight::Regular, 10.0, BLACK, MARGIN, top, text_width, 13.0);
    } else {
        let (axis_x, hours_x, outcome_x) = (MARGIN, MARGIN + 215.0, MARGIN + 325.0);
        page.text(&t("column_axis")?, Weight::Bold, 8.5, GREY, axis_x, top, Align::Left);
        page.text(&t("column_hours")?, Weight::Bold, 8.5, GREY, hours_x, top, Align::Left);
        page.text(&t("column_outcome")?, Weight::Bold, 8.5, GREY, outcome_x, top, Align::Left);
        top += 5.0;
        page.rule(MARGIN, top, text_width, 0.6, GREY);
        top += 15.0;
        for line in &document.axes {
            let required = line.required_hours.to_string();
            let outcome = template.text(&format!("outcome_{}", line.outcome), &[("required", &required)])?;
            page.text(&t(&format!("axis_{}", line.axis))?, Weight::Regular, 10.0, BLACK, axis_x, top, Align::Left);
            page.text(&hours(line.attended_minutes), Weight::Regular, 10.0, BLACK, hours_x, top, Align::Left);
            page.text(&outcome, Weight::Regular, 10.0, BLACK, outcome_x, top, Align::Left);
            top += 16.0;
        }
    }
    top += 8.0;
    for key in ["completed_on", "issued_on", "regime"] {
        page.text(&t(key)?, Weight::Regular, 10.0, BLACK, MARGIN, top, Align::Left);
        top += 14.0;
    }
    top = page.paragraph(&t("basis")?, Weight::Regular, 10.0, BLACK, MARGIN, top, text_width, 14.0);

    // Signature.
    top += 16.0;
    page.text(&t("signature_heading")?, Weight::Regular, 9.0, GREY, MARGIN, top, Align::Left);
    page.text(&document.signatory_name, Weight::Bold, 11.0, BLACK, MARGIN, top + 16.0, Align::Left);
    page.text(&document.signatory_function, Weight::Regular, 10.0, BLACK, MARGIN, top + 30.0, Align::Left);

    // Verification: QR code on the right of the lower part, address in clear under it.
    let qr_size = 128.0;
    let qr_top = top + 48.0;
    let qr_x = WIDTH - MARGIN - qr_size;
    page.qr(&qr_modules(&document.qr_text)?, qr_x, qr_top, qr_size);
    let left_width = text_width - qr_size - 20.0;
    let mut verify_top = qr_top + 10.0;
    page.text(&t("verify_heading")?, Weight::Bold, 10.0, NAVY, MARGIN, verify_top, Align::Left);
    verify_top += 15.0;
    verify_top = page.paragraph(&t("verify_text")?, Weight::Regular, 9.0, BLACK, MARGIN, verify_top, left_width, 12.0);
    page.paragraph(&t("verify_text_en")?, Weight::Regular, 8.0, GREY, MARGIN, verify_top, left_width, 10.5);
    page.text(
        &document.verification_url,
        Weight::Regular,
        7.5,
        BLACK,
        WIDTH - MARGIN,
        qr_top + qr_size + 10.0,
        Align::Right,
    );

    // What the document proves, as a footer.
    let mut footer = (qr_top + qr_size + 42.0).max(842.0 - 110.0);
    page.rule(MARGIN, footer - 14.0, text_width, 0.6, LIGHT);
    footer = page.paragraph(&t("proves")?, Weight::Regular, 8.5, BLACK, MARGIN, footer, text_width, 11.0);
    page.paragraph(&t("proves_en")?, Weight::Regular, 7.5, GREY, MARGIN, footer, text_width, 10.0);
    page.rect(0.0, 842.0 - 8.0, WIDTH, 8.0, NAVY);

    let title = t("title")?;
    let identifier = format!("{}|{}|{:?}", document.serial, template_version()?, document.copy);
    page.finish(&Metadata {
        title: &format!("{title} {}", document.serial),
        author: &document.cri_name,
        subject: &t("subtitle")?,
        date: document.issued_on,
        identifier: &identifier,
    })
}

fn heading(page: &mut Page, french: &str, english: &str, top: f32) {
    page.rect(MARGIN, top - 12.0, WIDTH - 2.0 * MARGIN, 17.0, LIGHT);
    page.text(french, Weight::Bold, 10.5, NAVY, MARGIN + 6.0, top, Align::Left);
    let width = page.measure(french, Weight::Bold, 10.5);
    page.text(&format!("/ {english}"), Weight::Regular, 9.0, GREY, MARGIN + 12.0 + width, top, Align::Left);
}

/// A fictitious attestation, for samples, tests and benchmarks.
pub fn sample() -> AttestationDocument {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
    AttestationDocument {
        serial: "CRIPEL-ATT-2027-000123".into(),
        kind: "pathway".into(),
        surname: "Łukasiewicz-Şahin".into(),
        given_names: "Ayşe Maria".into(),
        birth_date: d(1990, 5, 10),
        cri_name: "Centre Régional pour l'Intégration des personnes étrangères ou d'origine étrangère de Liège".into(),
        cri_address: vec!["Place Xavier Neujean 19b".into(), "4000 Liège".into()],
        regime: "R2018".into(),
        axes: vec![
            AxisLine { axis: "french".into(), outcome: "met".into(), required_hours: 400, attended_minutes: 412 * 60 + 30 },
            AxisLine { axis: "citizenship".into(), outcome: "met".into(), required_hours: 60, attended_minutes: 60 * 60 },
            AxisLine { axis: "orientation".into(), outcome: "met".into(), required_hours: 4, attended_minutes: 4 * 60 },
        ],
        completed_on: d(2026, 12, 18),
        issued_on: d(2027, 1, 4),
        basis: "CWASS art. 152/7 §2 (décret du 28 avril 2016, tel que modifié)".into(),
        signatory_name: "Marie Dupont".into(),
        signatory_function: "Directrice".into(),
        verification_url: "https://parcours.example.be/verify/CRIPEL-ATT-2027-000123?t=Zm9vYmFyYmF6cXV4MTIzNDU2".into(),
        qr_text: "https://parcours.example.be/verify/CRIPEL-ATT-2027-000123?t=Zm9vYmFyYmF6cXV4MTIzNDU2#PA1.kid.CRIPEL-ATT-2027-000123.20270104.CRIPEL.20261218.AAAAAAAAAAAAAAAAAAAAAA.sig".into(),
        supersedes: None,
        copy: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_attestation_renders_to_the_same_bytes_and_a_copy_differs() {
        let first = render_attestation(&sample()).expect("renders");
        assert!(first.starts_with(b"%PDF-"));
        assert_eq!(render_attestation(&sample()).expect("renders"), first);
        let copy = render_attestation(&AttestationDocument { copy: Some(2), ..sample() }).expect("renders");
        assert_ne!(copy, first);
        assert!(first.len() < 100_000, "subset fonts keep the page small: {} bytes", first.len());
        // `make samples` rewrites the sample under docs/samples (then rendered to PNG with pdftoppm).
        if std::env::var_os("PARCOURS_UPDATE_SAMPLES").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/samples/attestation-sample.pdf");
            std::fs::write(path, &first).expect("docs/samples is writable");
        }
    }

    /// Renders the page to pixels with poppler's `pdftoppm` (installed by `.ci/run`), reads it back as a
    /// greyscale image, and decodes the printed QR code with a pure-Rust reader: the page really carries
    /// the address and a payload whose signature verifies. Without poppler outside CI, says so and skips.
    #[test]
    fn the_printed_qr_code_decodes_to_the_address_and_a_signed_payload() {
        use crate::verification::{OfflinePayload, holder_hash, key_id, qr_text};
        let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
        let kid = key_id(&key.verifying_key());
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let payload = OfflinePayload {
            kid: kid.clone(),
            serial: "CRIPEL-ATT-2027-000123".into(),
            issued_on: d(2027, 1, 4),
            cri: "CRIPEL".into(),
            completed_on: d(2026, 12, 18),
            holder: holder_hash("CRIPEL-ATT-2027-000123", "lukasiewiczsahin", d(1990, 5, 10)),
        };
        let document =
            AttestationDocument { qr_text: qr_text(&sample().verification_url, &payload.sign(&key)), ..sample() };
        let pdf = render_attestation(&document).expect("renders");
        let dir = std::env::temp_dir().join(format!("parcours-qr-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let input = dir.join("attestation.pdf");
        std::fs::write(&input, &pdf).expect("write pdf");
        let text = std::process::Command::new("pdftotext").arg(&input).arg("-").output();
        let raster = std::process::Command::new("pdftoppm")
            .args(["-gray", "-r", "300", "-aa", "no", "-aaVector", "no", "-singlefile"])
            .arg(&input)
            .arg(dir.join("page"))
            .status();
        let (Ok(text), Ok(status)) = (text, raster) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI needs poppler-utils (pdftoppm, pdftotext): .ci/run installs it"
            );
            eprintln!("SKIPPED: poppler-utils (pdftoppm, pdftotext) is not installed; .ci/run installs it");
            return;
        };
        assert!(status.success());
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("CRIPEL-ATT-2027-000123"), "{text}");
        assert!(text.contains(&sample().verification_url), "the address is printed in clear: {text}");
        assert!(text.contains("ŁUKASIEWICZ-ŞAHIN"), "names outside Latin-1 print and extract: {text}");
        let pgm = std::fs::read(dir.join("page.pgm")).expect("pgm");
        let (width, height, pixels) = read_pgm(&pgm);
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code on the page");
        let (_, decoded) = grids[0].decode().expect("the QR code decodes");
        assert_eq!(decoded, document.qr_text);
        assert!(decoded.starts_with(&sample().verification_url));
        let verified = OfflinePayload::verify(&decoded, &[(kid, key.verifying_key())]).expect("signature verifies");
        assert_eq!(verified, payload);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A binary PGM (P5, 8 bits): width, height, pixels.
    fn read_pgm(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
        let mut fields = Vec::new();
        let mut position = 0;
        while fields.len() < 4 {
            while bytes[position].is_ascii_whitespace() {
                position += 1;
            }
            let start = position;
            while !bytes[position].is_ascii_whitespace() {
                position += 1;
            }
            fields.push(String::from_utf8_lossy(&bytes[start..position]).into_owned());
        }
        assert_eq!((fields[0].as_str(), fields[3].as_str()), ("P5", "255"));
        let (width, height) = (fields[1].parse().expect("width"), fields[2].parse().expect("height"));
        (width, height, bytes[position + 1..].to_vec())
    }
}
