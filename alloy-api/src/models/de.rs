//! Lenient readers for what the two contracts (and the live service) send differently:
//! timestamps in several common forms, `null` where a list is expected, and the fields
//! Alloy's reference types loosely ([`Lenient`]).

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::{Lenient, Timestamp, lenient};

/// Reads a list that may be sent as `null`: `null` is an empty list. Used on fields without
/// `#[serde(default)]` too, so that a missing key stays an error while a present `null` does
/// not.
pub(crate) fn list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// Reads an optional timestamp in any of the forms servers commonly send: an RFC 3339
/// date-time (`2025-09-01T10:00:00Z`, `...+02:00`), a date-time without offset (read as UTC,
/// with `T` or a space), or milliseconds since the Unix epoch (a number or a string of
/// digits). `null` is `None`; anything else is a decode error that says which forms are read.
pub(crate) fn timestamp<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Timestamp>, D::Error> {
    deserializer.deserialize_any(TimestampVisitor)
}

/// Reads a [`Lenient`] timestamp in the forms [`timestamp`] reads; anything else is absent,
/// and kept as sent.
pub(crate) fn lenient_timestamp<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Lenient<Timestamp>, D::Error> {
    lenient::read::<D, Timestamp, Timestamps>(deserializer)
}

struct Timestamps;

impl lenient::Read<Timestamp> for Timestamps {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        // `null` never gets here: a lenient field reads it as absent.
        timestamp(deserializer)?
            .ok_or_else(|| de::Error::invalid_type(de::Unexpected::Unit, &EXPECTED))
    }
}

/// Reads a [`Lenient`] object whose every field is lenient (or a map of JSON values): any
/// JSON object is one, so it is read as it streams by, and anything else is absent, kept as
/// sent.
pub(crate) fn lenient_object<'de, D, T>(deserializer: D) -> Result<Lenient<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    lenient::read::<D, T, lenient::Object>(deserializer)
}

struct TimestampVisitor;

const EXPECTED: &str =
    "an RFC 3339 date-time, a date-time without offset (read as UTC) or epoch milliseconds";

impl<'de> Visitor<'de> for TimestampVisitor {
    type Value = Option<Timestamp>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(EXPECTED)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_i64<E: de::Error>(self, millis: i64) -> Result<Self::Value, E> {
        Utc.timestamp_millis_opt(millis)
            .single()
            .map(Some)
            .ok_or_else(|| E::custom(format_args!("epoch milliseconds out of range: {millis}")))
    }

    fn visit_u64<E: de::Error>(self, millis: u64) -> Result<Self::Value, E> {
        let millis = i64::try_from(millis)
            .map_err(|_| E::custom(format_args!("epoch milliseconds out of range: {millis}")))?;
        self.visit_i64(millis)
    }

    fn visit_f64<E: de::Error>(self, millis: f64) -> Result<Self::Value, E> {
        if millis.is_finite() && millis.abs() < 9.0e15 {
            #[allow(clippy::cast_possible_truncation)]
            self.visit_i64(millis.trunc() as i64)
        } else {
            Err(E::custom(format_args!(
                "epoch milliseconds out of range: {millis}"
            )))
        }
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        let text = text.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Ok(Some(at.with_timezone(&Utc)));
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
            if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
                return Ok(Some(at.and_utc()));
            }
        }
        if !text.is_empty()
            && text.bytes().all(|b| b.is_ascii_digit())
            && let Ok(millis) = text.parse::<i64>()
        {
            return self.visit_i64(millis);
        }
        Err(E::invalid_value(de::Unexpected::Str(text), &EXPECTED))
    }
}

/// Writes an event payload, refusing anything but a JSON object: the API requires `data` to
/// be an object, so a wrong payload is an argument error before anything is sent.
pub(crate) fn object<S: Serializer>(
    data: &serde_json::Value,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    if data.is_object() {
        data.serialize(serializer)
    } else {
        Err(serde::ser::Error::custom(
            "`data` must be a JSON object (the API refuses anything else)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct At {
        #[serde(default, deserialize_with = "timestamp")]
        at: Option<Timestamp>,
    }

    fn at(json: &str) -> Result<Option<Timestamp>, serde_json::Error> {
        serde_json::from_str::<At>(json).map(|a| a.at)
    }

    #[test]
    fn timestamps_are_read_in_every_common_form() {
        let expected = Utc.with_ymd_and_hms(2025, 9, 1, 10, 0, 0).unwrap();
        for json in [
            r#"{"at":"2025-09-01T10:00:00Z"}"#,
            r#"{"at":"2025-09-01T12:00:00+02:00"}"#,
            r#"{"at":"2025-09-01T10:00:00.000Z"}"#,
            r#"{"at":"2025-09-01T10:00:00"}"#,
            r#"{"at":"2025-09-01 10:00:00.000"}"#,
            r#"{"at":1756720800000}"#,
            r#"{"at":1756720800000.0}"#,
            r#"{"at":"1756720800000"}"#,
        ] {
            assert_eq!(at(json).unwrap(), Some(expected), "{json}");
        }
        assert_eq!(at(r#"{"at":null}"#).unwrap(), None);
        assert_eq!(at("{}").unwrap(), None);
    }

    #[test]
    fn an_unreadable_timestamp_is_an_error_that_names_the_forms() {
        for json in [r#"{"at":"yesterday"}"#, r#"{"at":true}"#, r#"{"at":""}"#] {
            let error = at(json).unwrap_err().to_string();
            assert!(error.contains("epoch milliseconds"), "{json}: {error}");
        }
    }

    #[derive(Debug, Deserialize)]
    struct LenientAt {
        #[serde(default, deserialize_with = "lenient_timestamp")]
        at: Lenient<Timestamp>,
    }

    #[test]
    fn a_lenient_timestamp_reads_every_form_and_keeps_any_other_value() {
        let read = |json: &str| serde_json::from_str::<LenientAt>(json).unwrap().at;
        let expected = Utc.with_ymd_and_hms(2025, 9, 1, 10, 0, 0).unwrap();
        assert_eq!(read(r#"{"at":1756720800000}"#), Some(expected));
        assert_eq!(read(r#"{"at":"2025-09-01 10:00:00"}"#), Some(expected));
        assert!(read("{}").is_absent());
        for json in [
            r#"{"at":"yesterday"}"#,
            r#"{"at":true}"#,
            r#"{"at":{"s":1}}"#,
        ] {
            let at = read(json);
            assert_eq!(at, None, "{json}");
            let sent: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(at.raw(), Some(&sent["at"]));
        }
    }

    #[derive(Debug, Deserialize)]
    struct Items {
        #[serde(deserialize_with = "list")]
        items: Vec<u32>,
    }

    #[test]
    fn a_null_list_is_empty_but_a_missing_one_is_an_error() {
        let items: Items = serde_json::from_str(r#"{"items":null}"#).unwrap();
        assert!(items.items.is_empty());
        let items: Items = serde_json::from_str(r#"{"items":[1,2]}"#).unwrap();
        assert_eq!(items.items, [1, 2]);
        let error = serde_json::from_str::<Items>("{}").unwrap_err();
        assert!(
            error.to_string().contains("missing field `items`"),
            "{error}"
        );
    }
}
