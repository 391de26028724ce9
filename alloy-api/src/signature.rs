//! Verification of the `X-Alloy-Signature` header that Alloy puts on the requests it sends
//! to you (Custom API blocks, data streaming).
//!
//! Alloy signs the HTTP method, the URL and the body, concatenated without separators, with
//! RSA and SHA-256, and sends the signature in [`SIGNATURE_HEADER`]. Alloy's pages describe
//! two variants: the current one hex-encodes a PKCS#1 v1.5 signature, an older one
//! base64-encodes a PSS signature. A [`SignatureVerifier`] accepts both encodings and both
//! paddings, always with SHA-256, and reports which one it saw ([`Verified`]).
//!
//! Build the verifier once, at start-up, from the PEM of Alloy's public key (Alloy publishes
//! it; keep your own copy rather than fetching it per request), and share it: it is cheap to
//! clone and `Send + Sync`. Then verify every request before trusting it, in development too,
//! and answer a failure with a bare 401: the [`SignatureError`] is for your logs, not for the
//! caller.
//!
//! ```
//! use alloy_api::http::{StatusCode, request::Parts};
//! use alloy_api::signature::KeyError;
//! use alloy_api::SignatureVerifier;
//! use axum::{Router, body::Bytes, extract::State, routing::post};
//!
//! // The handler takes the request's head and its raw body, not a `Json<T>`: the signature
//! // covers the exact bytes Alloy sent, which a parsed and re-serialized value need not be.
//! async fn receive(
//!     State(verifier): State<SignatureVerifier>,
//!     parts: Parts,
//!     body: Bytes,
//! ) -> StatusCode {
//!     if let Err(why) = verifier.verify_parts(&parts, &body) {
//!         eprintln!("rejected a call claiming to come from Alloy: {why}");
//!         return StatusCode::UNAUTHORIZED; // and nothing more for the caller
//!     }
//!     // `body` is Alloy's, byte for byte: parse it now.
//!     StatusCode::NO_CONTENT
//! }
//!
//! fn app(alloy_public_key_pem: &str) -> Result<Router, KeyError> {
//!     let verifier = SignatureVerifier::from_pem(alloy_public_key_pem)?;
//!     Ok(Router::new().route("/hooks/alloy", post(receive)).with_state(verifier))
//! }
//! # assert!(app("not a key").is_err());
//! ```
//!
//! # Which URL is signed
//!
//! Alloy's example verifies with Node's `request.url`. In Express and in Node's own `http`
//! server that is the request target as received: the path and the query, `/hooks/alloy?x=1`.
//! Elsewhere (and on the signing side, which knows the URL it calls) it can be the absolute
//! URL, `https://api.example.com/hooks/alloy?x=1`. Alloy's pages do not settle which one is
//! signed, so the verifier supports both, without trusting anything the caller sends to
//! choose between them:
//!
//! - [`SignatureVerifier::verify`] checks exactly the bytes you pass. If you know which form
//!   Alloy signs for your endpoint, pass that.
//! - [`SignatureVerifier::verify_parts`] tries the path and query of the request as received
//!   (`parts.uri.path_and_query()`), which is the page's `request.url`, and, when you have
//!   configured your public origin with [`SignatureVerifier::with_public_origin`], that origin
//!   followed by the same path and query: the URL you entered in Alloy. [`Verified::url_form`]
//!   says which one matched.
//!
//! Trying both weakens nothing, for three reasons. First, every candidate is made from the
//! request being checked (its method, its path and query, its body): a candidate can only
//! match a signature that Alloy made over this very request in one of the two forms. Second,
//! the two forms cannot be confused with each other: a method is a token, which never holds
//! `/` or `:`, so a string made of a method followed by a path starts its URL at its first `/`,
//! while a string made of a method followed by an absolute URL has a `:` before its first `/`.
//! No string is both, so a signature over one form never matches the other. Third, the
//! origin of the absolute form comes from your configuration, never from the request's `Host`
//! header: a verifier that built it from `Host` would accept a request signed for another of
//! Alloy's customers and replayed to you with that customer's `Host`.
//!
//! What the format itself does not protect, whatever the verifier does: there is no
//! timestamp or nonce in what Alloy signs, so a captured request can be replayed as it is;
//! with the path form, a signature made for the same path at another host verifies at
//! yours; and with no separator between URL and body, the split between them is not signed
//! (a request whose query ends with the first bytes of the signed body, sent with the rest of
//! it, verifies too, and the other way round). A strict parse catches that: the body Alloy
//! sends is one JSON object, and a shifted split puts bytes of the URL before it or cuts it
//! short; a call that Alloy makes without a body must arrive without one.
//!
//! If your router strips a prefix (axum's `Router::nest`), `parts.uri` has lost it: pass the
//! original URI (axum's `OriginalUri`) to [`SignatureVerifier::verify`].
//!
//! # What is checked, and by whom
//!
//! The RSA verification is *ring*'s (`RSA_PKCS1_2048_8192_SHA256` and
//! `RSA_PSS_2048_8192_SHA256`); the key's PEM, SPKI and PKCS#1 structures are read with
//! RustCrypto's `pkcs1` and `spki`, and the header is decoded with the constant-time
//! `base16ct` and `base64ct`. The verifier compares nothing itself: the only comparison that
//! decides is *ring*'s. Keys under [`MIN_KEY_BITS`] or over [`MAX_KEY_BITS`] are refused when
//! the verifier is built, not at the first request.
//!
//! Accepting both paddings means that a forgery under either would do; both are standard
//! schemes, and *ring*'s PKCS#1 v1.5 check rebuilds the whole expected block and compares it,
//! leaving no room for the lenient parsing that Bleichenbacher's 2006 forgery needs.
//!
//! *ring* verifies PSS with a salt as long as the digest (32 bytes, OpenSSL's
//! `rsa_pss_saltlen:32`, Node's `RSA_PSS_SALTLEN_DIGEST`). A PSS signature made with another
//! salt length, such as Node's default for signing (the largest salt), does not verify and is
//! reported as [`SignatureError::Mismatch`].

