//! The documents of a sanction procedure (CWASS art. 152/8): the **notice** inviting the person's
//! observations (the facts, the law, what was checked, the evidence, how to consult the file and by when to
//! answer), the **decision** (its reasons in fact and in law, the answer to every observation, the outcome,
//! the appeal route and deadline, the two officials), and the **file** (the evidence pack, every section
//! the API assembles from the records). French; rendered on demand, never stored; paginated A4.

use chrono::NaiveDate;

use crate::DocumentError;
use crate::flow::Flow;
use crate::page::{Align, BLACK, GREY, MARGIN, Metadata, NAVY, WIDTH, Weight, french_date};
use crate::template::Template;

const TEMPLATE: &str = include_str!("../templates/sanction-documents.txt");

/// The person as the letters address them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressee {
    /// Surname in capitals, given names.
    pub holder: String,
    /// Address lines as the commune reported them (empty: hand-delivered).
    pub address: Vec<String>,
}

/// Everything the notice prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SanctionNotice {
    /// The person.
    pub to: Addressee,
    /// Procedure reference.
    pub procedure_reference: String,
    /// Case reference.
    pub case_reference: String,
    /// The CRI that handed the file over.
    pub cri_name: String,
    /// The facts, in French.
    pub facts: String,
    /// The rules (one line each).
    pub law: Vec<String>,
    /// The preconditions checked, as stated.
    pub preconditions: Vec<String>,
    /// The evidence in the file.
    pub evidence: Vec<String>,
    /// Fine range on the date of the facts.
    pub fine_min: u32,
    /// Fine range on the date of the facts.
    pub fine_max: u32,
    /// Days for observations (parameter).
    pub observation_days: u32,
    /// Once the notice is recorded as notified: the proven date and the last day for observations.
    pub notified: Option<(NaiveDate, NaiveDate)>,
    /// Date the letter bears.
    pub issued_on: NaiveDate,
}

fn letterhead(
    flow: &mut Flow,
    template: &Template,
    values: &[(&str, &str)],
    to: Option<&Addressee>,
) -> Result<(), DocumentError> {
    let t = |key: &str| template.text(key, values);
    let mut top = 46.0;
    flow.page.text(&t("authority_name")?, Weight::Bold, 10.5, NAVY, MARGIN, top, Align::Left);
    for key in ["authority_unit", "authority_address_1", "authority_address_2"] {
        top += 12.0;
        flow.page.text(&t(key)?, Weight::Regular, 9.0, GREY, MARGIN, top, Align::Left);
    }
    if let Some(to) = to {
        let mut address_top = 150.0;
        flow.page.text(&to.holder, Weight::Bold, 10.5, BLACK, 320.0, address_top, Align::Left);
        for line in &to.address {
            address_top += 13.0;
            flow.page.text(line, Weight::Regular, 10.5, BLACK, 320.0, address_top, Align::Left);
        }
        top = top.max(address_top);
    }
    top += 36.0;
    flow.page.text(&t("date_line")?, Weight::Regular, 9.5, BLACK, WIDTH - MARGIN, top, Align::Right);
    top += 14.0;
    flow.page.text(&t("reference_line")?, Weight::Regular, 9.5, GREY, WIDTH - MARGIN, top, Align::Right);
    flow.top = top + 30.0;
    Ok(())
}

