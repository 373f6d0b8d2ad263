//! The data keys that seal the special categories stored in a case: the social assessment's notes and the
//! evidence behind a dispensation decision (GDPR art. 9 and 32). See `parcours_domain::confidential`.
//!
//! `PARCOURS_DATA_KEYS` names a file with one key per line (`#` for comments): `key <32 bytes, base64url>`.
//! The first line seals; every line opens. A key's id is derived from it, so a file cannot name a key
//! wrongly. Rotation: put a new line first (`parcours data-key` prints one), restart, run
//! `parcours rotate-data-key` (every value sealed under another key, or stored in clear by a release
//! before encryption existed, is sealed again under the first key), then remove the old lines.
//! Development without the variable uses a fixed key that production refuses.
//!
//! Each value is sealed with XChaCha20-Poly1305 under a random 192-bit nonce, with the case id as
//! associated data: a sealed value copied into another case does not open.

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use parcours_domain::case::Case;
use parcours_domain::confidential::{Confidential, Sealed};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// The algorithm name written with each sealed value.
pub const ALGORITHM: &str = "xchacha20poly1305";

const DEVELOPMENT_KEY: [u8; 32] = *b"parcours-development-data-key-00";

/// The keys: the first seals, all open.
#[derive(Clone)]
pub struct DataKeys {
    keys: Vec<(String, [u8; 32])>,
}

impl std::fmt::Debug for DataKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        f.debug_struct("DataKeys").field("key_ids", &ids).finish()
    }
}

/// Why a sealed value could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// The key that sealed it is not in the configuration.
    UnknownKey(String),
    /// The value does not authenticate (altered, or copied from another case), or does not decode.
    Corrupt,
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::UnknownKey(id) => write!(f, "sealed under key {id}, which PARCOURS_DATA_KEYS does not hold"),
            OpenError::Corrupt => f.write_str("sealed value altered or not for this case"),
        }
    }
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
}

