//! A page flow for documents longer than a page: text goes down the page and continues on the next, each
//! page with its header band and numbered footer. Used by the sanction documents and the data-protection
//! documents.

use crate::DocumentError;
use crate::page::{Align, BLACK, GREY, HEIGHT, LIGHT, MARGIN, NAVY, Page, WIDTH, Weight};

/// Lowest baseline of the body before a new page starts.
pub(crate) const BOTTOM: f32 = HEIGHT - 72.0;

/// A page flow: text goes down the page and continues on the next, each page with its footer.
pub(crate) struct Flow {
    pub(crate) page: Page,
    pub(crate) top: f32,
    pub(crate) pages: u32,
    footer: String,
}

impl Flow {
    pub(crate) fn new(footer: String) -> Result<Flow, DocumentError> {
        let mut flow = Flow { page: Page::new()?, top: 46.0, pages: 1, footer };
        flow.decorate();
        Ok(flow)
    }

    pub(crate) fn decorate(&mut self) {
        self.page.rect(0.0, 0.0, WIDTH, 8.0, NAVY);
        self.page.rule(MARGIN, HEIGHT - 52.0, WIDTH - 2.0 * MARGIN, 0.6, LIGHT);
        let footer = self.footer.replace("{page}", &self.pages.to_string());
        self.page.text(&footer, Weight::Regular, 8.0, GREY, WIDTH - MARGIN, HEIGHT - 38.0, Align::Right);
        self.page.rect(0.0, HEIGHT - 8.0, WIDTH, 8.0, NAVY);
    }

    pub(crate) fn ensure(&mut self, height: f32) {
        if self.top + height > BOTTOM {
            self.page.next_page();
            self.pages += 1;
            self.top = 50.0;
            self.decorate();
        }
    }

    pub(crate) fn lines(&mut self, text: &str, weight: Weight, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
            if !line.is_empty() && self.page.measure(&candidate, weight, size) > width {
                lines.push(std::mem::replace(&mut line, word.to_owned()));
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    pub(crate) fn paragraph(
        &mut self,
        text: &str,
        weight: Weight,
        size: f32,
        colour: crate::page::Colour,
        indent: f32,
        leading: f32,
    ) {
        let width = WIDTH - 2.0 * MARGIN - indent;
        for line in self.lines(text, weight, size, width) {
            self.ensure(leading);
            self.page.text(&line, weight, size, colour, MARGIN + indent, self.top, Align::Left);
            self.top += leading;
        }
    }

    pub(crate) fn body(&mut self, text: &str) {
        self.paragraph(text, Weight::Regular, 10.0, BLACK, 0.0, 13.5);
        self.top += 3.0;
    }

    pub(crate) fn bullet(&mut self, text: &str) {
        self.ensure(13.5);
        self.page.text("•", Weight::Regular, 10.0, NAVY, MARGIN + 2.0, self.top, Align::Left);
        self.paragraph(text, Weight::Regular, 10.0, BLACK, 12.0, 13.5);
        self.top += 2.0;
    }

    pub(crate) fn heading(&mut self, text: &str) {
        self.top += 10.0;
        self.ensure(40.0);
        self.page.rect(MARGIN, self.top - 12.0, WIDTH - 2.0 * MARGIN, 17.0, LIGHT);
        self.page.text(text, Weight::Bold, 10.5, NAVY, MARGIN + 6.0, self.top, Align::Left);
        self.top += 21.0;
    }

    pub(crate) fn title(&mut self, text: &str) {
        self.paragraph(text, Weight::Bold, 14.0, NAVY, 0.0, 17.0);
        self.top += 8.0;
    }
}