/// Renders the notice.
pub fn render_notice(notice: &SanctionNotice) -> Result<Vec<u8>, DocumentError> {
    let template = Template::parse(TEMPLATE)?;
    let issued = french_date(notice.issued_on);
    let (notified_on, due) = notice.notified.map(|(on, due)| (french_date(on), french_date(due))).unwrap_or_default();
    let (min, max, days) =
        (notice.fine_min.to_string(), notice.fine_max.to_string(), notice.observation_days.to_string());
    let city = template.text("city", &[])?;
    let values: Vec<(&str, &str)> = vec![
        ("city", &city),
        ("issued_on", &issued),
        ("procedure_reference", &notice.procedure_reference),
        ("case_reference", &notice.case_reference),
        ("cri_name", &notice.cri_name),
        ("fine_min", &min),
        ("fine_max", &max),
        ("observation_days", &days),
        ("observations_due", &due),
        ("notified_on", &notified_on),
    ];
    let t = |key: &str| template.text(key, &values);
    let mut flow = Flow::new(t("footer")?)?;
    letterhead(&mut flow, &template, &values, Some(&notice.to))?;
    flow.title(&t("notice_title")?);
    flow.body(&t("notice_intro")?);
    flow.heading(&t("facts_heading")?);
    flow.body(&notice.facts);
    flow.heading(&t("law_heading")?);
    for line in &notice.law {
        flow.bullet(line);
    }
    flow.body(&t("law_fines")?);
    flow.heading(&t("preconditions_heading")?);
    for line in &notice.preconditions {
        flow.bullet(line);
    }
    flow.heading(&t("evidence_heading")?);
    for line in &notice.evidence {
        flow.bullet(line);
    }
    flow.heading(&t("consult_heading")?);
    flow.body(&t("consult_text")?);
    flow.heading(&t("observations_heading")?);
    flow.body(&t("observations_text")?);
    if notice.notified.is_some() {
        flow.paragraph(&t("observations_due_text")?, Weight::Bold, 10.0, BLACK, 0.0, 13.5);
        flow.top += 3.0;
    }
    flow.paragraph(&t("regularise_text")?, Weight::Regular, 9.0, GREY, 0.0, 11.5);
    flow.top += 24.0;
    flow.paragraph(&t("notice_signature")?, Weight::Bold, 10.0, BLACK, 0.0, 12.5);
    flow.page.finish(&Metadata {
        title: &t("notice_title")?,
        author: &t("authority_name")?,
        subject: &t("reference_line")?,
        date: notice.issued_on,
        identifier: &format!("notice|{}|{}", notice.procedure_reference, notice.issued_on),
    })
}

/// What a decision decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionOutcome {
    /// A fine, in euros.
    Fine(u32),
    /// No fine.
    NoFine,
    /// Dismissed.
    Dismissal,
}

/// An observation and the decision's answer to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnsweredObservation {
    /// Number.
    pub number: u32,
    /// Received on.
    pub received_on: NaiveDate,
    /// `écrite` or `audition`.
    pub form: String,
    /// What the person said.
    pub summary: String,
    /// Received late.
    pub late: bool,
    /// The answer.
    pub answer: String,
}

/// Everything the decision prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SanctionDecision {
    /// The person.
    pub to: Addressee,
    /// Procedure reference.
    pub procedure_reference: String,
    /// Case reference.
    pub case_reference: String,
    /// The CRI that handed the file over.
    pub cri_name: String,
    /// The draft's number.
    pub draft: u32,
    /// The notice's notification date.
    pub notified_on: NaiveDate,
    /// How it was notified, in French.
    pub notice_channel: String,
    /// The facts.
    pub facts: String,
    /// The rules.
    pub law: Vec<String>,
    /// The preconditions checked.
    pub preconditions: Vec<String>,
    /// The observations with their answers.
    pub observations: Vec<AnsweredObservation>,
    /// The reasons.
    pub reasoning: String,
    /// The outcome.
    pub outcome: DecisionOutcome,
    /// The appeal route (parameter).
    pub appeal_route: String,
    /// Days to appeal (parameter).
    pub appeal_days: u32,
    /// Drafting official and date.
    pub drafted: (String, NaiveDate),
    /// Signing official and date, once signed.
    pub signed: Option<(String, NaiveDate)>,
    /// Date the document bears.
    pub issued_on: NaiveDate,
}

