//! The token signing key: an ES256 (P-256) key pair made on first start and kept in the
//! database, so tokens stay valid across restarts. Its public half is served as a JWK.
use crate::storage::db::Pool;
use crate::storage::id::random_bytes;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use gatehouse_model::types::Claims;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use r2d2_sqlite::rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

/// The audience of account tokens (never a marketplace token's).
pub const ACCOUNT_AUDIENCE: &str = "urn:gatehouse:sandbox:accounts";

pub struct Keys {
    pub kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub jwk: Value,
    validation: Validation,
    /// Accepts account tokens only (their own audience): an account token is never a marketplace
    /// token, nor the other way round.
    account_validation: Validation,
}

impl Keys {
    pub fn load_or_create(pool: &Pool, issuer: &str, audience: &str) -> Result<Keys, String> {
        let conn = pool.get().map_err(|e| e.to_string())?;
        let existing: Option<(String, String)> = conn
            .query_row("SELECT kid, pem FROM signing_keys ORDER BY created DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(|e| e.to_string())?;
        let (kid, secret) = match existing {
            Some((kid, pem)) => {
                (kid, p256::SecretKey::from_pkcs8_pem(&pem).map_err(|e| format!("stored signing key unreadable: {e}"))?)
            }
            None => {
                let secret = loop {
                    if let Ok(k) = p256::SecretKey::from_slice(&random_bytes::<32>()) {
                        break k;
                    }
                };
                let kid = URL_SAFE_NO_PAD.encode(random_bytes::<12>());
                let pem = secret.to_pkcs8_pem(LineEnding::LF).map_err(|e| e.to_string())?;
                let now = crate::storage::clock::now_s();
                conn.execute(
                    "INSERT INTO signing_keys (kid, pem, created) VALUES (?1, ?2, ?3)",
                    params![kid, pem.as_str(), now],
                )
                .map_err(|e| e.to_string())?;
                (kid, secret)
            }
        };
        let pem = secret.to_pkcs8_pem(LineEnding::LF).map_err(|e| e.to_string())?;
        let encoding = EncodingKey::from_ec_pem(pem.as_bytes()).map_err(|e| e.to_string())?;
        let point = secret.public_key().to_encoded_point(false);
        let x = URL_SAFE_NO_PAD.encode(point.x().expect("uncompressed point"));
        let y = URL_SAFE_NO_PAD.encode(point.y().expect("uncompressed point"));
        let decoding = DecodingKey::from_ec_components(&x, &y).map_err(|e| e.to_string())?;
        let jwk = json!({"kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": kid, "x": x, "y": y});
        let mut validation = Validation::new(Algorithm::ES256);
        validation.leeway = 0;
        validation.validate_nbf = true;
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud"]);
        let mut account_validation = validation.clone();
        account_validation.set_audience(&[ACCOUNT_AUDIENCE]);
        account_validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        Ok(Keys { kid, encoding, decoding, jwk, validation, account_validation })
    }

    pub fn sign(&self, claims: &Claims) -> String {
        self.sign_any(claims)
    }

    pub fn sign_any<T: serde::Serialize>(&self, claims: &T) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        header.typ = Some("JWT".into());
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("ES256 signing does not fail")
    }

    pub fn verify(&self, token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map(|d| d.claims)
    }
}

impl Keys {
    pub fn verify_account<T: serde::de::DeserializeOwned>(
        &self,
        token: &str,
    ) -> Result<T, jsonwebtoken::errors::Error> {
        jsonwebtoken::decode::<T>(token, &self.decoding, &self.account_validation).map(|d| d.claims)
    }
}
