//! The offline verification payload printed in an attestation's QR code, signed with Ed25519, so that a
//! verifier holding the published public keys can check a paper copy without the network. The format is
//! documented in `docs/attestation-verification.md` for other regions' verifiers.
//!
//! The QR text is the verification address followed by the payload in the URL fragment (which browsers
//! never send to the server):
//!
//! `https://<host>/verify/<serial>?t=<token>#PA1.<kid>.<serial>.<issued>.<cri>.<completed>.<holder>.<signature>`
//!
//! The signed message is the UTF-8 text from `PA1` up to and including `<holder>` (the fields joined by
//! dots). Dates are `YYYYMMDD`; `<holder>` is base64url (no padding) of the first 16 bytes of
//! SHA-256(`parcours-holder-v1|<serial>|<comparable surname>|<YYYY-MM-DD birth date>`); `<signature>` is the
//! 64-byte Ed25519 signature, base64url without padding.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

/// The format tag (its version).
pub const FORMAT: &str = "PA1";

/// What the QR code proves offline. No readable personal data: the holder appears only as a salted hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflinePayload {
    /// Id of the key that signed it.
    pub kid: String,
    /// Serial (`CRIPEL-ATT-2027-000123`).
    pub serial: String,
    /// Issue date.
    pub issued_on: NaiveDate,
    /// Issuing CRI code.
    pub cri: String,
    /// Completion date.
    pub completed_on: NaiveDate,
    /// [`holder_hash`] of the holder.
    pub holder: [u8; 16],
}

/// Why a payload does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadError {
    /// Not `PA1` with eight dot-separated fields.
    Malformed(&'static str),
    /// No published key has this id.
    UnknownKey(String),
    /// The signature does not match (altered or forged).
    BadSignature,
}

impl std::fmt::Display for PayloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PayloadError::Malformed(what) => write!(f, "malformed payload: {what}"),
            PayloadError::UnknownKey(kid) => write!(f, "no published key has the id {kid}"),
            PayloadError::BadSignature => {
                f.write_str("the signature does not match: the payload was altered or forged")
            }
        }
    }
}

impl std::error::Error for PayloadError {}

/// A salted hash of the holder's surname and birth date: a verifier who knows them can check they match,
/// nobody can read them back. The serial salts it, so that equal names do not give equal hashes.
pub fn holder_hash(serial: &str, comparable_surname: &str, birth_date: NaiveDate) -> [u8; 16] {
    let digest = Sha256::digest(format!("parcours-holder-v1|{serial}|{comparable_surname}|{birth_date}").as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

impl OfflinePayload {
    fn message(&self) -> String {
        format!(
            "{FORMAT}.{}.{}.{}.{}.{}.{}",
            self.kid,
            self.serial,
            self.issued_on.format("%Y%m%d"),
            self.cri,
            self.completed_on.format("%Y%m%d"),
            URL_SAFE_NO_PAD.encode(self.holder)
        )
    }

    /// The signed payload text.
    pub fn sign(&self, key: &SigningKey) -> String {
        let message = self.message();
        let signature = key.sign(message.as_bytes());
        format!("{message}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    /// Reads a payload (or a whole QR text: what follows `#`) and checks its signature against the key of
    /// its `kid` among `keys`.
    pub fn verify(text: &str, keys: &[(String, VerifyingKey)]) -> Result<OfflinePayload, PayloadError> {
        let text = text.rsplit_once('#').map_or(text, |(_, fragment)| fragment).trim();
        let fields: Vec<&str> = text.split('.').collect();
        let [format, kid, serial, issued, cri, completed, holder, signature] = fields[..] else {
            return Err(PayloadError::Malformed("expected eight fields separated by dots"));
        };
        if format != FORMAT {
            return Err(PayloadError::Malformed("unknown format tag"));
        }
        let date =
            |text: &str| NaiveDate::parse_from_str(text, "%Y%m%d").map_err(|_| PayloadError::Malformed("bad date"));
        let holder: [u8; 16] = URL_SAFE_NO_PAD
            .decode(holder)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(PayloadError::Malformed("bad holder hash"))?;
        let signature: [u8; 64] = URL_SAFE_NO_PAD
            .decode(signature)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(PayloadError::Malformed("bad signature encoding"))?;
        let payload = OfflinePayload {
            kid: kid.to_owned(),
            serial: serial.to_owned(),
            issued_on: date(issued)?,
            cri: cri.to_owned(),
            completed_on: date(completed)?,
            holder,
        };
        let key = keys.iter().find(|(id, _)| id == kid).map(|(_, key)| key);
        let key = key.ok_or_else(|| PayloadError::UnknownKey(kid.to_owned()))?;
        key.verify(payload.message().as_bytes(), &Signature::from_bytes(&signature))
            .map_err(|_| PayloadError::BadSignature)?;
        Ok(payload)
    }
}

/// The text of the QR code: the verification address, then the signed payload as its fragment.
pub fn qr_text(verification_url: &str, signed_payload: &str) -> String {
    format!("{verification_url}#{signed_payload}")
}

/// The QR code of `text` as rows of dark (true) and light modules, error correction M (15 %).
pub fn qr_modules(text: &str) -> Result<Vec<Vec<bool>>, crate::DocumentError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| crate::DocumentError::Qr(e.to_string()))?;
    let width = code.width();
    let modules = code.to_colors();
    Ok(modules.chunks(width).map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect()).collect())
}

/// A key id for a public key: the first 8 bytes of its SHA-256, base64url (stable, short, no dots).
pub fn key_id(key: &VerifyingKey) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(key.as_bytes())[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn payload(kid: &str) -> OfflinePayload {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        OfflinePayload {
            kid: kid.to_owned(),
            serial: "CRIPEL-ATT-2027-000123".into(),
            issued_on: d(2027, 1, 4),
            cri: "CRIPEL".into(),
            completed_on: d(2026, 12, 18),
            holder: holder_hash("CRIPEL-ATT-2027-000123", "elamrani", d(1990, 5, 10)),
        }
    }

    #[test]
    fn a_signed_payload_verifies_with_its_key_and_fails_when_altered_or_unknown() {
        let signing = key(7);
        let kid = key_id(&signing.verifying_key());
        let signed = payload(&kid).sign(&signing);
        let keys = vec![(kid.clone(), signing.verifying_key())];
        assert_eq!(OfflinePayload::verify(&qr_text("https://x/verify/s?t=a", &signed), &keys), Ok(payload(&kid)));
        let altered = signed.replace("20261218", "20261217");
        assert_eq!(OfflinePayload::verify(&altered, &keys), Err(PayloadError::BadSignature));
        let other = vec![("other".to_owned(), key(8).verifying_key())];
        assert_eq!(OfflinePayload::verify(&signed, &other), Err(PayloadError::UnknownKey(kid)));
        assert!(matches!(OfflinePayload::verify("PA1.x", &keys), Err(PayloadError::Malformed(_))));
    }

    #[test]
    fn the_qr_code_decodes_back_to_its_text() {
        let text = qr_text("https://verify.parcours.example/verify/CRIPEL-ATT-2027-000123?t=abc", "PA1.k.s");
        let modules = qr_modules(&text).expect("fits");
        let scale = 4;
        let size = (modules.len() + 8) * scale;
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| {
            let (mx, my) = ((x / scale).wrapping_sub(4), (y / scale).wrapping_sub(4));
            let dark = modules.get(my).and_then(|row| row.get(mx)).copied().unwrap_or(false);
            if dark { 0 } else { 255 }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        assert_eq!(grids[0].decode().expect("decodes").1, text);
    }
}
