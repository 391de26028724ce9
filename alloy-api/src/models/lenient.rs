//! The type of the response fields Alloy's reference types loosely.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use serde::de::value::{
    BoolDeserializer, BorrowedStrDeserializer, F64Deserializer, I64Deserializer,
    MapAccessDeserializer, SeqAccessDeserializer, StrDeserializer, U64Deserializer,
};
use serde::de::{self, DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A response field that Alloy's reference types only from an example, or marks unverified:
/// read as a `T` when the server sends one, absent when it sends a value of another type,
/// whose JSON is then kept in [`raw`](Self::raw).
///
/// One surprising value in such a field costs that field, not the call: an integration whose
/// `app` is `{"id": 2}` still decodes, with no `app` and the object readable. Fields the
/// reference types by its schema are plain types, and a value of the wrong type there fails
/// the call with [`Error::Decode`](crate::Error::Decode), which keeps the body.
///
/// A `Lenient<T>` reads like the `Option<T>` it holds: it dereferences to one and compares
/// with one, so `field.as_deref()`, `field.is_some()`, `field == Some(3)` and, for a `Copy`
/// value, `field.unwrap()` work as on the `Option`. [`get`](Self::get) borrows the value,
/// [`into_option`](Self::into_option) takes it, and `*field` copies the `Option` of a `Copy`
/// value (to match on it, say). A list field reads as its items, empty when absent
/// ([`as_slice`](Self::as_slice), [`iter`](Self::iter), indexing). A missing field or `null`
/// is absent, with no raw value. Serializing writes the value read, or the raw JSON when the
/// value could not be read, so a decoded response serializes back to what the server sent.
///
/// ```
/// use alloy_api::models::IntegrationList;
///
/// let list: IntegrationList = serde_json::from_str(
///     r#"{"data": [{"integrationId": "int_1", "app": {"id": 2}, "installed": true}]}"#,
/// )?;
/// let integration = &list.integrations[0];
/// assert_eq!(integration.app.get(), None); // not a string: absent...
/// assert_eq!(integration.app.raw(), Some(&serde_json::json!({ "id": 2 }))); // ...and kept
/// assert_eq!(integration.installed, Some(true)); // a field of the expected type reads as usual
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Lenient<T> {
    // At most one of the two is set.
    value: Option<T>,
    // Boxed: a rejected value is rare, and the box keeps the common case one word wide.
    rejected: Option<Box<Value>>,
}

impl<T> Lenient<T> {
    /// Returns a field with no value, as a missing key or `null` reads.
    pub const fn absent() -> Self {
        Self {
            value: None,
            rejected: None,
        }
    }

    /// Returns the value, when the server sent one of the expected type.
    pub fn get(&self) -> Option<&T> {
        self.value.as_ref()
    }

    /// Returns the JSON the server sent for this field when it was not of the expected type
    /// (and so [`get`](Self::get) is `None`); `None` when the field was read, missing or `null`.
    pub fn raw(&self) -> Option<&Value> {
        self.rejected.as_deref()
    }

    /// Returns the value, when the server sent one of the expected type.
    pub fn into_option(self) -> Option<T> {
        self.value
    }

    /// Whether the field has neither a value nor a raw value (it was missing or `null`):
    /// such a field is not serialized.
    pub fn is_absent(&self) -> bool {
        self.value.is_none() && self.rejected.is_none()
    }

    fn value(value: T) -> Self {
        Self {
            value: Some(value),
            rejected: None,
        }
    }

    fn rejected(raw: Value) -> Self {
        Self {
            value: None,
            rejected: Some(Box::new(raw)),
        }
    }
}

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Self::absent()
    }
}

impl<T> Deref for Lenient<T> {
    type Target = Option<T>;

    fn deref(&self) -> &Option<T> {
        &self.value
    }
}

impl<T> From<Option<T>> for Lenient<T> {
    fn from(value: Option<T>) -> Self {
        Self {
            value,
            rejected: None,
        }
    }
}

impl<T> From<Lenient<T>> for Option<T> {
    fn from(field: Lenient<T>) -> Self {
        field.value
    }
}

/// A list field reads like the list it was before it was lenient: absent (missing, `null` or
/// of another type) is empty.
impl<T> Lenient<Vec<T>> {
    /// Returns the items read; empty when the field is absent.
    pub fn as_slice(&self) -> &[T] {
        self.value.as_deref().unwrap_or_default()
    }