/// Renders the decision (a draft says so in its title and has no effect).
pub fn render_decision(decision: &SanctionDecision) -> Result<Vec<u8>, DocumentError> {
    let template = Template::parse(TEMPLATE)?;
    let issued = french_date(decision.issued_on);
    let notified = french_date(decision.notified_on);
    let draft = decision.draft.to_string();
    let days = decision.appeal_days.to_string();
    let amount = match decision.outcome {
        DecisionOutcome::Fine(amount) => amount.to_string(),
        _ => String::new(),
    };
    let (drafted_by, drafted_on) = (decision.drafted.0.clone(), french_date(decision.drafted.1));
    let (signed_by, signed_on) =
        decision.signed.as_ref().map(|(by, on)| (by.clone(), french_date(*on))).unwrap_or_default();
    let city = template.text("city", &[])?;
    let values: Vec<(&str, &str)> = vec![
        ("city", &city),
        ("issued_on", &issued),
        ("procedure_reference", &decision.procedure_reference),
        ("case_reference", &decision.case_reference),
        ("cri_name", &decision.cri_name),
        ("draft", &draft),
        ("notified_on", &notified),
        ("notice_channel", &decision.notice_channel),
        ("amount", &amount),
        ("appeal_route", &decision.appeal_route),
        ("appeal_days", &days),
        ("drafted_by", &drafted_by),
        ("drafted_on", &drafted_on),
        ("signed_by", &signed_by),
        ("signed_on", &signed_on),
    ];
    let t = |key: &str| template.text(key, &values);
    let mut flow = Flow::new(t("footer")?)?;
    letterhead(&mut flow, &template, &values, Some(&decision.to))?;
    let title = if decision.signed.is_some() { t("decision_title")? } else { t("decision_draft_title")? };
    flow.title(&title);
    flow.body(&t("decision_intro")?);
    flow.heading(&t("facts_heading")?);
    flow.body(&decision.facts);
    flow.heading(&t("law_heading")?);
    for line in &decision.law {
        flow.bullet(line);
    }
    flow.heading(&t("preconditions_heading")?);
    for line in &decision.preconditions {
        flow.bullet(line);
    }
    flow.heading(&t("observations_answered_heading")?);
    if decision.observations.is_empty() {
        flow.body(&t("no_observations")?);
    }
    let late = t("late_flag")?;
    for o in &decision.observations {
        let flag = if o.late { format!(" ({late})") } else { String::new() };
        let head = format!("Observation n° {} — {}, {}{flag}", o.number, o.form, french_date(o.received_on));
        flow.paragraph(&head, Weight::Bold, 10.0, BLACK, 0.0, 13.5);
        flow.paragraph(&format!("« {} »", o.summary), Weight::Regular, 10.0, GREY, 12.0, 13.5);
        flow.paragraph(&format!("Réponse : {}", o.answer), Weight::Regular, 10.0, BLACK, 12.0, 13.5);
        flow.top += 4.0;
    }
    flow.heading(&t("reasoning_heading")?);
    flow.body(&decision.reasoning);
    flow.heading(&t("outcome_heading")?);
    let outcome = match decision.outcome {
        DecisionOutcome::Fine(_) => t("outcome_fine")?,
        DecisionOutcome::NoFine => t("outcome_no_fine")?,
        DecisionOutcome::Dismissal => t("outcome_dismissal")?,
    };
    flow.paragraph(&outcome, Weight::Bold, 11.0, NAVY, 0.0, 14.5);
    if matches!(decision.outcome, DecisionOutcome::Fine(_)) {
        flow.body(&t("payment_text")?);
    }
    flow.heading(&t("appeal_heading")?);
    flow.body(&t("appeal_text")?);
    flow.top += 16.0;
    flow.paragraph(&t("drafted_line")?, Weight::Regular, 9.5, BLACK, 0.0, 12.5);
    let signed = if decision.signed.is_some() { t("signed_line")? } else { t("unsigned_line")? };
    flow.paragraph(&signed, Weight::Bold, 9.5, BLACK, 0.0, 12.5);
    flow.page.finish(&Metadata {
        title: &title,
        author: &t("authority_name")?,
        subject: &t("reference_line")?,
        date: decision.issued_on,
        identifier: &format!("decision|{}|{}|{}", decision.procedure_reference, decision.draft, decision.issued_on),
    })
}

/// One section of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSection {
    /// Heading.
    pub heading: String,
    /// One line (or paragraph) per item; an empty section prints « néant ».
    pub items: Vec<String>,
}

/// The evidence file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SanctionFile {
    /// Procedure reference.
    pub procedure_reference: String,
    /// Case reference.
    pub case_reference: String,
    /// The CRI.
    pub cri_name: String,
    /// The person (surname in capitals, given names).
    pub holder: String,
    /// Sections, in order.
    pub sections: Vec<FileSection>,
    /// Date it was assembled.
    pub issued_on: NaiveDate,
}

