//! Verifying `X-Alloy-Signature`: known answers made by OpenSSL (tests/fixtures/signature,
//! with the script that made them), the URL forms, and every way a request or a key is
//! refused.

use alloy_api::http::{self, HeaderValue, Request, uri};
use alloy_api::signature::{
    Encoding, KeyError, MAX_HEADER_LEN, MalformedHeader, Padding, SIGNATURE_HEADER, UrlForm,
    signed_message,
};
use alloy_api::{SignatureError, SignatureVerifier};
use proptest::prelude::*;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../fixtures/signature/", $name))
    };
}

// The request of make.sh.
const METHOD: &str = "POST";
const PATH: &str = "/hooks/alloy?tenant=42";
const ABSOLUTE: &str = "https://receiver.example/hooks/alloy?tenant=42";
const BODY: &[u8] = fixture!("body.json").as_bytes();

const A_SPKI: &str = fixture!("a.spki.pem");
const A_PKCS1: &str = fixture!("a.pkcs1.pem");
const B_SPKI: &str = fixture!("b.spki.pem");
const PKCS1_HEX: &str = fixture!("a-post-path-pkcs1.hex");
const PKCS1_B64: &str = fixture!("a-post-path-pkcs1.b64");
const PSS_HEX: &str = fixture!("a-post-path-pss.hex");
const PSS_B64: &str = fixture!("a-post-path-pss.b64");
const ABSOLUTE_HEX: &str = fixture!("a-post-absolute-pkcs1.hex");

fn verifier(pem: &str) -> SignatureVerifier {
    SignatureVerifier::from_pem(pem).expect("fixture key")
}

fn received(method: &str, target: &str, body: &[u8], header: &str) -> Request<Vec<u8>> {
    Request::builder()
        .method(method)
        .uri(target)
        .header(http::header::HOST, "receiver.example")
        .header(SIGNATURE_HEADER, header)
        .body(body.to_vec())
        .expect("request")
}

#[test]
fn openssl_signatures_verify_in_every_encoding_padding_and_key_form() {
    let cases = [
        (PKCS1_HEX, Encoding::Hex, Padding::Pkcs1v15),
        (PKCS1_B64, Encoding::Base64, Padding::Pkcs1v15),
        (PSS_HEX, Encoding::Hex, Padding::Pss),
        (PSS_B64, Encoding::Base64, Padding::Pss),
    ];
    for pem in [A_SPKI, A_PKCS1] {
        let v = verifier(pem);
        assert_eq!(v.key_bits(), 2048);
        for (header, encoding, padding) in cases {
            let verified = v.verify(METHOD, PATH, BODY, header).expect(header);
            assert_eq!(verified.encoding(), encoding);
            assert_eq!(verified.padding(), padding);
            assert_eq!(verified.url_form(), UrlForm::AsGiven);
        }
    }
}

