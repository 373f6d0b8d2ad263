//! The published statistics as a spreadsheet and as a chart: a CSV that Belgian spreadsheets open as they
//! are (UTF-8 with a byte-order mark, `;` and decimal comma by default) and that cannot run a formula, and
//! an SVG bar chart where a suppressed count is a gap, never a zero bar.

/// The CSV field separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    /// `;`, with a decimal comma: what Excel and LibreOffice expect in Belgium.
    Semicolon,
    /// `,`, with a decimal point.
    Comma,
}

impl Separator {
    fn char(self) -> char {
        match self {
            Separator::Semicolon => ';',
            Separator::Comma => ',',
        }
    }
}

/// A CSV value: text, or a number written with the separator's decimal mark.
#[derive(Debug, Clone, PartialEq)]
pub enum CsvValue {
    /// Text (defused when a spreadsheet would read it as a formula).
    Text(String),
    /// A number.
    Number(f64),
    /// Nothing.
    Empty,
}

/// A text cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return
/// first, OWASP's list) starts with an apostrophe instead, which spreadsheets show as text.
fn defused(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

fn field(value: &CsvValue, separator: Separator) -> String {
    let text = match value {
        CsvValue::Text(text) => defused(text),
        CsvValue::Number(n) => {
            let plain = if n.fract() == 0.0 { format!("{n:.0}") } else { n.to_string() };
            match separator {
                Separator::Semicolon => plain.replace('.', ","),
                Separator::Comma => plain,
            }
        }
        CsvValue::Empty => String::new(),
    };
    if text.contains([separator.char(), '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

/// A CSV document: UTF-8 with a byte-order mark, CRLF line ends (RFC 4180).
pub fn csv(header: &[&str], rows: &[Vec<CsvValue>], separator: Separator) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let sep = separator.char().to_string();
    let header: Vec<String> = header.iter().map(|h| field(&CsvValue::Text((*h).to_owned()), separator)).collect();
    out.push_str(&header.join(&sep));
    out.push_str("\r\n");
    for row in rows {
        let fields: Vec<String> = row.iter().map(|v| field(v, separator)).collect();
        out.push_str(&fields.join(&sep));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// A group of bars (a territory), one bar per series (a quarter, or the period).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarGroup {
    /// The territory's name.
    pub label: String,
    /// Each series' count, `None` when suppressed.
    pub values: Vec<Option<u64>>,
}

/// What the chart shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    /// Title (French).
    pub title: String,
    /// Subtitle: the period, the territory, the release.
    pub subtitle: String,
    /// The series' names (quarters), in bar order.
    pub series: Vec<String>,
    /// The groups.
    pub groups: Vec<BarGroup>,
    /// What a gap means: one line in French, one in English.
    pub gap_legend: Vec<String>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const COLOURS: [&str; 4] = ["#1f5f8b", "#4f9bd0", "#8cc0e6", "#c2dcf2"];

/// The chart as a standalone SVG document: horizontal bars, one row per territory, so long commune names
/// fit; a suppressed count is drawn as a dashed outline marked `c` where the bar would start, and the
/// legend says why.
pub fn bar_chart(chart: &BarChart) -> String {
    let series = chart.series.len().max(1);
    let bar = 14.0;
    let row = bar * series as f64 + 10.0;
    let label_width = 230.0;
    let plot_width = 440.0;
    let top = 70.0;
    let legend_rows = chart.gap_legend.len().max(1) + chart.series.len();
    let height = top + row * chart.groups.len() as f64 + 30.0 + 18.0 * legend_rows as f64 + 20.0;
    let width = label_width + plot_width + 80.0;
    let max = chart.groups.iter().flat_map(|g| g.values.iter().flatten()).copied().max().unwrap_or(0).max(1) as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" \
         font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\" role=\"img\" aria-labelledby=\"title\">\n\
         <title id=\"title\">{}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <text x=\"16\" y=\"26\" font-size=\"16\" font-weight=\"bold\">{}</text>\n\
         <text x=\"16\" y=\"46\" fill=\"#444444\">{}</text>\n",
        escape(&chart.title),
        escape(&chart.title),
        escape(&chart.subtitle)
    );
    let mut y = top;
    for group in &chart.groups {
        svg.push_str(&format!(
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            label_width - 8.0,
            y + row / 2.0,
            escape(&group.label)
        ));
        for (s, value) in group.values.iter().enumerate() {
            let bar_y = y + s as f64 * bar;
            let colour = COLOURS[s % COLOURS.len()];
            match value {
                Some(count) => {
                    let length = plot_width * *count as f64 / max;
                    svg.push_str(&format!(
                        "<rect class=\"bar\" x=\"{label_width:.0}\" y=\"{bar_y:.1}\" width=\"{length:.1}\" height=\"{:.1}\" fill=\"{colour}\"/>\n\
                         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\">{count}</text>\n",
                        bar - 2.0,
                        label_width + length + 4.0,
                        bar_y + bar - 4.0
                    ));
                }
                None => svg.push_str(&format!(
                    "<rect class=\"gap\" x=\"{label_width:.0}\" y=\"{bar_y:.1}\" width=\"22\" height=\"{:.1}\" fill=\"none\" \
                     stroke=\"#888888\" stroke-dasharray=\"3 2\"/>\n\
                     <text class=\"gap-mark\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#555555\">c</text>\n",
                    bar - 2.0,
                    label_width + 8.0,
                    bar_y + bar - 4.0
                )),
            }
        }
        y += row;
    }
    svg.push_str(&format!(
        "<line x1=\"{label_width:.0}\" y1=\"{top:.0}\" x2=\"{label_width:.0}\" y2=\"{y:.1}\" stroke=\"#333333\"/>\n"
    ));
    let mut legend_y = y + 30.0;
    for (s, name) in chart.series.iter().enumerate() {
        svg.push_str(&format!(
            "<rect x=\"16\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"34\" y=\"{legend_y:.1}\">{}</text>\n",
            legend_y - 10.0,
            COLOURS[s % COLOURS.len()],
            escape(name)
        ));
        legend_y += 18.0;
    }
    svg.push_str(&format!(
        "<rect x=\"16\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"none\" stroke=\"#888888\" stroke-dasharray=\"3 2\"/>\n",
        legend_y - 10.0
    ));
    for (n, line) in chart.gap_legend.iter().enumerate() {
        let mark = if n == 0 { "c : " } else { "" };
        svg.push_str(&format!("<text x=\"34\" y=\"{legend_y:.1}\">{mark}{}</text>\n", escape(line)));
        legend_y += 18.0;
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_has_a_bom_semicolons_a_decimal_comma_and_no_formula() {
        let rows = vec![
            vec![CsvValue::Text("=HYPERLINK(\"x\")".into()), CsvValue::Number(12.5), CsvValue::Empty],
            vec![CsvValue::Text("Braine-l'Alleud; centre".into()), CsvValue::Number(7.0), CsvValue::Text("c".into())],
        ];
        let text =
            String::from_utf8(csv(&["territoire", "valeur", "flag"], &rows, Separator::Semicolon)).expect("utf-8");
        assert!(text.starts_with('\u{feff}'));
        assert_eq!(
            text.trim_start_matches('\u{feff}'),
            "territoire;valeur;flag\r\n\"'=HYPERLINK(\"\"x\"\")\";12,5;\r\n\"Braine-l'Alleud; centre\";7;c\r\n"
        );
        let comma = String::from_utf8(csv(
            &["a", "b"],
            &[vec![CsvValue::Text("-1".into()), CsvValue::Number(0.5)]],
            Separator::Comma,
        ))
        .expect("utf-8");
        assert_eq!(comma.trim_start_matches('\u{feff}'), "a,b\r\n'-1,0.5\r\n");
    }

    #[test]
    fn a_suppressed_count_is_a_gap_not_a_bar() {
        let chart = BarChart {
            title: "Dossiers ouverts".into(),
            subtitle: "2026-Q3 · CAI".into(),
            series: vec!["2026-Q3".into()],
            groups: vec![
                BarGroup { label: "Namur".into(), values: vec![Some(40)] },
                BarGroup { label: "Hastière".into(), values: vec![None] },
            ],
            gap_legend: vec!["confidentiel".into(), "confidential".into()],
        };
        let svg = bar_chart(&chart);
        assert_eq!(svg.matches("class=\"bar\"").count(), 1);
        assert_eq!(svg.matches("class=\"gap\"").count(), 1);
        assert!(svg.contains("c : confidentiel"));
    }
}