use std::fmt;
use std::sync::Arc;

use base64ct::{Base64, Base64Unpadded, Encoding as _};
use http::uri::{Authority, Scheme};
use http::{HeaderMap, HeaderName, Method, Uri};
use pkcs1::der::asn1::{AnyRef, BitStringRef};
use pkcs1::der::pem::LineEnding;
use pkcs1::der::{Decode as _, Encode as _};
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, RSA_PSS_2048_8192_SHA256, UnparsedPublicKey};

/// The header that carries Alloy's signature, `x-alloy-signature`.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static("x-alloy-signature");

/// The longest header value the verifier reads, in bytes; a longer one is
/// [`MalformedHeader::TooLong`] without being decoded.
///
/// The longest valid value is the hex encoding of an 8192-bit signature, 2048 characters.
pub const MAX_HEADER_LEN: usize = 4096;

/// The smallest modulus a key may have, in bits.
pub const MIN_KEY_BITS: usize = 2048;

/// The largest modulus a key may have, in bits (*ring*'s limit).
pub const MAX_KEY_BITS: usize = 8192;

// *ring*'s bounds on the public exponent (rsa/public_exponent.rs): odd, at least 3, and below
// 2^33. Checked when the key is read so that a key *ring* would refuse fails there, with a
// clear error, rather than as a mismatch on every request.
const MIN_EXPONENT: u64 = 3;
const MAX_EXPONENT: u64 = (1 << 33) - 1;

