//! The Ed25519 keys that sign the offline payload of attestations, and the public keys published at
//! `/.well-known/parcours-keys.json` so that anyone can check a printed copy.
//!
//! `PARCOURS_ATTESTATION_KEYS` names a file with one key per line (`#` for comments):
//! `signing <seed>` (32 bytes, base64url) for the key that signs now (the first such line), and
//! `retired <public key>` (32 bytes, base64url) for keys that signed earlier attestations. Rotation: put the
//! new `signing` line first and turn the old one into `retired <its public key>` (`parcours
//! attestation-key` prints both lines of a new key); old attestations keep verifying. Development without
//! the variable uses a fixed key that production refuses.

use base64::Engine as _;
use parcours_documents::ed25519_dalek::{SigningKey, VerifyingKey};
use parcours_documents::verification::key_id;

/// The keys.
#[derive(Clone)]
pub struct AttestationKeys {
    signing: SigningKey,
    signing_kid: String,
    published: Vec<(String, VerifyingKey)>,
}

impl std::fmt::Debug for AttestationKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        f.debug_struct("AttestationKeys").field("signing_kid", &self.signing_kid).finish_non_exhaustive()
    }
}

const DEVELOPMENT_SEED: [u8; 32] = *b"parcours-development-attestation";

fn decode32(text: &str, what: &str) -> Result<[u8; 32], String> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim().trim_end_matches('='))
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| format!("{what}: expected 32 bytes in base64url"))
}

impl AttestationKeys {
    /// The development key (refused in production).
    pub fn development() -> AttestationKeys {
        AttestationKeys::from_signing(SigningKey::from_bytes(&DEVELOPMENT_SEED), Vec::new())
    }

    fn from_signing(signing: SigningKey, retired: Vec<VerifyingKey>) -> AttestationKeys {
        let signing_kid = key_id(&signing.verifying_key());
        let mut published = vec![(signing_kid.clone(), signing.verifying_key())];
        published.extend(retired.into_iter().map(|key| (key_id(&key), key)));
        AttestationKeys { signing, signing_kid, published }
    }

    /// Reads the key file's text.
    pub fn parse(text: &str) -> Result<AttestationKeys, String> {
        let mut signing = None;
        let mut retired = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let where_ = format!("line {}", number + 1);
            match line.split_once(char::is_whitespace) {
                Some(("signing", seed)) => {
                    let key = SigningKey::from_bytes(&decode32(seed, &where_)?);
                    if signing.is_none() {
                        signing = Some(key);
                    } else {
                        retired.push(key.verifying_key());
                    }
                }
                Some(("retired", public)) => retired
                    .push(VerifyingKey::from_bytes(&decode32(public, &where_)?).map_err(|e| format!("{where_}: {e}"))?),
                _ => return Err(format!("{where_}: expected `signing <seed>` or `retired <public key>`")),
            }
        }
        let signing = signing.ok_or("no `signing` line")?;
        Ok(AttestationKeys::from_signing(signing, retired))
    }

    /// Whether this is the development key.
    pub fn is_development(&self) -> bool {
        self.signing.to_bytes() == DEVELOPMENT_SEED
    }

    /// The key that signs now.
    pub fn signing(&self) -> &SigningKey {
        &self.signing
    }

    /// Its id.
    pub fn signing_kid(&self) -> &str {
        &self.signing_kid
    }

    /// Every published key (the signing one first).
    pub fn published(&self) -> &[(String, VerifyingKey)] {
        &self.published
    }

    /// A random verification token of 256 bits, base64url.
    pub fn verification_token() -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
    }

    /// A new key's two lines: `signing <seed>` for the key file, and the `retired <public key>` line that
    /// replaces it after the next rotation.
    pub fn generate_lines() -> String {
        let seed: [u8; 32] = random_bytes();
        let key = SigningKey::from_bytes(&seed);
        let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        format!(
            "signing {}\n# after rotation, replace the line above with:\n# retired {}\n",
            encode(&seed),
            encode(key.verifying_key().as_bytes())
        )
    }
}

/// Bytes from the operating system's generator.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS generator does not fail on the platforms Parcours runs on; if it ever did, refusing to go on
    // is the only safe answer for keys and tokens.
    getrandom::fill(&mut bytes).expect("the operating system's random generator is available");
    bytes
}

