//! Templates as plain text files (`templates/*.txt`): one `key = text` per line, `#` for comments, words
//! in braces filled in at rendering. A non-programmer can read and change them; the code only knows keys.

use std::collections::HashMap;

use crate::DocumentError;

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    texts: HashMap<String, String>,
}

impl Template {
    /// Parses a template file.
    pub fn parse(source: &str) -> Result<Template, DocumentError> {
        let mut texts = HashMap::new();
        for (number, line) in source.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, text) = line
                .split_once('=')
                .ok_or_else(|| DocumentError::Template(format!("line {}: expected `key = text`", number + 1)))?;
            texts.insert(key.trim().to_owned(), text.trim().to_owned());
        }
        Ok(Template { texts })
    }

    /// The text of `key` with each `{name}` replaced by its value.
    pub fn text(&self, key: &str, values: &[(&str, &str)]) -> Result<String, DocumentError> {
        let mut text = self
            .texts
            .get(key)
            .cloned()
            .ok_or_else(|| DocumentError::Template(format!("the template has no text `{key}`")))?;
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        Ok(text)
    }
}