/// Returns the bytes Alloy signs for a request: the method, the URL and the body,
/// concatenated without separators.
///
/// A signer (a test server standing in for Alloy) signs these bytes with RSA and SHA-256 and
/// sends the signature, encoded with [`Encoding::encode`], in [`SIGNATURE_HEADER`].
pub fn signed_message(method: &str, url: &str, body: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(method.len() + url.len() + body.len());
    message.extend_from_slice(method.as_bytes());
    message.extend_from_slice(url.as_bytes());
    message.extend_from_slice(body);
    message
}

/// Checks `X-Alloy-Signature` headers against one RSA public key.
///
/// Built once from the key's PEM ([`from_pem`](Self::from_pem)); cheap to clone (the key is
/// shared) and `Send + Sync`. `Debug` shows the key's size, not the key.
#[derive(Clone)]
pub struct SignatureVerifier {
    inner: Arc<Key>,
    public_origin: Option<Arc<str>>,
}

struct Key {
    /// The PKCS#1 `RSAPublicKey` DER, the form *ring* reads.
    pkcs1: Vec<u8>,
    /// The length of the modulus in bytes, which is the length of every signature.
    modulus_len: usize,
    bits: usize,
    /// The key as a `PUBLIC KEY` PEM, for [`SignatureVerifier::public_key_pem`].
    pem: String,
}

impl SignatureVerifier {
    /// Reads an RSA public key from PEM: a `PUBLIC KEY` (SubjectPublicKeyInfo, what
    /// `openssl pkey -pubout` writes) or an `RSA PUBLIC KEY` (PKCS#1) block.
    ///
    /// Whitespace around the block is ignored; anything else around it is an error. A key
    /// under [`MIN_KEY_BITS`] is refused.
    pub fn from_pem(pem: impl AsRef<[u8]>) -> Result<Self, KeyError> {
        let (label, der) =
            pkcs1::der::pem::decode_vec(pem.as_ref().trim_ascii()).map_err(|_| KeyError::NotPem)?;
        match label {
            "PUBLIC KEY" => Self::from_spki_der(&der),
            "RSA PUBLIC KEY" => Self::from_pkcs1_der(&der),
            other => Err(KeyError::UnexpectedLabel(other.chars().take(64).collect())),
        }
    }

