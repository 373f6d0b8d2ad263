//! A one-page A4 PDF built from text lines, rules and a QR code: a small layout of our own over
//! `pdf-writer`. Fonts are the DejaVu Sans files in `fonts/`, compiled in (no font scan, nothing downloaded),
//! subset to the glyphs used and embedded as CID fonts with a Unicode map, so any Latin name (ł, ş, ğ...)
//! prints and the text can be searched and copied. The output depends only on the input: no clock, no
//! random identifier, so the same content renders to the same bytes and the same SHA-256.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

use crate::DocumentError;

/// A4 in points.
pub const WIDTH: f32 = 595.28;
/// A4 in points.
pub const HEIGHT: f32 = 841.89;

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Weight {
    /// DejaVu Sans.
    Regular,
    /// DejaVu Sans Bold.
    Bold,
}

impl Weight {
    fn data(self) -> &'static [u8] {
        match self {
            Weight::Regular => REGULAR,
            Weight::Bold => BOLD,
        }
    }

    fn resource(self) -> Name<'static> {
        match self {
            Weight::Regular => Name(b"F1"),
            Weight::Bold => Name(b"F2"),
        }
    }

    fn base_name(self) -> &'static [u8] {
        // The six-letter tag marks a subset (ISO 32000-1, 9.6.4).
        match self {
            Weight::Regular => b"PARCRS+DejaVuSans",
            Weight::Bold => b"PARCRB+DejaVuSans-Bold",
        }
    }
}

/// A colour, RGB from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Colour(pub f32, pub f32, pub f32);

/// Black.
pub const BLACK: Colour = Colour(0.0, 0.0, 0.0);
/// The house navy: bands, titles, headings.
pub const NAVY: Colour = Colour(0.05, 0.20, 0.40);
/// Secondary text.
pub const GREY: Colour = Colour(0.35, 0.35, 0.35);
/// Section bands and rules.
pub const LIGHT: Colour = Colour(0.85, 0.88, 0.92);
/// Left and right margin, in points.
pub const MARGIN: f32 = 56.0;

/// A date as Belgian documents print it (`01/03/2027`).
pub fn french_date(date: chrono::NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

struct FontUse {
    face: Face<'static>,
    remapper: GlyphRemapper,
    /// New glyph id → the character it shows and its width (thousandths of an em).
    glyphs: BTreeMap<u16, (char, f32)>,
}

impl FontUse {
    fn new(weight: Weight) -> Result<FontUse, DocumentError> {
        let face = Face::parse(weight.data(), 0).map_err(|e| DocumentError::Font(e.to_string()))?;
        let mut remapper = GlyphRemapper::new();
        remapper.remap(0); // .notdef stays glyph 0
        Ok(FontUse { face, remapper, glyphs: BTreeMap::new() })
    }

    fn width_of(&self, glyph: GlyphId) -> f32 {
        let advance = self.face.glyph_hor_advance(glyph).unwrap_or(0);
        f32::from(advance) * 1000.0 / f32::from(self.face.units_per_em())
    }

    fn glyph(&self, c: char) -> GlyphId {
        self.face.glyph_index(c).or_else(|| self.face.glyph_index('?')).unwrap_or(GlyphId(0))
    }

    /// Width of `text` at `size` points.
    fn measure(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.width_of(self.glyph(c))).sum::<f32>() * size / 1000.0
    }

    /// The glyph string of `text` (two bytes per glyph, Identity-H), registering the glyphs used.
    fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let old = self.glyph(c);
            let new = self.remapper.remap(old.0);
            let width = self.width_of(old);
            self.glyphs.entry(new).or_insert((c, width));
            bytes.extend_from_slice(&new.to_be_bytes());
        }
        bytes
    }
}

/// Horizontal placement of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// From `x`.
    Left,
    /// Centred on the page.
    Centre,
    /// Ending at `x`.
    Right,
}

/// What the document says about itself (the PDF's information dictionary).
#[derive(Debug, Clone)]
pub struct Metadata<'a> {
    /// Title.
    pub title: &'a str,
    /// Issuer.
    pub author: &'a str,
    /// Subject.
    pub subject: &'a str,
    /// The date the document bears (its creation date: no clock is read).
    pub date: chrono::NaiveDate,
    /// Seed of the file identifier (for example the serial and template version).
    pub identifier: &'a str,
}

/// A document being laid out, one A4 page at a time ([`Page::next_page`] starts another; the fonts are
/// shared). Coordinates are in points from the **top** left corner of the current page.
pub struct Page {
    content: Content,
    earlier_pages: Vec<Content>,
    regular: FontUse,
    bold: FontUse,
}