/// A key's id: the first 8 bytes of the SHA-256 of the key, hex.
fn key_id(key: &[u8; 32]) -> String {
    let digest = Sha256::digest([b"parcours-data-key:".as_slice(), key].concat());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

impl DataKeys {
    /// The development key (refused in production).
    pub fn development() -> DataKeys {
        DataKeys { keys: vec![(key_id(&DEVELOPMENT_KEY), DEVELOPMENT_KEY)] }
    }

    /// Reads the key file's text.
    pub fn parse(text: &str) -> Result<DataKeys, String> {
        let mut keys = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let where_ = format!("line {}", number + 1);
            let Some(("key", encoded)) = line.split_once(char::is_whitespace) else {
                return Err(format!("{where_}: expected `key <32 bytes in base64url>`"));
            };
            let key: [u8; 32] = b64()
                .decode(encoded.trim().trim_end_matches('='))
                .ok()
                .and_then(|bytes| bytes.try_into().ok())
                .ok_or_else(|| format!("{where_}: expected 32 bytes in base64url"))?;
            let id = key_id(&key);
            if keys.iter().any(|(known, _)| *known == id) {
                return Err(format!("{where_}: the same key twice"));
            }
            keys.push((id, key));
        }
        if keys.is_empty() {
            return Err("no `key` line".into());
        }
        Ok(DataKeys { keys })
    }

    /// Whether the sealing key is the development key.
    pub fn is_development(&self) -> bool {
        self.keys[0].1 == DEVELOPMENT_KEY
    }

    /// The id of the key that seals now.
    pub fn current_id(&self) -> &str {
        &self.keys[0].0
    }

    /// A new key's line for the key file.
    pub fn generate_line() -> String {
        let mut key = [0u8; 32];
        // The OS generator does not fail on the platforms Parcours runs on; if it ever did, refusing to go
        // on is the only safe answer for a key.
        getrandom::fill(&mut key).expect("the operating system's random generator is available");
        format!("key {}\n", b64().encode(key))
    }

    /// Seals a value of the case `case_id` under the current key.
    pub fn seal<T: Serialize>(&self, value: &T, case_id: &str) -> Confidential<T> {
        let (id, key) = &self.keys[0];
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).expect("the operating system's random generator is available");
        // Serialising a value the API built cannot fail (strings, dates, plain structs).
        let plaintext = serde_json::to_vec(value).expect("a confidential value serialises");
        let cipher = XChaCha20Poly1305::new(key.into());
        let ciphertext = cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: &plaintext, aad: case_id.as_bytes() })
            .expect("XChaCha20-Poly1305 encrypts any message under 256 GiB");
        Confidential::Sealed(Sealed {
            sealed: ALGORITHM.into(),
            key_id: id.clone(),
            nonce: b64().encode(nonce),
            ciphertext: b64().encode(ciphertext),
        })
    }

    /// Opens a sealed value of the case `case_id` (a value in clear is returned as it is).
    pub fn open<T: DeserializeOwned + Clone>(&self, value: &Confidential<T>, case_id: &str) -> Result<T, OpenError> {
        let sealed = match value {
            Confidential::Clear(value) => return Ok(value.clone()),
            Confidential::Sealed(sealed) => sealed,
        };
        let (_, key) = self
            .keys
            .iter()
            .find(|(id, _)| *id == sealed.key_id)
            .ok_or_else(|| OpenError::UnknownKey(sealed.key_id.clone()))?;
        if sealed.sealed != ALGORITHM {
            return Err(OpenError::Corrupt);
        }
        let nonce: [u8; 24] =
            b64().decode(&sealed.nonce).ok().and_then(|bytes| bytes.try_into().ok()).ok_or(OpenError::Corrupt)?;
        let ciphertext = b64().decode(&sealed.ciphertext).map_err(|_| OpenError::Corrupt)?;
        let plaintext = XChaCha20Poly1305::new(key.into())
            .decrypt(&XNonce::from(nonce), Payload { msg: &ciphertext, aad: case_id.as_bytes() })
            .map_err(|_| OpenError::Corrupt)?;
        serde_json::from_slice(&plaintext).map_err(|_| OpenError::Corrupt)
    }

    /// Seals again under the current key a value sealed under another key or stored in clear; `None` when
    /// it is already sealed under the current key.
    pub fn reseal<T: Serialize + DeserializeOwned + Clone>(
        &self,
        value: &Confidential<T>,
        case_id: &str,
    ) -> Result<Option<Confidential<T>>, OpenError> {
        if let Confidential::Sealed(sealed) = value
            && sealed.key_id == self.current_id()
        {
            return Ok(None);
        }
        Ok(Some(self.seal(&self.open(value, case_id)?, case_id)))
    }
}

/// The confidential values of a case, in one place: the social assessment's notes and each dispensation
/// decision's evidence. Opens them for the CRI holding the case (its view of the case); a value that does
/// not open stays sealed and is logged by case id only.
pub fn open_case(keys: &DataKeys, case: &mut Case, case_id: &str) {
    fn open_one<T: DeserializeOwned + Clone>(keys: &DataKeys, value: &mut Confidential<T>, case_id: &str) {
        match keys.open(value, case_id) {
            Ok(clear) => *value = Confidential::Clear(clear),
            Err(e) => log::warn!("case {case_id}: a confidential value stays sealed: {e}"),
        }
    }
    if let Some(notes) = case.social_assessment.as_mut().and_then(|a| a.sensitive_notes.as_mut()) {
        open_one(keys, notes, case_id);
    }
    for evidence in case.dispensation_decisions.iter_mut().filter_map(|d| d.evidence.as_mut()) {
        open_one(keys, evidence, case_id);
    }
}

/// Seals again under the current key every confidential value of the case that is under another key or in
/// clear (see [`open_case`] for the list); the number of values changed.
pub fn reseal_case(keys: &DataKeys, case: &mut Case, case_id: &str) -> Result<usize, OpenError> {
    fn reseal_one<T: Serialize + DeserializeOwned + Clone>(
        keys: &DataKeys,
        value: &mut Confidential<T>,
        case_id: &str,
    ) -> Result<usize, OpenError> {
        Ok(match keys.reseal(value, case_id)? {
            Some(resealed) => {
                *value = resealed;
                1
            }
            None => 0,
        })
    }
    let mut changed = 0;
    if let Some(notes) = case.social_assessment.as_mut().and_then(|a| a.sensitive_notes.as_mut()) {
        changed += reseal_one(keys, notes, case_id)?;
    }
    for evidence in case.dispensation_decisions.iter_mut().filter_map(|d| d.evidence.as_mut()) {
        changed += reseal_one(keys, evidence, case_id)?;
    }
    Ok(changed)
}

