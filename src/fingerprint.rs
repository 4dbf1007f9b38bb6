//! Fingerprints of template views: a 64-bit hash of everything a view serializes, computed by
//! feeding the serialization straight into a hasher (no JSON, no template value, no
//! allocation).
//!
//! `loa serve` keys its cache of rendered outputs by the template, the global context and the
//! view's fingerprint: any field a template can read is in the view's serialization, so it is
//! in the fingerprint too (a field added to a view later is covered without touching this
//! file). Strings are length-prefixed and every value is tagged, so two different views cannot
//! feed the same byte stream.

use std::hash::{BuildHasher, Hasher};

use serde::ser::{self, Serialize};

/// The hasher of cache keys: foldhash's quality variant with a fixed seed (keys are compared
/// within one process only).
pub fn hasher() -> KeyHasher {
    foldhash::quality::FixedState::with_seed(0x6c6f_612d_6b65_7973).build_hasher()
}

/// The hasher type of [`hasher`].
pub type KeyHasher = foldhash::quality::FoldHasher<'static>;

/// A hasher that starts from `seed` (a fingerprint of what the rest is combined with).
pub fn keyed(seed: u64) -> KeyHasher {
    let mut h = hasher();
    h.write_u64(seed);
    h
}

/// Hash of any `Hash` value (for cache keys).
pub fn key_of(value: &impl std::hash::Hash) -> u64 {
    let mut h = hasher();
    value.hash(&mut h);
    h.finish()
}

/// Fingerprint of anything serializable.
pub fn of<T: Serialize + ?Sized>(value: &T) -> u64 {
    of_with(value, None)
}

/// [`of`], taking the fingerprint of the long strings in `known` from there instead of hashing
/// their bytes again.
pub fn of_with<T: Serialize + ?Sized>(value: &T, known: Option<&Prehashed>) -> u64 {
    let mut h = Fingerprint { hasher: hasher(), known };
    // The serializer never fails (`Error` is only a formality of the trait).
    let _ = value.serialize(&mut h);
    h.hasher.finish()
}

/// A view field whose fingerprint is given instead of computed from its value, for a value
/// that is a function of inputs whose fingerprint is known elsewhere: a page's card (the
/// build fingerprints every card when it reuses outputs) and what is made from it alone, such
/// as the page's JSON-LD. `make` runs only when the value is needed, so an output that is not
/// made again costs neither the making nor the hashing of it.
///
/// Contract: `key` and the other inputs of the output must change whenever `make()` would give
/// something else. A fingerprint (a serializer that is not human-readable) sees a struct with
/// one field, the key; any other serializer sees the value (so it can also be
/// `#[serde(flatten)]`ed).
pub struct Derived<'a, T> {
    /// What the value is a function of.
    pub key: u64,
    make: Box<dyn Fn() -> T + 'a>,
}

impl<'a, T> Derived<'a, T> {
    /// A value made by `make`, standing for `key` in a fingerprint.
    pub fn new(key: u64, make: impl Fn() -> T + 'a) -> Derived<'a, T> {
        Derived { key, make: Box::new(make) }
    }

    /// The value.
    pub fn value(&self) -> T {
        (self.make)()
    }
}

impl<T> std::fmt::Debug for Derived<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Derived({:016x})", self.key)
    }
}

impl<T: Serialize> Serialize for Derived<'_, T> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use ser::SerializeStruct;
        if s.is_human_readable() {
            (self.make)().serialize(s)
        } else {
            let mut st = s.serialize_struct("Derived", 1)?;
            st.serialize_field("derived", &self.key)?;
            st.end()
        }
    }
}

/// A value whose fingerprint is a print made before, kept with what the value is made from (a
/// script's fingerprint of its spoken parts, which every weekly programme shows): a fingerprint
/// (not human-readable) writes `print`, any other serializer the value. Sound only when the
/// print changes whenever the value does.
#[derive(Debug, Clone)]
pub struct Printed<T> {
    /// The value's fingerprint, made before.
    pub print: u64,
    /// The value.
    pub value: T,
}

impl<T: Serialize> Serialize for Printed<T> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() { self.value.serialize(s) } else { s.serialize_u64(self.print) }
    }
}

/// Adds the fingerprint of `value` to `state`.
pub fn feed<T: Serialize + ?Sized, H: Hasher>(state: &mut H, value: &T) {
    state.write_u64(of(value));
}

/// [`feed`] with the strings of `known` (see [`of_with`]).
pub fn feed_with<T: Serialize + ?Sized, H: Hasher>(state: &mut H, value: &T, known: Option<&Prehashed>) {
    state.write_u64(of_with(value, known));
}

/// The fingerprint of a string's bytes, as [`Prehashed`] records it.
pub fn of_text(text: &str) -> u64 {
    let mut h = hasher();
    h.write(text.as_bytes());
    h.finish()
}

