//! The statistics report of a CRI or of the Region for a quarter or a year: every table of the catalogue
//! as it was released (suppressed counts printed `c`, never 0), with the method. Rendered on demand from
//! the stored releases; paginated A4, French.

use chrono::NaiveDate;

use crate::DocumentError;
use crate::flow::Flow;
use crate::page::{Align, BLACK, GREY, LIGHT, MARGIN, Metadata, NAVY, WIDTH, Weight, french_date};
use crate::template::Template;

const TEMPLATE: &str = include_str!("../templates/statistics-report.txt");

/// One grid: territories down, categories across (the last column is the total).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportGrid {
    /// What the columns are (`par régime`).
    pub caption: String,
    /// Column headings, the total last.
    pub columns: Vec<String>,
    /// A territory and its counts, one per column, `None` when suppressed.
    pub rows: Vec<(String, Vec<Option<u64>>)>,
}

/// One table of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSection {
    /// Its title.
    pub title: String,
    /// What it counts, in French.
    pub definition: String,
    /// Its grids, one per attribute.
    pub grids: Vec<ReportGrid>,
    /// The release it prints.
    pub release_id: String,
}

/// The report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatisticsReport {
    /// The territory (`Wallonie`, `CAI`).
    pub territory: String,
    /// The period (`2026-Q4`, `2026`).
    pub period: String,
    /// The disclosure threshold of the releases.
    pub threshold: u64,
    /// The rules version.
    pub rules_version: String,
    /// The date it bears.
    pub issued_on: NaiveDate,
    /// The tables.
    pub sections: Vec<ReportSection>,
}

const ROW_LABEL_WIDTH: f32 = 170.0;
const LEADING: f32 = 13.0;

fn grid(flow: &mut Flow, grid: &ReportGrid, total_label: &str, zeros_label: &str) {
    let columns = grid.columns.len().max(1) as f32;
    // Many columns (closure reasons) take room from the territory names.
    let label_width = if grid.columns.len() > 5 { 120.0 } else { ROW_LABEL_WIDTH };
    let column_width = (WIDTH - 2.0 * MARGIN - label_width) / columns;
    // Headings wrap within their column (closure reasons are long), every line right-aligned.
    let head = |flow: &mut Flow| {
        let lines: Vec<Vec<String>> =
            grid.columns.iter().map(|h| flow.lines(h, Weight::Bold, 7.5, column_width - 6.0)).collect();
        let rows = lines.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32;
        let height = 9.0 * rows + 4.0;
        flow.page.rect(MARGIN, flow.top - 10.0, WIDTH - 2.0 * MARGIN, height, LIGHT);
        for (c, heading) in lines.iter().enumerate() {
            let right = MARGIN + label_width + column_width * (c as f32 + 1.0) - 3.0;
            for (n, line) in heading.iter().enumerate() {
                flow.page.text(line, Weight::Bold, 7.5, NAVY, right, flow.top + 9.0 * n as f32, Align::Right);
            }
        }
        flow.top += height + 1.0;
    };
    flow.ensure(LEADING * 4.0);
    flow.paragraph(&grid.caption, Weight::Bold, 9.0, BLACK, 0.0, 12.0);
    // Territories where every count is a published zero are named in one line under the grid instead of a
    // row of zeros each (a hidden count is never a zero, so such a row always stays).
    let empty =
        |label: &String, values: &Vec<Option<u64>>| label != total_label && values.iter().all(|v| *v == Some(0));
    let zeros: Vec<&str> = grid.rows.iter().filter(|(l, v)| empty(l, v)).map(|(l, _)| l.as_str()).collect();
    head(flow);
    for (label, values) in grid.rows.iter().filter(|(l, v)| !empty(l, v)) {
        if flow.top + LEADING > crate::flow::BOTTOM {
            flow.ensure(LEADING * 2.0);
            head(flow);
        }
        let weight = if label == total_label { Weight::Bold } else { Weight::Regular };
        flow.page.text(label, weight, 8.5, BLACK, MARGIN + 2.0, flow.top, Align::Left);
        for (c, value) in values.iter().enumerate() {
            let right = MARGIN + label_width + column_width * (c as f32 + 1.0) - 3.0;
            let (text, colour) = match value {
                Some(n) => (n.to_string(), BLACK),
                None => ("c".to_owned(), GREY),
            };
            flow.page.text(&text, weight, 8.5, colour, right, flow.top, Align::Right);
        }
        flow.top += LEADING;
    }
    // When nothing at all was counted, naming every territory says nothing more than the zero total.
    let nothing = grid.rows.iter().all(|(_, values)| values.iter().all(|v| *v == Some(0)));
    if nothing {
        flow.top += 2.0;
        flow.paragraph(&format!("{zeros_label}."), Weight::Regular, 8.0, GREY, 0.0, 10.5);
    } else if !zeros.is_empty() {
        flow.top += 2.0;
        flow.paragraph(&format!("{zeros_label} : {}.", zeros.join(", ")), Weight::Regular, 8.0, GREY, 0.0, 10.5);
    }
    flow.top += 8.0;
}

/// Renders the report.
pub fn render_statistics_report(report: &StatisticsReport) -> Result<Vec<u8>, DocumentError> {
    let template = Template::parse(TEMPLATE)?;
    let issued = french_date(report.issued_on);
    let threshold = report.threshold.to_string();
    let below = report.threshold.saturating_sub(1).to_string();
    let values: Vec<(&str, &str)> = vec![
        ("territory", &report.territory),
        ("period", &report.period),
        ("issued_on", &issued),
        ("threshold", &threshold),
        ("threshold_minus_one", &below),
        ("rules_version", &report.rules_version),
    ];
    let t = |key: &str| template.text(key, &values);
    let mut flow = Flow::new(t("footer")?)?;
    flow.title(&t("title")?);
    flow.paragraph(&t("subtitle")?, Weight::Bold, 11.0, NAVY, 0.0, 15.0);
    flow.paragraph(&t("issued")?, Weight::Regular, 9.0, GREY, 0.0, 12.0);
    flow.top += 6.0;
    flow.body(&t("intro")?);
    let total = t("total")?;
    let zeros_label = t("zeros")?;
    for section in &report.sections {
        // A table's heading never ends a page alone: its definition and the start of its grid follow it.
        flow.ensure(110.0);
        flow.heading(&section.title);
        flow.paragraph(&section.definition, Weight::Regular, 9.0, BLACK, 0.0, 12.0);
        flow.paragraph(&format!("Publication {}", section.release_id), Weight::Regular, 7.5, GREY, 0.0, 11.0);
        flow.top += 4.0;
        for g in &section.grids {
            grid(&mut flow, g, &total, &zeros_label);
        }
    }
    flow.paragraph(&t("legend")?, Weight::Regular, 9.0, GREY, 0.0, 12.0);
    flow.heading(&t("method_heading")?);
    flow.body(&t("method_text")?);
    flow.page.finish(&Metadata {
        title: &t("title")?,
        author: &report.territory,
        subject: &t("subtitle")?,
        date: report.issued_on,
        identifier: &format!("statistics-report|{}|{}", report.territory, report.period),
    })
}