    /// Iterates over the items read; none when the field is absent.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    /// Returns how many items were read.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether no item was read.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }
}

impl<'a, T> IntoIterator for &'a Lenient<Vec<T>> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Indexes the items read, as a `Vec` does: out of range (or absent) panics.
impl<T> std::ops::Index<usize> for Lenient<Vec<T>> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        &self.as_slice()[index]
    }
}

/// Compares the value read: a field whose JSON was not of the expected type equals `None`.
impl<T: PartialEq> PartialEq<Option<T>> for Lenient<T> {
    fn eq(&self, other: &Option<T>) -> bool {
        self.value == *other
    }
}

/// Shows the value as an `Option` does, or `Rejected(json)` for a value of another type.
impl<T: fmt::Debug> fmt::Debug for Lenient<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rejected {
            Some(raw) => f.debug_tuple("Rejected").field(raw).finish(),
            None => self.value.fmt(f),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read::<D, T, Plain>(deserializer)
    }
}

/// How a [`Lenient`] field reads a value of its type, for the fields that read it otherwise
/// than its `Deserialize` does (timestamps and dates in several forms).
pub(crate) trait Read<T> {
    /// Whether any JSON object reads as a `T` (a struct whose fields are all lenient): such
    /// an object is then read straight into `T`, not buffered first.
    const EVERY_OBJECT: bool = false;

    /// Reads a `T` from a value that is not `null`.
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>;
}

/// Reads a `T` with its `Deserialize`.
pub(crate) struct Plain;

impl<T: DeserializeOwned> Read<T> for Plain {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }
}

/// Reads a `T` that any JSON object is (a struct whose fields are all lenient, a map of
/// JSON values) with its `Deserialize`.
pub(crate) struct Object;

impl<T: DeserializeOwned> Read<T> for Object {
    const EVERY_OBJECT: bool = true;

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }
}

/// Reads a [`Lenient`] field with `R`.
pub(crate) fn read<'de, D, T, R>(deserializer: D) -> Result<Lenient<T>, D::Error>
where
    D: Deserializer<'de>,
    R: Read<T>,
{
    deserializer.deserialize_any(LenientVisitor::<T, R>(PhantomData))
}

// A scalar is tried as a `T` where it stands, and copied into JSON only when it is not one;
// a list or an object is buffered as JSON first (unless any object is a `T`), since a value
// that is not a `T` can only be kept if it was buffered before `T` looked at it. Reading
// everything through JSON first made a 100-entry page of the log feed cost 6,512 allocations
// to decode instead of the strict models' 1,506, and about 1.5 times the time; this way it
// costs the same as they did.
struct LenientVisitor<T, R>(PhantomData<fn() -> (T, R)>);

type Scalar = de::value::Error;

impl<T, R: Read<T>> LenientVisitor<T, R> {
    fn scalar<'a, D>(deserializer: D, raw: impl FnOnce() -> Value) -> Lenient<T>
    where
        D: Deserializer<'a, Error = Scalar>,
    {
        match R::read(deserializer) {
            Ok(value) => Lenient::value(value),
            Err(_) => Lenient::rejected(raw()),
        }
    }

    fn buffered(raw: Value) -> Lenient<T> {
        match R::read(&raw) {
            Ok(value) => Lenient::value(value),
            Err(_) => Lenient::rejected(raw),
        }
    }
}