#[test]
fn a_3072_bit_key_reads_its_512_character_base64_as_base64() {
    // 512 characters is also the hex length of a 2048-bit signature: the key's size decides.
    let v = verifier(B_SPKI);
    assert_eq!(v.key_bits(), 3072);
    let b64 = fixture!("b-post-path-pkcs1.b64");
    assert_eq!(b64.len(), PKCS1_HEX.len());
    let verified = v.verify(METHOD, PATH, BODY, b64).unwrap();
    assert_eq!(
        (verified.encoding(), verified.padding()),
        (Encoding::Base64, Padding::Pkcs1v15)
    );
    for (header, padding) in [
        (fixture!("b-post-path-pkcs1.hex"), Padding::Pkcs1v15),
        (fixture!("b-post-path-pss.hex"), Padding::Pss),
        (fixture!("b-post-path-pss.b64"), Padding::Pss),
    ] {
        assert_eq!(
            v.verify(METHOD, PATH, BODY, header).unwrap().padding(),
            padding
        );
    }
    // The 2048-bit key's hex is a valid base64 text of 384 bytes, but not this key's signature.
    assert_eq!(
        v.verify(METHOD, PATH, BODY, PKCS1_HEX),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn uppercase_hex_unpadded_base64_and_surrounding_whitespace_are_accepted() {
    let v = verifier(A_SPKI);
    for header in [
        PKCS1_HEX.to_uppercase(),
        PKCS1_B64.trim_end_matches('=').to_owned(),
        format!(" \t{PSS_HEX} "),
    ] {
        assert!(v.verify(METHOD, PATH, BODY, &header).is_ok(), "{header}");
    }
}

#[test]
fn a_bodyless_request_signs_the_empty_body() {
    let v = verifier(A_SPKI);
    let header = fixture!("a-get-path-pkcs1.hex");
    assert!(v.verify("GET", PATH, b"", header).is_ok());
    assert!(
        v.verify_request(&received("GET", PATH, b"", header))
            .is_ok()
    );
    assert_eq!(
        v.verify("GET", PATH, b"{}", header),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn verify_parts_checks_the_path_and_query_as_received() {
    let v = verifier(A_SPKI);
    let (parts, body) = received(METHOD, PATH, BODY, PKCS1_HEX).into_parts();
    let verified = v.verify_parts(&parts, &body).unwrap();
    assert_eq!(verified.url_form(), UrlForm::PathAndQuery);
    // An absolute request target (HTTP/2's :authority, a proxy's form) has the same path.
    let verified = v
        .verify_request(&received(METHOD, ABSOLUTE, BODY, PKCS1_HEX))
        .unwrap();
    assert_eq!(verified.url_form(), UrlForm::PathAndQuery);
}

#[test]
fn an_absolute_url_signature_verifies_only_under_the_configured_origin() {
    let request = received(METHOD, PATH, BODY, ABSOLUTE_HEX);
    let v = verifier(A_SPKI);
    assert!(v.verify(METHOD, ABSOLUTE, BODY, ABSOLUTE_HEX).is_ok());
    assert_eq!(
        v.verify(METHOD, PATH, BODY, ABSOLUTE_HEX),
        Err(SignatureError::Mismatch)
    );

    // The request says `Host: receiver.example`, which is exactly the signed host; still, a
    // verifier without an origin of its own does not build an absolute URL from it.
    assert_eq!(v.verify_request(&request), Err(SignatureError::Mismatch));

    let ours = v.clone().with_public_origin(
        uri::Scheme::HTTPS,
        uri::Authority::from_static("receiver.example"),
    );
    assert_eq!(
        ours.verify_request(&request).unwrap().url_form(),
        UrlForm::PublicUrl
    );
    // The path form keeps working beside it.
    let path_signed = received(METHOD, PATH, BODY, PKCS1_HEX);
    assert_eq!(
        ours.verify_request(&path_signed).unwrap().url_form(),
        UrlForm::PathAndQuery
    );

    // Another origin, or the same host over http, is another URL.
    for (scheme, host) in [
        (uri::Scheme::HTTPS, "other.example"),
        (uri::Scheme::HTTP, "receiver.example"),
    ] {
        let elsewhere = v
            .clone()
            .with_public_origin(scheme, uri::Authority::from_static(host));
        assert_eq!(
            elsewhere.verify_request(&request),
            Err(SignatureError::Mismatch)
        );
    }
}

#[test]
fn another_key_does_not_verify() {
    for pem in [
        fixture!("wrong.spki.pem"),
        fixture!("wrong.pkcs1.pem"),
        B_SPKI,
    ] {
        let v = verifier(pem);
        for header in [PKCS1_HEX, PSS_HEX, PKCS1_B64, PSS_B64] {
            let result = v.verify(METHOD, PATH, BODY, header);
            // A 3072-bit key reads a 2048-bit signature's text as the wrong length.
            assert!(
                matches!(
                    result,
                    Err(SignatureError::Mismatch | SignatureError::Encoding)
                ),
                "{result:?}"
            );
        }
    }
    let wrong = verifier(fixture!("wrong.spki.pem"));
    assert_eq!(
        wrong.verify(METHOD, PATH, BODY, PKCS1_HEX),
        Err(SignatureError::Mismatch)
    );
}

/// Every one-byte change of `s`: each byte in turn XORed with 1.
fn one_byte_changes(s: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    (0..s.len()).map(move |i| {
        let mut changed = s.to_vec();
        changed[i] ^= 1;
        changed
    })
}

#[test]
fn changing_one_byte_of_the_method_url_or_body_is_a_mismatch() {
    let v = verifier(A_SPKI);
    for header in [PKCS1_HEX, PSS_B64] {
        for method in one_byte_changes(METHOD.as_bytes()) {
            let method = String::from_utf8(method).unwrap();
            assert_eq!(
                v.verify(&method, PATH, BODY, header),
                Err(SignatureError::Mismatch)
            );
        }
        for url in one_byte_changes(PATH.as_bytes()) {
            let url = String::from_utf8(url).unwrap();
            assert_eq!(
                v.verify(METHOD, &url, BODY, header),
                Err(SignatureError::Mismatch)
            );
        }
        for body in one_byte_changes(BODY) {
            assert_eq!(
                v.verify(METHOD, PATH, &body, header),
                Err(SignatureError::Mismatch)
            );
        }
        // A byte more or less at the end of the body.
        let longer = [BODY, b" "].concat();
        assert_eq!(
            v.verify(METHOD, PATH, &longer, header),
            Err(SignatureError::Mismatch)
        );
        let shorter = &BODY[..BODY.len() - 1];
        assert_eq!(
            v.verify(METHOD, PATH, shorter, header),
            Err(SignatureError::Mismatch)
        );
    }
    // The same through verify_parts: a request whose method, path or body differs.
    let tampered = [
        received("PUT", PATH, BODY, PKCS1_HEX),
        received(METHOD, "/hooks/alloy?tenant=43", BODY, PKCS1_HEX),
        received(METHOD, PATH, &BODY[1..], PKCS1_HEX),
    ];
    for request in &tampered {
        assert_eq!(v.verify_request(request), Err(SignatureError::Mismatch));
    }
}

#[test]
fn the_split_between_url_and_body_is_not_signed_and_a_strict_parse_catches_it() {
    // Alloy concatenates without a separator: the first byte of the body moved to the end of
    // the query gives the same signed bytes. What the module docs tell handlers: the body
    // that is left is no JSON object.
    let v = verifier(A_SPKI);
    let shifted = received(METHOD, &format!("{PATH}{{"), &BODY[1..], PKCS1_HEX);
    assert!(v.verify_request(&shifted).is_ok());
    assert!(
        serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&BODY[1..]).is_err()
    );
    assert!(serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(BODY).is_ok());
}

#[test]
fn changing_one_digit_of_the_signature_is_a_mismatch() {
    let v = verifier(A_SPKI);
    for i in [0, 1, PKCS1_HEX.len() / 2, PKCS1_HEX.len() - 1] {
        let mut header = PKCS1_HEX.as_bytes().to_vec();
        header[i] = if header[i] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            v.verify(METHOD, PATH, BODY, &header),
            Err(SignatureError::Mismatch)
        );
    }
}

#[test]
fn pss_with_the_largest_salt_is_not_verified() {
    // Node's crypto.sign with PSS padding uses the largest salt unless told otherwise; *ring*
    // verifies PSS with a 32-byte salt only. OpenSSL made this one with `rsa_pss_saltlen:max`.
    let v = verifier(A_SPKI);
    for header in [
        fixture!("a-post-path-pss-maxsalt.hex"),
        fixture!("a-post-path-pss-maxsalt.b64"),
    ] {
        assert_eq!(
            v.verify(METHOD, PATH, BODY, header),
            Err(SignatureError::Mismatch)
        );
    }
}

#[test]
fn truncated_and_overlong_headers_are_bad_encodings() {
    let v = verifier(A_SPKI);
    let hex = PKCS1_HEX;
    let b64 = PKCS1_B64;
    for header in [
        &hex[..hex.len() - 1],
        &hex[..hex.len() - 2],
        &hex[..hex.len() / 2],
        &format!("{hex}0"),
        &format!("{hex}00"),
        &b64[..b64.len() - 1],
        &b64[..b64.len() - 4],
        &format!("{b64}AAAA"),
        "00",
    ] {
        assert_eq!(
            v.verify(METHOD, PATH, BODY, header),
            Err(SignatureError::Encoding),
            "{header}"
        );
    }
}

#[test]
fn garbage_headers_are_malformed_or_bad_encodings() {
    let v = verifier(A_SPKI);
    let malformed = |why| Err(SignatureError::Malformed(why));
    let cases: Vec<(Vec<u8>, _)> = vec![
        (b"".to_vec(), malformed(MalformedHeader::Empty)),
        (b"   ".to_vec(), malformed(MalformedHeader::Empty)),
        (
            b"not a signature".to_vec(),
            malformed(MalformedHeader::InvalidCharacter),
        ),
        ("signé".into(), malformed(MalformedHeader::InvalidCharacter)),
        (
            b"\xff\xfe\x00".to_vec(),
            malformed(MalformedHeader::InvalidCharacter),
        ),
        (
            vec![b'a'; MAX_HEADER_LEN + 1],
            malformed(MalformedHeader::TooLong),
        ),
        (vec![b'0'; 1 << 20], malformed(MalformedHeader::TooLong)),
        (b"sha256=deadbeef".to_vec(), Err(SignatureError::Encoding)),
    ];
    for (header, expected) in cases {
        assert_eq!(
            v.verify(METHOD, PATH, BODY, &header),
            expected,
            "{:?}",
            &header[..header.len().min(20)]
        );
    }
}

#[test]
fn a_missing_repeated_or_non_ascii_header_is_refused_from_parts() {
    let v = verifier(A_SPKI);
    let mut request = received(METHOD, PATH, BODY, PKCS1_HEX);
    request.headers_mut().remove(SIGNATURE_HEADER);
    assert_eq!(v.verify_request(&request), Err(SignatureError::Missing));

    request
        .headers_mut()
        .append(SIGNATURE_HEADER, HeaderValue::from_static(PKCS1_HEX));
    request
        .headers_mut()
        .append(SIGNATURE_HEADER, HeaderValue::from_static(PKCS1_HEX));
    assert_eq!(
        v.verify_request(&request),
        Err(SignatureError::Malformed(MalformedHeader::Repeated))
    );

    let obs_text = HeaderValue::from_bytes(b"\xe9\xe9\xe9").unwrap();
    request.headers_mut().insert(SIGNATURE_HEADER, obs_text);
    assert_eq!(
        v.verify_request(&request),
        Err(SignatureError::Malformed(MalformedHeader::InvalidCharacter))
    );
}

#[test]
fn errors_say_what_failed_without_the_header_or_the_key() {
    let v = verifier(A_SPKI);
    let failures = [
        v.verify(METHOD, PATH, BODY, &PKCS1_HEX[1..]).unwrap_err(),
        v.verify(METHOD, PATH, b"{}", PKCS1_HEX).unwrap_err(),
        v.verify(METHOD, PATH, BODY, "x y").unwrap_err(),
    ];
    let messages: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(
        messages[0].contains("neither hex nor base64"),
        "{}",
        messages[0]
    );
    assert!(messages[1].contains("does not match"), "{}", messages[1]);
    assert!(messages[2].contains("malformed"), "{}", messages[2]);
    for message in &messages {
        assert!(!message.contains(&PKCS1_HEX[1..17]), "{message}");
    }
    let key_base64 = A_SPKI.lines().nth(1).unwrap();
    let debug = format!("{v:?}");
    assert!(
        debug.contains("2048") && !debug.contains(key_base64),
        "{debug}"
    );
}

#[test]
fn both_pem_forms_give_the_same_key() {
    let spki = verifier(A_SPKI);
    let pkcs1 = verifier(A_PKCS1);
    // The PEM the verifier gives back is OpenSSL's own `PUBLIC KEY` output for that key.
    assert_eq!(spki.public_key_pem(), A_SPKI);
    assert_eq!(pkcs1.public_key_pem(), A_SPKI);
    // Which can be read again, and verifies the same signatures.
    let again = verifier(pkcs1.public_key_pem());
    assert!(again.verify(METHOD, PATH, BODY, PSS_HEX).is_ok());
}

#[test]
fn pem_with_crlf_line_ends_and_surrounding_whitespace_is_read() {
    let crlf = A_SPKI.replace('\n', "\r\n");
    for pem in [crlf, format!("\n\n  {A_PKCS1}\n\n")] {
        let v = SignatureVerifier::from_pem(&pem).expect("PEM");
        assert!(v.verify(METHOD, PATH, BODY, PKCS1_HEX).is_ok());
    }
}

#[test]
fn a_1024_bit_key_is_refused_in_both_pem_forms() {
    for pem in [fixture!("small.spki.pem"), fixture!("small.pkcs1.pem")] {
        let error = SignatureVerifier::from_pem(pem).unwrap_err();
        assert!(
            matches!(error, KeyError::TooSmall { bits: 1024, .. }),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "the RSA key has 1024 bits; at least 2048 are required"
        );
    }
}

/// The DER of a PKCS#1 RSAPublicKey with this modulus and exponent (both positive, so a
/// leading zero byte is added where the high bit is set).
fn pkcs1_der(modulus: &[u8], exponent: &[u8]) -> Vec<u8> {
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = content.len();
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes: Vec<u8> = len
                .to_be_bytes()
                .into_iter()
                .skip_while(|&b| b == 0)
                .collect();
            out.push(0x80 | bytes.len() as u8);
            out.extend(bytes);
        }
        out.extend_from_slice(content);
        out
    }
    let integer = |value: &[u8]| {
        let mut content = Vec::new();
        if value[0] & 0x80 != 0 {
            content.push(0);
        }
        content.extend_from_slice(value);
        tlv(0x02, &content)
    };
    tlv(0x30, &[integer(modulus), integer(exponent)].concat())
}