impl std::fmt::Debug for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Page")
    }
}

impl Page {
    /// An empty A4 page.
    pub fn new() -> Result<Page, DocumentError> {
        Ok(Page {
            content: Content::new(),
            earlier_pages: Vec::new(),
            regular: FontUse::new(Weight::Regular)?,
            bold: FontUse::new(Weight::Bold)?,
        })
    }

    /// Ends the current page and starts an empty one.
    pub fn next_page(&mut self) {
        let finished = std::mem::replace(&mut self.content, Content::new());
        self.earlier_pages.push(finished);
    }

    fn font(&mut self, weight: Weight) -> &mut FontUse {
        match weight {
            Weight::Regular => &mut self.regular,
            Weight::Bold => &mut self.bold,
        }
    }

    /// Width of `text` in `weight` at `size`.
    pub fn measure(&mut self, text: &str, weight: Weight, size: f32) -> f32 {
        self.font(weight).measure(text, size)
    }

    /// One line of text whose baseline is `top` points from the top of the page.
    #[expect(clippy::too_many_arguments, reason = "a line of text has this many properties")]
    pub fn text(&mut self, text: &str, weight: Weight, size: f32, colour: Colour, x: f32, top: f32, align: Align) {
        let width = self.measure(text, weight, size);
        let x = match align {
            Align::Left => x,
            Align::Centre => (WIDTH - width) / 2.0,
            Align::Right => x - width,
        };
        let glyphs = self.font(weight).encode(text);
        self.content.set_fill_rgb(colour.0, colour.1, colour.2);
        self.content.begin_text();
        self.content.set_font(weight.resource(), size);
        self.content.next_line(x, HEIGHT - top);
        self.content.show(Str(&glyphs));
        self.content.end_text();
    }

    /// A paragraph wrapped at `width` points, from `top`; returns the top of the line after it.
    #[expect(clippy::too_many_arguments, reason = "a paragraph has this many properties")]
    pub fn paragraph(
        &mut self,
        text: &str,
        weight: Weight,
        size: f32,
        colour: Colour,
        x: f32,
        top: f32,
        width: f32,
        leading: f32,
    ) -> f32 {
        let mut line = String::new();
        let mut top = top;
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
            if !line.is_empty() && self.measure(&candidate, weight, size) > width {
                self.text(&line, weight, size, colour, x, top, Align::Left);
                top += leading;
                line = word.to_owned();
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            self.text(&line, weight, size, colour, x, top, Align::Left);
            top += leading;
        }
        top
    }

    /// A filled rectangle whose top-left corner is (`x`, `top`).
    pub fn rect(&mut self, x: f32, top: f32, width: f32, height: f32, colour: Colour) {
        self.content.set_fill_rgb(colour.0, colour.1, colour.2);
        self.content.rect(x, HEIGHT - top - height, width, height);
        self.content.fill_nonzero();
    }

    /// A horizontal rule.
    pub fn rule(&mut self, x: f32, top: f32, width: f32, thickness: f32, colour: Colour) {
        self.rect(x, top, width, thickness, colour);
    }

    /// A QR code whose dark modules are given row by row (`modules[y][x]`), `size` points wide, from
    /// (`x`, `top`), with its quiet zone drawn white.
    pub fn qr(&mut self, modules: &[Vec<bool>], x: f32, top: f32, size: f32) {
        let count = modules.len().max(1) as f32;
        let quiet = 4.0;
        let module = size / (count + 2.0 * quiet);
        self.rect(x, top, size, size, Colour(1.0, 1.0, 1.0));
        self.content.set_fill_rgb(0.0, 0.0, 0.0);
        for (row, line) in modules.iter().enumerate() {
            // Runs of dark modules as one rectangle each: fewer operators, no hairline gaps.
            let mut column = 0;
            while column < line.len() {
                if !line[column] {
                    column += 1;
                    continue;
                }
                let start = column;
                while column < line.len() && line[column] {
                    column += 1;
                }
                let left = x + (quiet + start as f32) * module;
                let upper = top + (quiet + row as f32) * module;
                self.content.rect(left, HEIGHT - upper - module, (column - start) as f32 * module, module);
            }
        }
        self.content.fill_nonzero();
    }