/// Long strings whose fingerprint ([`of_text`]) is already known, by address and length: the
/// rendered bodies, whose fingerprint is kept with them from one rebuild to the next, so a
/// rebuild does not hash every page's HTML again to learn that it did not change.
///
/// Sound only while every registered string is alive and unchanged (no other string can then
/// start at the same address with the same length): a `Prehashed` borrows nothing, so its
/// owner must drop it before the strings (`render_site` keeps it next to the bodies it was
/// made from).
#[derive(Default)]
pub struct Prehashed(std::collections::HashMap<usize, (usize, u64), foldhash::fast::FixedState>);

impl Prehashed {
    /// Strings shorter than this are hashed as they are.
    pub const MIN_LEN: usize = 256;

    /// Registers each `(string, of_text(string))`.
    pub fn new<'a>(known: impl Iterator<Item = (&'a str, u64)>) -> Prehashed {
        let known = known.filter(|(s, _)| s.len() >= Self::MIN_LEN);
        Prehashed(known.map(|(s, print)| (s.as_ptr() as usize, (s.len(), print))).collect())
    }

    fn get(&self, s: &str) -> Option<u64> {
        if s.len() < Self::MIN_LEN {
            return None;
        }
        self.0.get(&(s.as_ptr() as usize)).filter(|(len, _)| *len == s.len()).map(|&(_, print)| print)
    }
}

struct Fingerprint<'k, H> {
    hasher: H,
    known: Option<&'k Prehashed>,
}

#[derive(Debug)]
struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("fingerprint")
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Never
    }
}

// Tags of the values (one byte before each value).
const UNIT: u8 = 0;
const BOOL: u8 = 1;
const INT: u8 = 2;
const UINT: u8 = 3;
const FLOAT: u8 = 4;
const CHAR: u8 = 5;
const STR: u8 = 6;
const BYTES: u8 = 7;
const NONE: u8 = 8;
const SOME: u8 = 9;
const VARIANT: u8 = 10;
const SEQ: u8 = 11;
const MAP: u8 = 12;
const STRUCT: u8 = 13;
const END: u8 = 14;
const FIELD: u8 = 15;
/// Before the fingerprint of a [`Prehashed`] string (after its length).
const KNOWN: u8 = 16;

impl<H: Hasher> Fingerprint<'_, H> {
    fn tag(&mut self, t: u8) {
        self.hasher.write_u8(t);
    }

    fn str(&mut self, s: &str) {
        self.hasher.write_usize(s.len());
        match self.known.and_then(|k| k.get(s)) {
            Some(print) => {
                self.hasher.write_u8(KNOWN);
                self.hasher.write_u64(print);
            }
            None => self.hasher.write(s.as_bytes()),
        }
    }
}

type R = Result<(), Never>;