    /// Reads an RSA public key from the DER of a SubjectPublicKeyInfo (the content of a
    /// `PUBLIC KEY` PEM block).
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let spki = spki::SubjectPublicKeyInfoRef::from_der(der).map_err(|_| KeyError::Malformed)?;
        if spki.algorithm.oid != pkcs1::ALGORITHM_OID {
            return Err(KeyError::NotRsa);
        }
        // RFC 8017 A.1: the parameters of rsaEncryption are NULL; some encoders omit them.
        if spki.algorithm.parameters.is_some_and(|p| p != AnyRef::NULL) {
            return Err(KeyError::Malformed);
        }
        let pkcs1 = spki
            .subject_public_key
            .as_bytes()
            .ok_or(KeyError::Malformed)?;
        Self::from_pkcs1_der(pkcs1)
    }

    /// Reads an RSA public key from the DER of a PKCS#1 `RSAPublicKey` (the content of an
    /// `RSA PUBLIC KEY` PEM block, and what *ring*'s `RsaKeyPair::public` gives).
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        let key = pkcs1::RsaPublicKeyRef::from_der(der).map_err(|_| KeyError::Malformed)?;
        let modulus = key.modulus.as_bytes();
        let bits = modulus_bits(modulus);
        // An even modulus is no RSA modulus; *ring* would refuse it at every request.
        if modulus.last().is_none_or(|low| low & 1 == 0) {
            return Err(KeyError::Malformed);
        }
        if bits < MIN_KEY_BITS {
            return Err(KeyError::TooSmall { bits });
        }
        if bits > MAX_KEY_BITS {
            return Err(KeyError::TooLarge { bits });
        }
        if !exponent_supported(key.public_exponent.as_bytes()) {
            return Err(KeyError::UnsupportedExponent);
        }
        let spki = spki::SubjectPublicKeyInfoRef {
            algorithm: pkcs1::ALGORITHM_ID,
            subject_public_key: BitStringRef::from_bytes(der).map_err(|_| KeyError::Malformed)?,
        };
        let spki = spki.to_der().map_err(|_| KeyError::Malformed)?;
        let pem = pkcs1::der::pem::encode_string("PUBLIC KEY", LineEnding::LF, &spki)
            .map_err(|_| KeyError::Malformed)?;
        Ok(Self {
            inner: Arc::new(Key {
                pkcs1: der.to_vec(),
                modulus_len: modulus.len(),
                bits,
                pem,
            }),
            public_origin: None,
        })
    }

    /// Sets the scheme and host under which Alloy calls you, so that
    /// [`verify_parts`](Self::verify_parts) also tries the absolute URL.
    ///
    /// Give them as you entered them in Alloy: `https` and `api.example.com` for
    /// `https://api.example.com/hooks/alloy`. The absolute URL tried is
    /// `{scheme}://{authority}{path and query of the request}`. See the [module
    /// documentation](self#which-url-is-signed) for why this comes from you and not from the
    /// request's `Host` header.
    pub fn with_public_origin(mut self, scheme: Scheme, authority: Authority) -> Self {
        self.public_origin = Some(format!("{scheme}://{authority}").into());
        self
    }

    /// Returns the size of the key's modulus in bits.
    pub fn key_bits(&self) -> usize {
        self.inner.bits
    }

    /// Returns the key as a `PUBLIC KEY` (SubjectPublicKeyInfo) PEM block, whichever form it
    /// was read from.
    pub fn public_key_pem(&self) -> &str {
        &self.inner.pem
    }

    /// Checks a signature header against exactly this method, URL and body.
    ///
    /// `header` is the value of [`SIGNATURE_HEADER`] (a `&str` or an
    /// [`http::HeaderValue`]); `body` the raw bytes received, before any parsing.
    ///
    /// ```
    /// # fn check(verifier: &alloy_api::SignatureVerifier, body: &[u8], header: &str) {
    /// match verifier.verify("POST", "/hooks/alloy?tenant=42", body, header) {
    ///     Ok(verified) => println!("signed by Alloy ({:?})", verified.padding()),
    ///     Err(rejected) => eprintln!("rejected: {rejected}"),
    /// }
    /// # }
    /// ```
    pub fn verify(
        &self,
        method: &str,
        url: &str,
        body: &[u8],
        header: impl AsRef<[u8]>,
    ) -> Result<Verified, SignatureError> {
        let (signature, encoding) = self.decode(header.as_ref())?;
        let padding = self.check(&signed_message(method, url, body), &signature)?;
        Ok(Verified {
            encoding,
            padding,
            url_form: UrlForm::AsGiven,
        })
    }

    /// Checks the signature of a received request, given its head and its raw body: the one
    /// call an axum or hyper handler makes.
    ///
    /// Reads the method, the path and query, and the single [`SIGNATURE_HEADER`] from
    /// `parts`, and tries the URL forms described in the [module
    /// documentation](self#which-url-is-signed).
    pub fn verify_parts(
        &self,
        parts: &http::request::Parts,
        body: &[u8],
    ) -> Result<Verified, SignatureError> {
        self.verify_head(&parts.method, &parts.uri, &parts.headers, body)
    }

    /// Checks the signature of a received request whose body is in memory; the same checks
    /// as [`verify_parts`](Self::verify_parts).
    pub fn verify_request<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
    ) -> Result<Verified, SignatureError> {
        self.verify_head(
            request.method(),
            request.uri(),
            request.headers(),
            request.body().as_ref(),
        )
    }

    fn verify_head(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Verified, SignatureError> {
        let mut values = headers.get_all(SIGNATURE_HEADER).iter();
        let header = values.next().ok_or(SignatureError::Missing)?;
        if values.next().is_some() {
            return Err(SignatureError::Malformed(MalformedHeader::Repeated));
        }
        let (signature, encoding) = self.decode(header.as_bytes())?;
        let method = method.as_str();
        let path = uri.path_and_query().map_or("/", |p| p.as_str());

        let verified = |url_form, message: Vec<u8>| {
            self.check(&message, &signature).map(|padding| Verified {
                encoding,
                padding,
                url_form,
            })
        };
        let result = verified(UrlForm::PathAndQuery, signed_message(method, path, body));
        match &self.public_origin {
            Some(origin) if result.is_err() => {
                let url = format!("{origin}{path}");
                verified(UrlForm::PublicUrl, signed_message(method, &url, body))
            }
            _ => result,
        }
    }

    fn decode(&self, header: &[u8]) -> Result<(Vec<u8>, Encoding), SignatureError> {
        decode_signature(header_text(header)?, self.inner.modulus_len)
    }

    fn check(&self, message: &[u8], signature: &[u8]) -> Result<Padding, SignatureError> {
        let key = &self.inner.pkcs1;
        let paddings = [
            (Padding::Pkcs1v15, &RSA_PKCS1_2048_8192_SHA256),
            (Padding::Pss, &RSA_PSS_2048_8192_SHA256),
        ];
        for (padding, algorithm) in paddings {
            if UnparsedPublicKey::new(algorithm, key)
                .verify(message, signature)
                .is_ok()
            {
                return Ok(padding);
            }
        }
        Err(SignatureError::Mismatch)
    }
}