impl<'de, T, R: Read<T>> Visitor<'de> for LenientVisitor<T, R> {
    type Value = Lenient<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Self::scalar(BoolDeserializer::new(v), || Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Self::scalar(I64Deserializer::new(v), || Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Self::scalar(U64Deserializer::new(v), || Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Self::scalar(F64Deserializer::new(v), || Value::from(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Self::scalar(StrDeserializer::new(v), || v.into()))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Self::scalar(BorrowedStrDeserializer::new(v), || v.into()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        match R::read(StrDeserializer::<Scalar>::new(&v)) {
            Ok(value) => Ok(Lenient::value(value)),
            Err(_) => Ok(Lenient::rejected(Value::String(v))),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::absent())
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::absent())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let raw = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        Ok(Self::buffered(raw))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        if R::EVERY_OBJECT {
            return R::read(MapAccessDeserializer::new(map)).map(Lenient::value);
        }
        let raw = Value::deserialize(MapAccessDeserializer::new(map))?;
        Ok(Self::buffered(raw))
    }
}

impl<T: Serialize> Serialize for Lenient<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (&self.value, &self.rejected) {
            (Some(value), _) => value.serialize(serializer),
            (None, Some(raw)) => raw.serialize(serializer),
            (None, None) => serializer.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize, Serialize)]
    struct Record {
        #[serde(default, skip_serializing_if = "Lenient::is_absent")]
        count: Lenient<u32>,
    }

    fn record(json: Value) -> Record {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_value_of_the_expected_type_is_read() {
        let read = record(json!({ "count": 3 }));
        assert_eq!(read.count, Some(3));
        assert_eq!(read.count.get(), Some(&3));
        assert_eq!(read.count.raw(), None);
        assert_eq!(serde_json::to_value(&read).unwrap(), json!({ "count": 3 }));
    }

    #[test]
    fn a_value_of_another_type_is_absent_and_kept_as_sent() {
        for sent in [
            json!("3"),
            json!(-1),
            json!(1.5),
            json!({ "n": 3 }),
            json!([3]),
        ] {
            let read = record(json!({ "count": sent }));
            assert_eq!(read.count, None, "{sent}");
            assert_eq!(read.count.raw(), Some(&sent));
            assert!(!read.count.is_absent());
            assert_eq!(
                serde_json::to_value(&read).unwrap(),
                json!({ "count": sent })
            );
            assert_eq!(format!("{:?}", read.count), format!("Rejected({sent:?})"));
        }
    }

    #[test]
    fn text_is_read_as_a_value_does_borrowed_escaped_or_not() {
        #[derive(Debug, Deserialize)]
        struct Named {
            #[serde(default)]
            name: Lenient<String>,
            #[serde(default)]
            count: Lenient<u32>,
        }
        let read: Named = serde_json::from_str(r#"{"name": "a\"b", "count": "\u0033"}"#).unwrap();
        assert_eq!(read.name.as_deref(), Some("a\"b"));
        assert_eq!(read.count.raw(), Some(&json!("3")));
        let read: Named = serde_json::from_slice(br#"{"name": 7, "count": 7}"#).unwrap();
        assert_eq!((read.name.raw(), *read.count), (Some(&json!(7)), Some(7)));
    }

    #[test]
    fn missing_and_null_are_absent_without_a_raw_value() {
        for read in [record(json!({})), record(json!({ "count": null }))] {
            assert!(read.count.is_absent());
            assert_eq!(read.count.raw(), None);
            assert_eq!(serde_json::to_value(&read).unwrap(), json!({}));
            assert_eq!(format!("{:?}", read.count), "None");
        }
    }

    #[test]
    fn it_reads_like_the_option_it_holds() {
        let name: Lenient<String> = Some("shopify".to_owned()).into();
        assert_eq!(name.as_deref(), Some("shopify"));
        assert!(name.is_some());
        assert_eq!(format!("{name:?}"), r#"Some("shopify")"#);
        assert_eq!(Option::from(name.clone()), Some("shopify".to_owned()));
        assert_eq!(name.into_option(), Some("shopify".to_owned()));
        let at: Lenient<u8> = Some(4).into();
        assert_eq!(at.unwrap() + at.unwrap_or(0), 8); // `Option`'s own, for a `Copy` value
        assert_eq!(Lenient::<u8>::absent().unwrap_or(4), 4);
    }

    #[test]
    fn a_list_reads_like_a_list_and_absent_is_empty() {
        let read: Lenient<Vec<u32>> = serde_json::from_value(json!([1, 2])).unwrap();
        assert_eq!(read.as_slice(), [1, 2]);
        assert_eq!((read.len(), read[1]), (2, 2));
        assert_eq!((&read).into_iter().sum::<u32>(), 3);
        let rejected: Lenient<Vec<u32>> = serde_json::from_value(json!([1, "2"])).unwrap();
        assert!(rejected.is_empty() && rejected.iter().next().is_none());
        assert_eq!(rejected.raw(), Some(&json!([1, "2"])));
    }
}