impl<H: Hasher> ser::Serializer for &mut Fingerprint<'_, H> {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    /// Not human-readable: a [`Derived`] writes its key, not its value.
    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> R {
        self.tag(BOOL);
        self.hasher.write_u8(u8::from(v));
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> R {
        self.tag(INT);
        self.hasher.write_i64(v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> R {
        self.tag(INT);
        self.hasher.write_i128(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> R {
        self.tag(UINT);
        self.hasher.write_u64(v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> R {
        self.tag(UINT);
        self.hasher.write_u128(v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> R {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> R {
        self.tag(FLOAT);
        self.hasher.write_u64(v.to_bits());
        Ok(())
    }
    fn serialize_char(self, v: char) -> R {
        self.tag(CHAR);
        self.hasher.write_u32(v.into());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> R {
        self.tag(STR);
        self.str(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        self.tag(BYTES);
        self.hasher.write_usize(v.len());
        self.hasher.write(v);
        Ok(())
    }
    fn serialize_none(self) -> R {
        self.tag(NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R {
        self.tag(SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        self.tag(UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> R {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> R {
        self.tag(VARIANT);
        self.str(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> R {
        self.tag(VARIANT);
        self.str(variant);
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Never> {
        self.tag(SEQ);
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Never> {
        self.tag(SEQ);
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        self.tag(SEQ);
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        self.tag(VARIANT);
        self.str(variant);
        self.tag(SEQ);
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Never> {
        self.tag(MAP);
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        self.tag(STRUCT);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        self.tag(VARIANT);
        self.str(variant);
        self.tag(STRUCT);
        Ok(self)
    }
}

impl<H: Hasher> ser::SerializeSeq for &mut Fingerprint<'_, H> {
    type Ok = ();
    type Error = Never;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.tag(END);
        Ok(())
    }
}

impl<H: Hasher> ser::SerializeTuple for &mut Fingerprint<'_, H> {
    type Ok = ();
    type Error = Never;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.tag(END);
        Ok(())
    }
}

impl<H: Hasher> ser::SerializeTupleStruct for &mut Fingerprint<'_, H> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.tag(END);
        Ok(())
    }
}

impl<H: Hasher> ser::SerializeTupleVariant for &mut Fingerprint<'_, H> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.tag(END);
        Ok(())
    }
}

impl<H: Hasher> ser::SerializeMap for &mut Fingerprint<'_, H> {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> R {
        self.tag(FIELD);
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.tag(END);
        Ok(())
    }
}

impl<H: Hasher> ser::SerializeStruct for &mut Fingerprint<'_, H> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> R {
        self.tag(FIELD);
        self.str(key);
        value.serialize(&mut **self)
    }
    fn skip_field(&mut self, key: &'static str) -> R {
        // A skipped field (e.g. an empty option) differs from a present one.
        self.tag(NONE);
        self.str(key);
        Ok(())
    }
    fn end(self) -> R {
        self.tag(END);
        Ok(())
    }
}

impl<H: Hasher> ser::SerializeStructVariant for &mut Fingerprint<'_, H> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> R {
        self.tag(FIELD);
        self.str(key);
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.tag(END);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `Printed` is its value for templates and its print for a fingerprint: the value is not
    /// hashed, and another print is another fingerprint.
    #[test]
    fn printed_is_its_value_for_templates_and_its_print_for_a_fingerprint() {
        let printed = |print: u64, text: &'static str| Printed { print, value: vec![text, text] };
        let value = tera::Value::from_serializable(&printed(7, "Câu đọc lên."));
        assert_eq!(value.as_array().map(<[tera::Value]>::len), Some(2), "{value:?}");
        assert!(value.to_string().contains("Câu đọc lên."), "{value}");
        assert_eq!(of(&printed(7, "Câu đọc lên.")), of(&printed(7, "Khác hẳn.")));
        assert_eq!(of(&printed(7, "Câu đọc lên.")), of(&7u64));
        assert_ne!(of(&printed(7, "Câu đọc lên.")), of(&printed(8, "Câu đọc lên.")));
    }

    #[derive(serde::Serialize)]
    struct View<'a> {
        title: &'a str,
        tags: Vec<&'a str>,
        date: Option<u32>,
        extra: serde_json::Value,
    }

    fn view(title: &'static str, tags: Vec<&'static str>, date: Option<u32>) -> u64 {
        of(&View { title, tags, date, extra: serde_json::json!({"a": 1}) })
    }

    #[test]
    fn equal_views_have_equal_fingerprints() {
        assert_eq!(view("Học tập", vec!["a"], Some(1)), view("Học tập", vec!["a"], Some(1)));
    }

    #[test]
    fn any_field_change_changes_the_fingerprint() {
        let base = view("Học tập", vec!["a", "b"], Some(1));
        assert_ne!(base, view("Học tập.", vec!["a", "b"], Some(1)));
        assert_ne!(base, view("Học tập", vec!["ab"], Some(1)), "strings are length-prefixed");
        assert_ne!(base, view("Học tập", vec!["a", "b"], None));
        assert_ne!(base, view("Học tập", vec!["a", "b"], Some(2)));
        assert_ne!(of(&serde_json::json!({"a": 1})), of(&serde_json::json!({"a": "1"})));
        assert_ne!(of(&(Some(()), None::<()>)), of(&(None::<()>, Some(()))));
    }

    #[test]
    fn derived_values_fingerprint_by_key_and_are_made_only_to_render() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let made = AtomicUsize::new(0);
        let make = || {
            made.fetch_add(1, Ordering::SeqCst);
            "JSON-LD".to_string()
        };
        let view = |key| ("Tiêu đề", Derived::new(key, make));
        assert_eq!(of(&view(1)), of(&view(1)));
        assert_ne!(of(&view(1)), of(&view(2)), "the key is the fingerprint");
        assert_eq!(made.load(Ordering::SeqCst), 0, "never made for a fingerprint");
        // Rendered (any other serializer): the value itself.
        assert_eq!(serde_json::to_string(&view(1)).unwrap(), r#"["Tiêu đề","JSON-LD"]"#);
        assert_eq!(made.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn known_bodies_fingerprint_by_content_not_by_address() {
        let print = |body: &str, known: &Prehashed| of_with(&("Tiêu đề", body), Some(known));
        let body = "Xã hội học tập. ".repeat(40);
        let same = body.clone();
        let edited = format!("{body}!");
        let (k1, k2) = (
            Prehashed::new([(body.as_str(), of_text(&body))].into_iter()),
            Prehashed::new([(same.as_str(), of_text(&same))].into_iter()),
        );
        // The same text rendered again (another string) keeps the fingerprint.
        assert_ne!(body.as_ptr(), same.as_ptr());
        assert_eq!(print(&body, &k1), print(&same, &k2));
        let k3 = Prehashed::new([(edited.as_str(), of_text(&edited))].into_iter());
        assert_ne!(print(&body, &k1), print(&edited, &k3));
        // A string that is not registered is hashed by its bytes: a copy at another address
        // with another text of the same length differs.
        let other = body.replace('X', "x");
        assert_eq!(other.len(), body.len());
        assert_ne!(print(&body, &k1), print(&other, &k1));
        // Short strings are never looked up.
        let short = "ngắn";
        let k4 = Prehashed::new([(short, 7)].into_iter());
        assert_eq!(print(short, &k4), print(short, &Prehashed::default()));
    }
}