impl fmt::Debug for SignatureVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignatureVerifier")
            .field("key_bits", &self.inner.bits)
            .field("public_origin", &self.public_origin)
            .finish_non_exhaustive()
    }
}

/// The exact bit length of a big-endian unsigned integer without leading zero bytes.
fn modulus_bits(modulus: &[u8]) -> usize {
    match modulus.first() {
        Some(&high) => modulus.len() * 8 - high.leading_zeros() as usize,
        None => 0,
    }
}

/// Whether *ring* verifies with this public exponent (big-endian, no leading zeros).
fn exponent_supported(exponent: &[u8]) -> bool {
    if exponent.is_empty() || exponent.len() > 5 {
        return false;
    }
    let value = exponent
        .iter()
        .fold(0u64, |value, &byte| (value << 8) | u64::from(byte));
    value & 1 == 1 && (MIN_EXPONENT..=MAX_EXPONENT).contains(&value)
}

/// The header's value without surrounding whitespace, if it can be a signature's text.
fn header_text(raw: &[u8]) -> Result<&str, SignatureError> {
    if raw.len() > MAX_HEADER_LEN {
        return Err(SignatureError::Malformed(MalformedHeader::TooLong));
    }
    let text = raw.trim_ascii();
    if text.is_empty() {
        return Err(SignatureError::Malformed(MalformedHeader::Empty));
    }
    if !text.iter().all(u8::is_ascii_graphic) {
        return Err(SignatureError::Malformed(MalformedHeader::InvalidCharacter));
    }
    std::str::from_utf8(text)
        .map_err(|_| SignatureError::Malformed(MalformedHeader::InvalidCharacter))
}

/// Decodes a header's text into a signature of `len` bytes.
///
/// A signature is exactly as long as the key's modulus, so the length of the text says which
/// encoding it can be: hex takes `2 * len` characters, base64 about `4 * len / 3`. The two
/// never coincide, so at most one decoding is tried and no text has two readings.
fn decode_signature(text: &str, len: usize) -> Result<(Vec<u8>, Encoding), SignatureError> {
    let padded_base64 = len.div_ceil(3) * 4;
    let unpadded_base64 = (len * 4).div_ceil(3);
    let decoded = if text.len() == 2 * len {
        base16ct::mixed::decode_vec(text)
            .map(|s| (s, Encoding::Hex))
            .ok()
    } else if text.len() == padded_base64 && text.ends_with('=') {
        Base64::decode_vec(text).map(|s| (s, Encoding::Base64)).ok()
    } else if text.len() == unpadded_base64 || text.len() == padded_base64 {
        Base64Unpadded::decode_vec(text)
            .map(|s| (s, Encoding::Base64))
            .ok()
    } else {
        None
    };
    match decoded {
        Some((signature, encoding)) if signature.len() == len => Ok((signature, encoding)),
        _ => Err(SignatureError::Encoding),
    }
}