/// Reads the published keys document (`/.well-known/parcours-keys.json`, saved to a file by a verifier).
pub fn published_from_json(json: &str) -> Result<Vec<(String, VerifyingKey)>, String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("keys document: {e}"))?;
    let keys = value["keys"].as_array().ok_or("keys document: no `keys` list")?;
    keys.iter()
        .map(|key| {
            let kid = key["kid"].as_str().ok_or("keys document: a key without `kid`")?;
            let bytes = decode32(key["public_key"].as_str().ok_or("keys document: a key without `public_key`")?, kid)?;
            let key = VerifyingKey::from_bytes(&bytes).map_err(|e| format!("key {kid}: {e}"))?;
            Ok((kid.to_owned(), key))
        })
        .collect()
}

/// `parcours verify-attestation`: checks the signed payload of a QR text offline against `keys`, and, when
/// given, the holder's surname and birth date against its hash. Returns the report to print.
pub fn verify_offline(
    qr_text: &str,
    keys: &[(String, VerifyingKey)],
    holder: Option<(&str, chrono::NaiveDate)>,
) -> Result<String, String> {
    use parcours_documents::verification::{OfflinePayload, holder_hash};
    let payload = OfflinePayload::verify(qr_text, keys).map_err(|e| format!("NOT VALID: {e}"))?;
    let mut report = format!(
        "signature valid (key {})\nserial: {}\nissued by: {}\nissued on: {}\ncompleted on: {}\n",
        payload.kid, payload.serial, payload.cri, payload.issued_on, payload.completed_on
    );
    if let Some((surname, birth_date)) = holder {
        let comparable = parcours_domain::attestation::comparable_surname(surname);
        let matches = holder_hash(&payload.serial, &comparable, birth_date) == payload.holder;
        report.push_str(if matches { "holder: matches\n" } else { "holder: DOES NOT MATCH\n" });
    }
    report.push_str("Whether it was revoked or superseded since: open the address in the QR code (online check).\n");
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parcours_documents::verification::{OfflinePayload, holder_hash};

    fn payload(kid: &str) -> OfflinePayload {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).expect("date");
        OfflinePayload {
            kid: kid.to_owned(),
            serial: "CRIPEL-ATT-2026-000001".into(),
            issued_on: d(2026, 12, 15),
            cri: "CRIPEL".into(),
            completed_on: d(2026, 12, 15),
            holder: holder_hash("CRIPEL-ATT-2026-000001", "elamrani", d(1990, 5, 10)),
        }
    }

    #[test]
    fn after_a_rotation_attestations_signed_with_the_old_key_still_verify() {
        let old = AttestationKeys::parse("signing AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE\n").expect("old file");
        let signed_before = payload(old.signing_kid()).sign(old.signing());
        let old_public =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(old.signing().verifying_key().as_bytes());
        let rotated = AttestationKeys::parse(&format!(
            "# rotated\nsigning AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI\nretired {old_public}\n"
        ))
        .expect("rotated file");
        assert_ne!(rotated.signing_kid(), old.signing_kid());
        assert_eq!(rotated.published().len(), 2);
        let report = verify_offline(&signed_before, rotated.published(), None).expect("old signature verifies");
        assert!(report.contains("CRIPEL-ATT-2026-000001"));
        let signed_after = payload(rotated.signing_kid()).sign(rotated.signing());
        assert!(verify_offline(&signed_after, rotated.published(), None).is_ok());
        // Without the retired key, the old attestation no longer verifies offline.
        let only_new = &rotated.published()[..1];
        assert!(verify_offline(&signed_before, only_new, None).is_err());
    }

    #[test]
    fn the_holder_check_and_a_forged_payload() {
        let keys = AttestationKeys::development();
        let signed = payload(keys.signing_kid()).sign(keys.signing());
        let birth = chrono::NaiveDate::from_ymd_opt(1990, 5, 10).expect("date");
        let report = verify_offline(&signed, keys.published(), Some(("El Amrani", birth))).expect("valid");
        assert!(report.contains("holder: matches"));
        let report = verify_offline(&signed, keys.published(), Some(("Dupont", birth))).expect("valid");
        assert!(report.contains("DOES NOT MATCH"));
        let forged = signed.replace("CRIPEL-ATT-2026-000001", "CRIPEL-ATT-2026-000002");
        assert!(verify_offline(&forged, keys.published(), None).unwrap_err().starts_with("NOT VALID"));
    }

    #[test]
    fn the_published_document_reads_back() {
        let keys = AttestationKeys::development();
        let (kid, key) = &keys.published()[0];
        let json = serde_json::json!({"payload_format": "PA1", "keys": [{"kid": kid, "alg": "Ed25519",
            "public_key": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.as_bytes()), "status": "current"}]});
        assert_eq!(published_from_json(&json.to_string()).expect("reads"), keys.published());
    }
}
