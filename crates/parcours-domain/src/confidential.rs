//! Special-category values the pathway records but no rule reads: the social assessment's notes and the
//! evidence behind a dispensation decision (medical certificates among them: GDPR art. 9). The domain keeps
//! them as [`Confidential`] values and never looks inside; the API seals them with the data key of its
//! configuration before they reach a case, and opens them only for the CRI holding the case.

use serde::{Deserialize, Serialize};

/// A value encrypted under a data key: which key, the nonce and the ciphertext (authenticated, bound to the
/// case it belongs to). The algorithm is named so that a later one can be introduced beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    /// The algorithm (`xchacha20poly1305`).
    pub sealed: String,
    /// The data key's id.
    pub key_id: String,
    /// Nonce, base64url.
    pub nonce: String,
    /// Ciphertext with its tag, base64url.
    pub ciphertext: String,
}

/// A confidential value: sealed as stored, or in clear while the CRI holding the case reads it (and in
/// cases stored before encryption existed, until `parcours rotate-data-key` seals them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Confidential<T> {
    /// Encrypted.
    Sealed(Sealed),
    /// In clear.
    Clear(T),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_and_a_clear_one_read_back_as_what_they_are() {
        let sealed: Confidential<String> = Confidential::Sealed(Sealed {
            sealed: "xchacha20poly1305".into(),
            key_id: "k1".into(),
            nonce: "bm9uY2U".into(),
            ciphertext: "Y3Q".into(),
        });
        let text = serde_json::to_string(&sealed).expect("encode");
        assert_eq!(serde_json::from_str::<Confidential<String>>(&text).expect("decode"), sealed);
        let clear: Confidential<String> = serde_json::from_str("\"a note\"").expect("legacy text");
        assert_eq!(clear, Confidential::Clear("a note".to_owned()));
    }
}