/// What a successful verification saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    encoding: Encoding,
    padding: Padding,
    url_form: UrlForm,
}

impl Verified {
    /// Returns how the header encoded the signature.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Returns the RSA padding of the signature.
    pub fn padding(&self) -> Padding {
        self.padding
    }

    /// Returns which form of the URL the signature covers.
    pub fn url_form(&self) -> UrlForm {
        self.url_form
    }
}

/// How the header's text encodes the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Encoding {
    /// Hexadecimal, either case (Alloy's current page).
    Hex,
    /// Standard base64, with or without `=` padding (Alloy's older page).
    Base64,
}

impl Encoding {
    /// Encodes a signature as a header value: lowercase hex, or padded standard base64.
    pub fn encode(self, signature: &[u8]) -> String {
        match self {
            Self::Hex => base16ct::lower::encode_string(signature),
            Self::Base64 => Base64::encode_string(signature),
        }
    }
}

/// The RSA signature padding, always with SHA-256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Padding {
    /// PKCS#1 v1.5 (RFC 8017 8.2), what Node's `crypto.verify("sha256", ...)` uses by default
    /// and Alloy's current page shows.
    Pkcs1v15,
    /// PSS (RFC 8017 8.1) with MGF1-SHA-256 and a 32-byte salt, as in Alloy's older page.
    Pss,
}

/// Which URL the verified signature covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlForm {
    /// The URL passed to [`SignatureVerifier::verify`].
    AsGiven,
    /// The request's path and query as received (Node's `request.url` in Express).
    PathAndQuery,
    /// The public origin set with [`SignatureVerifier::with_public_origin`], followed by the
    /// path and query.
    PublicUrl,
}

/// Why a request's signature was rejected.
///
/// Says what failed, never with the key or the header's content. Log it; answer the caller
/// with a bare 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The request has no `X-Alloy-Signature` header.
    Missing,
    /// The header cannot be a signature's text.
    Malformed(MalformedHeader),
    /// The header is neither hex nor base64 of a signature as long as the key's modulus.
    Encoding,
    /// The signature does not match: another key made it, or the method, URL or body is not
    /// what was signed (or a PSS salt length that *ring* does not verify).
    Mismatch,
}

/// What is wrong with a malformed signature header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedHeader {
    /// The value is empty or only whitespace.
    Empty,
    /// The value is longer than [`MAX_HEADER_LEN`].
    TooLong,
    /// The value holds a character other than visible ASCII (a space, a control
    /// character, a non-ASCII byte).
    InvalidCharacter,
    /// The request carries the header more than once.
    Repeated,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => f.write_str("no X-Alloy-Signature header"),
            Self::Malformed(why) => write!(f, "malformed X-Alloy-Signature header: {why}"),
            Self::Encoding => f.write_str(
                "X-Alloy-Signature is neither hex nor base64 of a signature of the key's size",
            ),
            Self::Mismatch => f.write_str(
                "X-Alloy-Signature does not match the method, URL and body under the key",
            ),
        }
    }
}

impl fmt::Display for MalformedHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "empty",
            Self::TooLong => "longer than any signature",
            Self::InvalidCharacter => "a character other than visible ASCII",
            Self::Repeated => "the header appears more than once",
        })
    }
}

impl std::error::Error for SignatureError {}