/// Renders the file.
pub fn render_file(file: &SanctionFile) -> Result<Vec<u8>, DocumentError> {
    let template = Template::parse(TEMPLATE)?;
    let issued = french_date(file.issued_on);
    let city = template.text("city", &[])?;
    let values: Vec<(&str, &str)> = vec![
        ("city", &city),
        ("issued_on", &issued),
        ("procedure_reference", &file.procedure_reference),
        ("case_reference", &file.case_reference),
        ("cri_name", &file.cri_name),
    ];
    let t = |key: &str| template.text(key, &values);
    let mut flow = Flow::new(t("footer")?)?;
    letterhead(&mut flow, &template, &values, None)?;
    flow.title(&t("file_title")?);
    flow.paragraph(&file.holder, Weight::Bold, 11.0, BLACK, 0.0, 14.0);
    flow.body(&t("file_intro")?);
    for (number, section) in file.sections.iter().enumerate() {
        flow.heading(&format!("{}. {}", number + 1, section.heading));
        if section.items.is_empty() {
            flow.body("Néant.");
        }
        for item in &section.items {
            flow.bullet(item);
        }
    }
    flow.page.finish(&Metadata {
        title: &t("file_title")?,
        author: &t("authority_name")?,
        subject: &t("reference_line")?,
        date: file.issued_on,
        identifier: &format!("file|{}|{}", file.procedure_reference, file.issued_on),
    })
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn sample_to() -> Addressee {
    Addressee { holder: "EL AMRANI Samira".into(), address: vec!["Rue de la Station 12".into(), "4020 Liège".into()] }
}

fn sample_law() -> Vec<String> {
    vec![
        "Code wallon de l'action sociale et de la santé, art. 152/7, §1er : la personne obligée se présente au centre \
         régional d'intégration dans les trois mois de son inscription."
            .into(),
        "Même Code, art. 152/8 : amende administrative ; aucune amende si la Région n'a pas organisé le parcours."
            .into(),
        "Loi du 29 juillet 1991 relative à la motivation formelle des actes administratifs.".into(),
    ]
}

/// A fictitious notice, for samples and tests.
pub fn sample_notice() -> SanctionNotice {
    SanctionNotice {
        to: sample_to(),
        procedure_reference: "CRIPEL-2026-000042-S1".into(),
        case_reference: "CRIPEL-2026-000042".into(),
        cri_name: "CRIPEL (Liège)".into(),
        facts:
            "La personne, tenue de se présenter au centre régional d'intégration au plus tard le 01/03/2027, ne s'y \
                est pas présentée et aucun cas de force majeure n'a été enregistré."
                .into(),
        law: sample_law(),
        preconditions: vec![
            "La personne est obligée de suivre le parcours, régime R2024 (amende prévue).".into(),
            "Faits du 02/03/2027 ; amendes applicables aux faits à partir du 01/01/2019.".into(),
            "Le module d'accueil est organisé par le CRI CRIPEL à son bureau d'accueil.".into(),
        ],
        evidence: vec![
            "Détermination du 01/12/2026 : obligée, motifs et échéances calculées.".into(),
            "Rappel avant l'échéance de présentation, envoyé par la poste le 01/02/2027.".into(),
            "Constat de non-respect du 02/03/2027 et examen par le CRI du 05/03/2027.".into(),
        ],
        fine_min: 100,
        fine_max: 2500,
        observation_days: 15,
        notified: Some((d(2027, 3, 15), d(2027, 3, 30))),
        issued_on: d(2027, 3, 12),
    }
}

/// A fictitious signed decision, for samples and tests.
pub fn sample_decision() -> SanctionDecision {
    SanctionDecision {
        to: sample_to(),
        procedure_reference: "CRIPEL-2026-000042-S1".into(),
        case_reference: "CRIPEL-2026-000042".into(),
        cri_name: "CRIPEL (Liège)".into(),
        draft: 1,
        notified_on: d(2027, 3, 15),
        notice_channel: "par lettre recommandée".into(),
        facts: sample_notice().facts,
        law: sample_law(),
        preconditions: sample_notice().preconditions,
        observations: vec![AnsweredObservation {
            number: 1,
            received_on: d(2027, 3, 25),
            form: "écrite".into(),
            summary: "Je travaillais de nuit et je n'ai pas pu venir aux heures d'ouverture.".into(),
            late: false,
            answer:
                "Le bureau d'accueil propose des rendez-vous en fin de journée ; deux ont été proposés par courrier \
                     le 01/02/2027, sans suite."
                    .into(),
        }],
        reasoning:
            "La personne n'a pas donné suite au rappel ni aux rendez-vous proposés ; l'offre du module d'accueil \
                    lui était accessible. Vu la première infraction et la situation de travail, le montant est fixé \
                    près du minimum."
                .into(),
        outcome: DecisionOutcome::Fine(150),
        appeal_route: "un recours auprès du tribunal de première instance de votre domicile, par requête".into(),
        appeal_days: 30,
        drafted: ("agent-spw-1".into(), d(2027, 4, 2)),
        signed: Some(("agent-spw-2".into(), d(2027, 4, 5))),
        issued_on: d(2027, 4, 5),
    }
}

/// A fictitious file, for samples and tests.
pub fn sample_file() -> SanctionFile {
    let section = |heading: &str, items: &[&str]| FileSection {
        heading: heading.into(),
        items: items.iter().map(|i| (*i).to_owned()).collect(),
    };
    SanctionFile {
        procedure_reference: "CRIPEL-2026-000042-S1".into(),
        case_reference: "CRIPEL-2026-000042".into(),
        cri_name: "CRIPEL (Liège)".into(),
        holder: "EL AMRANI Samira — NISS 90.05.10-124.46".into(),
        sections: vec![
            section(
                "Détermination",
                &["Statut : obligée (régime R2024), décidée le 01/12/2026.", "Motif OBLIGED_R2024 : CWASS art. 152/7."],
            ),
            section(
                "Échéances et leur calcul",
                &["Présentation au plus tard le 01/03/2027 : 2026-12-01 + 3 mois (CWASS art. 152/7, §1er)."],
            ),
            section("Rappels envoyés", &["Présentation : dû le 30/01/2027, envoyé le 01/02/2027 (post)."]),
            section("Heures suivies par axe", &[]),
            section("Places offertes et listes d'attente", &[]),
            section("Constat de non-respect et examen par le CRI", &["presentation_missed, faits du 02/03/2027."]),
            section("Conditions d'une amende", &["Toutes remplies le 05/03/2027."]),
            section("Avis et notification", &["Envoyé le 12/03/2027, notifié le 15/03/2027 par lettre recommandée."]),
            section("Observations", &["N° 1, écrite, 25/03/2027 : travail de nuit."]),
            section("Décision", &["Amende de 150 euros, rédigée le 02/04/2027, signée le 05/04/2027."]),
        ],
        issued_on: d(2027, 4, 6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(pdf: &[u8], name: &str) -> Option<String> {
        let file = std::env::temp_dir().join(format!("parcours-{name}-{}.pdf", std::process::id()));
        std::fs::write(&file, pdf).ok()?;
        let out = std::process::Command::new("pdftotext").arg(&file).arg("-").output().ok()?;
        let _ = std::fs::remove_file(&file);
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn check(pdf: &[u8], name: &str, expected: &[&str]) {
        // The file's sample comes from the API's own test (real records, not this sketch).
        if std::env::var_os("PARCOURS_UPDATE_SAMPLES").is_some()
            && matches!(name, "sanction-notice" | "sanction-decision")
        {
            let path = format!("{}/../../docs/samples/{name}-sample.pdf", env!("CARGO_MANIFEST_DIR"));
            std::fs::write(path, pdf).expect("sample written");
        }
        let Some(text) = text_of(pdf, name) else {
            assert!(std::env::var_os("CI").is_none(), "pdftotext (poppler-utils) is needed in CI");
            return;
        };
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in expected {
            assert!(flat.contains(expected), "{expected} missing from {name}: {flat}");
        }
    }

    #[test]
    fn the_notice_states_the_facts_the_law_the_deadline_and_the_range() {
        let notice = sample_notice();
        let pdf = render_notice(&notice).expect("renders");
        assert_eq!(pdf, render_notice(&notice).expect("renders"), "deterministic");
        check(
            &pdf,
            "sanction-notice",
            &[
                "art. 152/8",
                "au plus tard le 30/03/2027",
                "15 jours",
                "de 100 à 2500 euros",
                "Consulter votre dossier",
                "Rue de la Station 12",
                "CRIPEL-2026-000042-S1",
            ],
        );
    }

    #[test]
    fn the_decision_answers_each_observation_and_states_the_amount_and_the_appeal() {
        let decision = sample_decision();
        let pdf = render_decision(&decision).expect("renders");
        check(
            &pdf,
            "sanction-decision",
            &[
                "Une amende administrative de 150 euros vous est infligée",
                "Réponse : Le bureau d'accueil",
                "tribunal de première instance",
                "dans les 30 jours de sa notification",
                "Loi du 29 juillet 1991",
                "Signée par : agent-spw-2",
                "art. 152/8",
            ],
        );
        let draft = SanctionDecision { signed: None, ..decision };
        let pdf = render_decision(&draft).expect("renders");
        check(&pdf, "sanction-decision-draft", &["Projet de décision n° 1", "Pas encore signée"]);
    }

    #[test]
    fn the_file_has_every_section_and_runs_onto_further_pages() {
        let mut file = sample_file();
        let pdf = render_file(&file).expect("renders");
        check(
            &pdf,
            "sanction-file",
            &["Dossier de la procédure de sanction", "1. Détermination", "10. Décision", "Néant."],
        );
        file.sections[3].items = (1..=120).map(|n| format!("Présence n° {n} : 3 h, cours de français")).collect();
        let long = render_file(&file).expect("renders");
        let Some(text) = text_of(&long, "sanction-file-long") else { return };
        assert!(text.contains("page 3"), "the long file continues on more pages");
    }
}