/// An odd modulus of exactly `bits` bits (not a product of primes: the checks here are on
/// its size and shape only).
fn modulus_of(bits: usize) -> Vec<u8> {
    let mut n = vec![0xff; bits.div_ceil(8)];
    n[0] = 0xff >> (n.len() * 8 - bits);
    n
}

#[test]
fn key_sizes_are_counted_in_exact_bits() {
    let e = [1, 0, 1];
    let from = |bits| SignatureVerifier::from_pkcs1_der(&pkcs1_der(&modulus_of(bits), &e));
    // 2047 bits is 256 bytes, which *ring* itself would take.
    assert!(matches!(
        from(2047),
        Err(KeyError::TooSmall { bits: 2047, .. })
    ));
    assert_eq!(from(2048).unwrap().key_bits(), 2048);
    assert_eq!(from(8192).unwrap().key_bits(), 8192);
    assert!(matches!(
        from(8193),
        Err(KeyError::TooLarge { bits: 8193, .. })
    ));
}

#[test]
fn keys_ring_cannot_verify_with_are_refused_when_read() {
    let n = modulus_of(2048);
    let refused = |n: &[u8], e: &[u8]| SignatureVerifier::from_pkcs1_der(&pkcs1_der(n, e));
    assert_eq!(
        refused(&n, &[2]).unwrap_err(),
        KeyError::UnsupportedExponent
    );
    assert_eq!(
        refused(&n, &[1]).unwrap_err(),
        KeyError::UnsupportedExponent
    );
    assert_eq!(
        refused(&n, &[2, 0, 0, 0, 1]).unwrap_err(),
        KeyError::UnsupportedExponent
    );
    let mut even = n.clone();
    *even.last_mut().unwrap() = 0xfe;
    assert_eq!(refused(&even, &[1, 0, 1]).unwrap_err(), KeyError::Malformed);
}