/// Why a public key was refused when building a [`SignatureVerifier`].
///
/// Says what is wrong with the key, never with its content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The input is not one PEM block (no `-----BEGIN ...-----` line, damaged base64, text
    /// around the block).
    NotPem,
    /// The PEM block is not a public key; holds its label, such as `PRIVATE KEY` or
    /// `CERTIFICATE`.
    UnexpectedLabel(String),
    /// The DER inside is not a well-formed SubjectPublicKeyInfo or PKCS#1 RSA public key.
    Malformed,
    /// The key is a public key of another algorithm than RSA.
    NotRsa,
    /// The modulus is shorter than [`MIN_KEY_BITS`].
    #[non_exhaustive]
    TooSmall {
        /// The size of the modulus in bits.
        bits: usize,
    },
    /// The modulus is longer than [`MAX_KEY_BITS`].
    #[non_exhaustive]
    TooLarge {
        /// The size of the modulus in bits.
        bits: usize,
    },
    /// The public exponent is even, under 3 or not below 2^33, which *ring* does not verify
    /// with.
    UnsupportedExponent,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotPem => f.write_str("the public key is not one PEM block"),
            Self::UnexpectedLabel(label) if label.contains("PRIVATE") => write!(
                f,
                "the PEM block is a private key ({label}); give the public key \
                 (PUBLIC KEY or RSA PUBLIC KEY)"
            ),
            Self::UnexpectedLabel(label) => write!(
                f,
                "the PEM block is a {label}, not a PUBLIC KEY or RSA PUBLIC KEY"
            ),
            Self::Malformed => f.write_str("the public key's DER is malformed"),
            Self::NotRsa => f.write_str("the public key is not an RSA key"),
            Self::TooSmall { bits } => write!(
                f,
                "the RSA key has {bits} bits; at least {MIN_KEY_BITS} are required"
            ),
            Self::TooLarge { bits } => write!(
                f,
                "the RSA key has {bits} bits; at most {MAX_KEY_BITS} are supported"
            ),
            Self::UnsupportedExponent => {
                f.write_str("the RSA key's public exponent is not supported (odd, 3 to 2^33 - 1)")
            }
        }
    }
}

