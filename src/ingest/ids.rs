//! Trace and span ids: normalised to lower-case hex whatever the source wrote (hex in any case,
//! or base64 as protobuf-JSON encoders write bytes).

use base64::Engine;

/// Normalise an id: hex is lower-cased; base64 of 8 or 16 bytes becomes hex; anything else is
/// kept as written. Empty and all-zero ids are `None` (OTLP's "no parent").
pub fn normalise(id: &str) -> Option<String> {
    normalise_with(id, false)
}

/// [`normalise`], and hex written without its leading zeros (Jaeger formats its 64-bit halves
/// with `%x`: the UI's files have 15- and 31-digit ids) is padded back to 16 or 32 digits, so
/// that the id compares equal to the one other systems wrote.
pub fn normalise_padded(id: &str) -> Option<String> {
    normalise_with(id, true)
}

fn normalise_with(id: &str, pad: bool) -> Option<String> {
    let id = id.trim();
    if id.is_empty() {
        return None;
    }
    let hex = if id.bytes().all(|c| c.is_ascii_hexdigit()) {
        let width = match id.len() {
            0..=15 if pad => 16,
            17..=31 if pad => 32,
            n => n,
        };
        format!("{:0>width$}", id.to_ascii_lowercase())
    } else if let Some(bytes) = base64::engine::general_purpose::STANDARD
        .decode(id)
        .ok()
        .filter(|b| b.len() == 8 || b.len() == 16)
    {
        to_hex(&bytes)
    } else {
        return Some(id.to_string());
    };
    (!hex.bytes().all(|c| c == b'0')).then_some(hex)
}

/// Bytes as lower-case hex.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    push_hex(&mut s, bytes);
    s
}

/// Append bytes as lower-case hex.
pub fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
}

/// A binary id (protobuf's bytes) as [`normalise`] gives its hex: `None` when empty or all
/// zeros.
pub fn from_bytes(bytes: &[u8]) -> Option<String> {
    bytes.iter().any(|&b| b != 0).then(|| to_hex(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(
            normalise("5B8EFFF798038103D269B633813FC60C").as_deref(),
            Some("5b8efff798038103d269b633813fc60c")
        );
        assert_eq!(
            normalise("W47/95gDgQPSabYzgT/GDA==").as_deref(),
            Some("5b8efff798038103d269b633813fc60c")
        );
        assert_eq!(normalise("0000000000000000"), None);
        assert_eq!(normalise("0"), None);
        // leading zeros stripped by the writer come back when asked for
        assert_eq!(
            normalise("a68c6983a6d81a2").as_deref(),
            Some("a68c6983a6d81a2")
        );
        assert_eq!(
            normalise_padded("a68c6983a6d81a2").as_deref(),
            Some("0a68c6983a6d81a2")
        );
        assert_eq!(
            normalise_padded("766f1209f70a5e2e55417fc296fd101").as_deref(),
            Some("0766f1209f70a5e2e55417fc296fd101")
        );
        assert_eq!(
            normalise_padded("5B8EFFF798038103D269B633813FC60C").as_deref(),
            Some("5b8efff798038103d269b633813fc60c")
        );
        // base64 of 8 bytes (protobuf-JSON encoders), and of another length (kept as written)
        assert_eq!(
            normalise("7uGbfsPBsXQ=").as_deref(),
            Some("eee19b7ec3c1b174")
        );
        assert_eq!(normalise("AAECAw==").as_deref(), Some("AAECAw=="));
        // short hex is hex, not base64
        assert_eq!(normalise("AAEC").as_deref(), Some("aaec"));
        assert_eq!(normalise(""), None);
        assert_eq!(normalise("not-an-id").as_deref(), Some("not-an-id"));
    }

    #[test]
    fn binary_ids_match_their_hex() {
        for b in [
            &[][..],
            &[0; 8],
            &[0, 0, 0, 1],
            &[0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89],
            &[0xff; 16],
        ] {
            assert_eq!(from_bytes(b), normalise(&to_hex(b)), "{b:?}");
        }
        assert_eq!(to_hex(&[0x0f, 0xa0]), "0fa0");
    }
}
