//! The API key check and HS256 JSON Web Tokens: the user tokens of
//! `GET /users/{userId}/token`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use ring::hmac;
use serde::{Deserialize, Serialize};

use super::state::SandboxState;

/// The claims of a user token the sandbox signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user the token was issued to (a `userId`).
    pub sub: String,
    /// When the token was issued, in seconds since the Unix epoch.
    pub iat: i64,
    /// When the token expires, in seconds since the Unix epoch.
    pub exp: i64,
}

/// The reason a token fails [`SandboxState::verify_token`](crate::SandboxState::verify_token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// The token is not three base64url segments holding a JSON header and claims.
    Malformed,
    /// The token's header names an algorithm other than HS256.
    UnsupportedAlgorithm,
    /// The signature does not match: another sandbox signed the token, or it was altered.
    InvalidSignature,
    /// The token's `exp` has passed.
    Expired,
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenError::Malformed => "malformed token",
            TokenError::UnsupportedAlgorithm => "token algorithm is not HS256",
            TokenError::InvalidSignature => "token signature is invalid",
            TokenError::Expired => "token has expired",
        })
    }
}

impl std::error::Error for TokenError {}

#[derive(Serialize, Deserialize)]
struct Header {
    alg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    typ: Option<String>,
}

/// Signs and verifies tokens with one HMAC-SHA256 key.
#[derive(Debug)]
pub(crate) struct TokenSigner {
    key: hmac::Key,
}

impl TokenSigner {
    pub(crate) fn new(key: hmac::Key) -> Self {
        Self { key }
    }

    /// Returns a signed token for `claims`.
    pub(crate) fn sign(&self, claims: &Claims) -> String {
        let header = Header {
            alg: "HS256".to_owned(),
            typ: Some("JWT".to_owned()),
        };
        let mut token = encode_json(&header);
        token.push('.');
        token.push_str(&encode_json(claims));
        let tag = hmac::sign(&self.key, token.as_bytes());
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(tag.as_ref()));
        token
    }

    /// Checks the token's algorithm, signature and expiry (against `now`) and returns its claims.
    pub(crate) fn verify(&self, token: &str, now: i64) -> Result<Claims, TokenError> {
        let mut segments = token.split('.');
        let (Some(header), Some(claims), Some(signature), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return Err(TokenError::Malformed);
        };
        let signed = &token[..header.len() + 1 + claims.len()];
        let header: Header = decode_json(header)?;
        if header.alg != "HS256" {
            return Err(TokenError::UnsupportedAlgorithm);
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| TokenError::Malformed)?;
        hmac::verify(&self.key, signed.as_bytes(), &signature)
            .map_err(|_| TokenError::InvalidSignature)?;
        let claims: Claims = decode_json(claims)?;
        if claims.exp <= now {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

fn encode_json<T: Serialize>(value: &T) -> String {
    // Serializing these plain structs of strings and integers cannot fail.
    let json = serde_json::to_vec(value).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

fn decode_json<T: for<'de> Deserialize<'de>>(segment: &str) -> Result<T, TokenError> {
    let json = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| TokenError::Malformed)?;
    serde_json::from_slice(&json).map_err(|_| TokenError::Malformed)
}

impl SandboxState {
    /// Returns whether `presented` is the sandbox's API key, comparing in constant time.
    pub(crate) fn is_api_key(&self, presented: &str) -> bool {
        hmac::verify(
            &self.shared.api_key_mac,
            presented.as_bytes(),
            self.shared.api_key_tag.as_ref(),
        )
        .is_ok()
    }

    /// Checks a user token this sandbox issued and returns its claims.
    ///
    /// The token must be an HS256 JWT signed with this sandbox's secret (every sandbox has its
    /// own) whose `exp` has not passed.
    pub fn verify_token(&self, token: &str) -> Result<Claims, TokenError> {
        self.shared.signer.verify(token, Utc::now().timestamp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(secret: &[u8]) -> TokenSigner {
        TokenSigner::new(hmac::Key::new(hmac::HMAC_SHA256, secret))
    }

    fn claims() -> Claims {
        Claims {
            sub: "usr_1".to_owned(),
            iat: 1_000,
            exp: 2_800,
        }
    }

    #[test]
    fn signed_token_verifies() {
        let signer = signer(b"secret");
        let token = signer.sign(&claims());
        assert_eq!(token.split('.').count(), 3);
        assert_eq!(signer.verify(&token, 1_500), Ok(claims()));
    }

    #[test]
    fn matches_an_independent_implementation() {
        // `claims()` signed with the secret `secret` by Python's hmac and base64 modules.
        let expected = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\
            .eyJzdWIiOiJ1c3JfMSIsImlhdCI6MTAwMCwiZXhwIjoyODAwfQ\
            .2TIhEaqzDz_fPBnSPrM0H5UZO4IwQbnlj67yWGKxV3s";
        assert_eq!(signer(b"secret").sign(&claims()), expected);
    }

    #[test]
    fn rejections() {
        let signer = signer(b"secret");
        let token = signer.sign(&claims());
        assert_eq!(signer.verify(&token, 2_800), Err(TokenError::Expired));
        assert_eq!(
            self::signer(b"other").verify(&token, 1_500),
            Err(TokenError::InvalidSignature)
        );
        assert_eq!(signer.verify("a.b", 0), Err(TokenError::Malformed));
        assert_eq!(signer.verify("a.b.c.d", 0), Err(TokenError::Malformed));
        assert_eq!(signer.verify("", 0), Err(TokenError::Malformed));
        let mut tampered = token.clone();
        tampered.insert(token.find('.').unwrap() + 1, 'x');
        assert!(signer.verify(&tampered, 1_500).is_err());
        let none_alg = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
            token.split('.').nth(1).unwrap()
        );
        assert_eq!(
            signer.verify(&none_alg, 1_500),
            Err(TokenError::UnsupportedAlgorithm)
        );
    }
}