/// `parcours rotate-data-key`: seals again under the current key every confidential value of every case
/// that is under another key or in clear. A value that does not open (its key was removed from the file
/// too early) stops the run before anything of its page is written.
pub fn rotate(
    conn: &mut parcours_store::DbConnection,
    keys: &DataKeys,
    now: chrono::NaiveDateTime,
) -> Result<(parcours_store::cases::Rewritten, usize), String> {
    let actor = parcours_store::audit::Actor::system("rotate_data_key");
    let mut values = 0;
    let rewritten = parcours_store::cases::rewrite_stored_aggregates(
        conn,
        &actor,
        "rotate_data_key",
        now,
        |case_id, case| -> Result<bool, RotationError> {
            let changed =
                reseal_case(keys, case, case_id).map_err(|e| RotationError::Open(format!("case {case_id}: {e}")))?;
            values += changed;
            Ok(changed > 0)
        },
    )
    .map_err(|e| e.to_string())?;
    Ok((rewritten, values))
}

/// Why a rotation stopped.
#[derive(Debug)]
enum RotationError {
    Open(String),
    Store(parcours_store::StoreError),
}

impl From<parcours_store::StoreError> for RotationError {
    fn from(e: parcours_store::StoreError) -> Self {
        RotationError::Store(e)
    }
}

impl std::fmt::Display for RotationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RotationError::Open(message) => f.write_str(message),
            RotationError::Store(e) => write!(f, "database: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_keys() -> (DataKeys, DataKeys) {
        let old = DataKeys::parse(&DataKeys::generate_line()).expect("old");
        let new_line = DataKeys::generate_line();
        let old_line = format!("key {}", b64().encode(old.keys[0].1));
        let rotated = DataKeys::parse(&format!("# new first\n{new_line}{old_line}\n")).expect("rotated");
        (old, rotated)
    }

    #[test]
    fn a_sealed_value_opens_for_its_case_only_and_after_a_rotation() {
        let (old, rotated) = two_keys();
        let sealed = old.seal(&"Cherche un logement".to_owned(), "case-1");
        let Confidential::Sealed(inner) = &sealed else { panic!("sealed") };
        assert!(!inner.ciphertext.contains("logement"));
        assert_eq!(old.open(&sealed, "case-1"), Ok("Cherche un logement".to_owned()));
        assert_eq!(old.open(&sealed, "case-2"), Err(OpenError::Corrupt), "bound to its case");
        assert_eq!(rotated.open(&sealed, "case-1"), Ok("Cherche un logement".to_owned()), "old key still opens");
        let resealed = rotated.reseal(&sealed, "case-1").expect("reseal").expect("changed");
        assert_eq!(rotated.reseal(&resealed, "case-1"), Ok(None), "already under the current key");
        assert_eq!(
            old.open(&resealed, "case-1"),
            Err(OpenError::UnknownKey(rotated.current_id().to_owned())),
            "the old key alone no longer opens it"
        );
    }

    #[test]
    fn an_altered_value_does_not_open_and_a_bad_key_file_is_refused() {
        let keys = DataKeys::development();
        let Confidential::Sealed(mut sealed) = keys.seal(&"note".to_owned(), "c") else { panic!("sealed") };
        let mut bytes = b64().decode(&sealed.ciphertext).expect("b64");
        bytes[0] ^= 1;
        sealed.ciphertext = b64().encode(bytes);
        assert_eq!(keys.open::<String>(&Confidential::Sealed(sealed), "c"), Err(OpenError::Corrupt));
        assert!(DataKeys::parse("").is_err());
        assert!(DataKeys::parse("key abc").is_err());
        assert!(DataKeys::parse("secret AAAA").is_err());
        let line = DataKeys::generate_line();
        assert!(DataKeys::parse(&format!("{line}{line}")).is_err(), "the same key twice");
        assert!(DataKeys::development().is_development());
        assert!(!DataKeys::parse(&line).expect("key").is_development());
    }
}