impl std::error::Error for KeyError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verifier_can_be_shared_across_tasks() {
        // The docs promise a verifier in an axum state and in spawned tasks.
        fn shared<T: Send + Sync + Clone + 'static>() {}
        shared::<SignatureVerifier>();
        shared::<SignatureError>();
        shared::<KeyError>();
    }

    #[test]
    fn modulus_bits_counts_from_the_highest_set_bit() {
        assert_eq!(modulus_bits(&[]), 0);
        assert_eq!(modulus_bits(&[1]), 1);
        assert_eq!(modulus_bits(&[0x80, 0, 1]), 24);
        // 2047 bits: the top byte's highest bit is clear. *ring* rounds this up to 2048 and
        // would accept it; the verifier counts exactly.
        let mut n = vec![0xff; 256];
        n[0] = 0x7f;
        assert_eq!(modulus_bits(&n), 2047);
    }

    #[test]
    fn exponent_follows_rings_bounds() {
        assert!(exponent_supported(&[3]));
        assert!(exponent_supported(&[1, 0, 1]));
        assert!(exponent_supported(&[1, 0xff, 0xff, 0xff, 0xff]));
        assert!(
            !exponent_supported(&[2, 0, 0, 0, 1]),
            "2^33 + 1 is too large"
        );
        assert!(!exponent_supported(&[1]));
        assert!(!exponent_supported(&[1, 0, 0]), "even");
        assert!(!exponent_supported(&[]));
        assert!(!exponent_supported(&[1, 0, 0, 0, 0, 1]), "six bytes");
    }

    #[test]
    fn header_text_trims_whitespace_and_refuses_the_rest() {
        assert_eq!(header_text(b"  ab12 \t"), Ok("ab12"));
        let malformed = |why| Err(SignatureError::Malformed(why));
        assert_eq!(header_text(b""), malformed(MalformedHeader::Empty));
        assert_eq!(header_text(b" \t "), malformed(MalformedHeader::Empty));
        assert_eq!(
            header_text(b"ab 12"),
            malformed(MalformedHeader::InvalidCharacter)
        );
        assert_eq!(
            header_text("ab\u{e9}".as_bytes()),
            malformed(MalformedHeader::InvalidCharacter)
        );
        assert_eq!(
            header_text(b"ab\x0012"),
            malformed(MalformedHeader::InvalidCharacter)
        );
        assert_eq!(
            header_text(&[b'a'; MAX_HEADER_LEN + 1]),
            malformed(MalformedHeader::TooLong)
        );
        assert!(header_text(&[b'a'; MAX_HEADER_LEN]).is_ok());
    }

    #[test]
    fn decode_signature_reads_each_encoding_by_length() {
        let signature: Vec<u8> = (0..=255).collect();
        let hex = Encoding::Hex.encode(&signature);
        let base64 = Encoding::Base64.encode(&signature);
        assert_eq!(
            decode_signature(&hex, 256),
            Ok((signature.clone(), Encoding::Hex))
        );
        assert_eq!(
            decode_signature(&hex.to_uppercase(), 256),
            Ok((signature.clone(), Encoding::Hex))
        );
        assert_eq!(
            decode_signature(&base64, 256),
            Ok((signature.clone(), Encoding::Base64))
        );
        let unpadded = base64.trim_end_matches('=');
        assert_eq!(
            decode_signature(unpadded, 256),
            Ok((signature.clone(), Encoding::Base64))
        );
        // A 384-byte signature in base64 is 512 characters, as long as a 256-byte one in
        // hex: the key's size decides, so each text has one reading.
        let long: Vec<u8> = (0..384).map(|i| i as u8).collect();
        let long_base64 = Encoding::Base64.encode(&long);
        assert_eq!(long_base64.len(), hex.len());
        assert_eq!(
            decode_signature(&long_base64, 384),
            Ok((long, Encoding::Base64))
        );
        assert_eq!(
            decode_signature(&long_base64, 256),
            Err(SignatureError::Encoding)
        );
    }

    #[test]
    fn decode_signature_refuses_wrong_lengths_and_alphabets() {
        let signature = [0x5a; 256];
        let hex = Encoding::Hex.encode(&signature);
        let base64 = Encoding::Base64.encode(&signature);
        for text in [
            &hex[..hex.len() - 2],
            &format!("{hex}00"),
            &hex[..hex.len() - 1],
            &format!("{}zz", &hex[..hex.len() - 2]),
            &base64[..base64.len() - 4],
            &format!("{base64}AAAA"),
            &base64.replace('W', "-"),
            "=",
        ] {
            assert_eq!(
                decode_signature(text, 256),
                Err(SignatureError::Encoding),
                "{text}"
            );
        }
    }

    #[test]
    fn the_two_url_forms_never_give_the_same_message() {
        // The argument of the module docs: a method never holds `/` or `:`, so the URL of a
        // path-form message starts at its first `/`, while an absolute-form message has a `:`
        // before its first `/`.
        for method in ["GET", "POST", "X-CUSTOM", "M.1!#$%&'*+^_`|~"] {
            assert!(method.parse::<Method>().is_ok());
            let path = signed_message(method, "/hooks", b"{}");
            let absolute = signed_message(method, "https://a.example/hooks", b"{}");
            let colon_before_slash = |m: &[u8]| {
                let slash = m.iter().position(|&b| b == b'/');
                let colon = m.iter().position(|&b| b == b':');
                matches!((colon, slash), (Some(c), Some(s)) if c < s)
            };
            assert!(!colon_before_slash(&path));
            assert!(colon_before_slash(&absolute));
        }
        assert!("POST:".parse::<Method>().is_err());
        assert!("PO/ST".parse::<Method>().is_err());
    }
}