    /// The finished PDF.
    pub fn finish(self, metadata: &Metadata<'_>) -> Result<Vec<u8>, DocumentError> {
        let mut pdf = Pdf::new();
        let mut next = Ref::new(1);
        let mut alloc = || next.bump();
        let catalog = alloc();
        let tree = alloc();
        let mut contents_of_pages = self.earlier_pages;
        contents_of_pages.push(self.content);
        let pages: Vec<(Ref, Ref, Content)> =
            contents_of_pages.into_iter().map(|content| (alloc(), alloc(), content)).collect();
        let info = alloc();
        let fonts: Vec<(Weight, &FontUse, [Ref; 5])> = [(Weight::Regular, &self.regular), (Weight::Bold, &self.bold)]
            .into_iter()
            .map(|(weight, font)| (weight, font, [alloc(), alloc(), alloc(), alloc(), alloc()]))
            .collect();

        pdf.catalog(catalog).pages(tree);
        let count = i32::try_from(pages.len()).unwrap_or(i32::MAX);
        pdf.pages(tree).kids(pages.iter().map(|(page, _, _)| *page)).count(count);
        for (page, contents, content) in pages {
            let mut page_writer = pdf.page(page);
            page_writer.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT)).parent(tree).contents(contents);
            let mut resources = page_writer.resources();
            let mut font_dict = resources.fonts();
            for (weight, _, refs) in &fonts {
                font_dict.pair(weight.resource(), refs[0]);
            }
            font_dict.finish();
            resources.finish();
            page_writer.finish();
            let stream = miniz_oxide::deflate::compress_to_vec_zlib(&content.finish(), 6);
            pdf.stream(contents, &stream).filter(Filter::FlateDecode);
        }

        for (weight, font, [type0, cid, descriptor, cmap, file]) in fonts {
            write_font(&mut pdf, weight, font, type0, cid, descriptor, cmap, file)?;
        }

        let date = Date::new(u16::try_from(chrono::Datelike::year(&metadata.date)).unwrap_or(2000))
            .month(u8::try_from(chrono::Datelike::month(&metadata.date)).unwrap_or(1))
            .day(u8::try_from(chrono::Datelike::day(&metadata.date)).unwrap_or(1));
        pdf.document_info(info)
            .title(TextStr(metadata.title))
            .author(TextStr(metadata.author))
            .subject(TextStr(metadata.subject))
            .creator(TextStr("Parcours"))
            .producer(TextStr(concat!("parcours-documents ", env!("CARGO_PKG_VERSION"))))
            .creation_date(date);
        let id = Sha256::digest(metadata.identifier.as_bytes())[..16].to_vec();
        pdf.set_file_id((id.clone(), id));
        Ok(pdf.finish())
    }
}

#[expect(clippy::too_many_arguments, reason = "the five objects of one embedded font")]
fn write_font(
    pdf: &mut Pdf,
    weight: Weight,
    font: &FontUse,
    type0: Ref,
    cid: Ref,
    descriptor: Ref,
    cmap: Ref,
    file: Ref,
) -> Result<(), DocumentError> {
    let system_info = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };
    let base = Name(weight.base_name());
    pdf.type0_font(type0)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);
    let mut cid_font = pdf.cid_font(cid);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(base)
        .system_info(system_info)
        .font_descriptor(descriptor)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    let mut widths = cid_font.widths();
    for (glyph, (_, width)) in &font.glyphs {
        widths.consecutive(*glyph, [*width]);
    }
    widths.finish();
    cid_font.finish();

    let face = &font.face;
    let scale = |v: i16| f32::from(v) * 1000.0 / f32::from(face.units_per_em());
    let bbox = face.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(base)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(scale(bbox.x_min), scale(bbox.y_min), scale(bbox.x_max), scale(bbox.y_max)))
        .italic_angle(0.0)
        .ascent(scale(face.ascender()))
        .descent(scale(face.descender()))
        .cap_height(scale(face.capital_height().unwrap_or(face.ascender())))
        .stem_v(if weight == Weight::Bold { 120.0 } else { 80.0 })
        .font_file2(file);

    let mut unicode = UnicodeCmap::new(Name(b"Custom"), system_info);
    for (glyph, (c, _)) in &font.glyphs {
        unicode.pair(*glyph, *c);
    }
    pdf.cmap(cmap, &unicode.finish());

    let subset = subsetter::subset(weight.data(), 0, &font.remapper).map_err(|e| DocumentError::Font(e.to_string()))?;
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&subset, 6);
    pdf.stream(file, &compressed).filter(Filter::FlateDecode).pair(Name(b"Length1"), subset.len() as i32);
    Ok(())
}