#[test]
fn what_is_not_an_rsa_public_key_pem_is_refused_with_the_reason() {
    let body = A_SPKI
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\n");
    let labelled =
        |label: &str| format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n");

    let private = SignatureVerifier::from_pem(labelled("PRIVATE KEY")).unwrap_err();
    assert_eq!(private, KeyError::UnexpectedLabel("PRIVATE KEY".into()));
    assert!(
        private.to_string().contains("give the public key"),
        "{private}"
    );
    assert_eq!(
        SignatureVerifier::from_pem(labelled("CERTIFICATE")).unwrap_err(),
        KeyError::UnexpectedLabel("CERTIFICATE".into())
    );
    assert_eq!(
        SignatureVerifier::from_pem(fixture!("ec.spki.pem")).unwrap_err(),
        KeyError::NotRsa
    );
    // A PKCS#1 body under the SPKI label, and the other way round.
    let swapped = A_PKCS1.replace("RSA PUBLIC KEY", "PUBLIC KEY");
    assert_eq!(
        SignatureVerifier::from_pem(swapped).unwrap_err(),
        KeyError::Malformed
    );
    let swapped = A_SPKI.replace("PUBLIC KEY", "RSA PUBLIC KEY");
    assert_eq!(
        SignatureVerifier::from_pem(swapped).unwrap_err(),
        KeyError::Malformed
    );
    for not_pem in [
        "",
        "not a key",
        &A_SPKI[..A_SPKI.len() / 2],
        &format!("{A_SPKI}{A_SPKI}"),
    ] {
        assert_eq!(
            SignatureVerifier::from_pem(not_pem).unwrap_err(),
            KeyError::NotPem
        );
    }
}

#[test]
fn signed_message_is_the_concatenation_alloy_signs() {
    assert_eq!(
        signed_message(METHOD, PATH, BODY),
        [METHOD.as_bytes(), PATH.as_bytes(), BODY].concat()
    );
    let v = verifier(A_SPKI);
    let decoded: Vec<u8> = (0..PKCS1_HEX.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&PKCS1_HEX[i..i + 2], 16).unwrap())
        .collect();
    // Encoding::encode gives back what OpenSSL wrote, in both encodings.
    assert_eq!(Encoding::Hex.encode(&decoded), PKCS1_HEX);
    assert_eq!(Encoding::Base64.encode(&decoded), PKCS1_B64);
    assert!(
        v.verify(METHOD, PATH, BODY, Encoding::Base64.encode(&decoded))
            .is_ok()
    );
}

proptest! {
    #[test]
    fn arbitrary_headers_never_panic_and_never_verify(header in proptest::collection::vec(any::<u8>(), 0..6000)) {
        let v = verifier(A_SPKI);
        prop_assert!(v.verify(METHOD, PATH, BODY, &header).is_err());
        if let Ok(value) = HeaderValue::from_bytes(&header) {
            let mut request = received(METHOD, PATH, BODY, PKCS1_HEX);
            request.headers_mut().insert(SIGNATURE_HEADER, value);
            prop_assert!(v.verify_request(&request).is_err());
        }
    }

    #[test]
    fn headers_of_the_right_length_and_alphabet_never_verify(
        header in "[0-9a-f]{512}|[A-Za-z0-9+/]{342}(==)?|[A-Za-z0-9+/]{343}=",
    ) {
        let v = verifier(A_SPKI);
        let result = v.verify(METHOD, PATH, BODY, &header);
        prop_assert!(
            matches!(result, Err(SignatureError::Mismatch | SignatureError::Encoding)),
            "{result:?}"
        );
    }

    #[test]
    fn arbitrary_pem_input_never_panics(pem in proptest::collection::vec(any::<u8>(), 0..2000)) {
        prop_assert!(SignatureVerifier::from_pem(&pem).is_err());
    }

    #[test]
    fn a_damaged_key_never_panics_nor_verifies(at in 0usize..4096, byte in any::<u8>()) {
        // One byte of the PEM replaced: refused, or read as a key; a key that still verifies
        // OpenSSL's signature is the genuine one.
        let mut pem = A_SPKI.as_bytes().to_vec();
        let at = at % pem.len();
        pem[at] = byte;
        if let Ok(v) = SignatureVerifier::from_pem(&pem)
            && v.verify(METHOD, PATH, BODY, PKCS1_HEX).is_ok()
        {
            prop_assert_eq!(v.public_key_pem(), A_SPKI);
        }
    }
}
