//! Fingerprints of template contexts: a hash of a `Serialize` value, taken without
//! building it as JSON or as a `serde_json::Value`.
//!
//! A rebuild fingerprints every page to learn which ones it can skip, so this runs over
//! the whole site on every build. Hashing the JSON text cost a fifth of an unchanged
//! 10,000-article rebuild: escaping every string, and feeding the hasher a few bytes at a
//! time. Here each value is written as a tag byte and its raw bytes (strings with their
//! length) into a buffer that is hashed in large blocks. The encoding is prefix-free, so
//! two different values of one type never give the same byte stream.

use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use serde::Serialize;
use serde::ser;

/// The fingerprint of `value`: equal values give equal fingerprints within one build of
/// the program (the build record is discarded by any other).
pub fn of<T: Serialize + ?Sized>(value: &T) -> u64 {
    let mut fp = Fingerprint::new();
    fp.add(value);
    fp.finish()
}

/// An incremental fingerprint, for hashing several values in turn.
pub struct Fingerprint {
    buf: Vec<u8>,
    /// Made only once a value outgrows a block. Most values are a few hundred bytes: they
    /// are hashed in one call, without the streaming state (which costs more to set up
    /// than such a value costs to hash).
    hasher: Option<Box<Xxh3>>,
}

/// Bytes gathered before they are handed to the hasher: it is fast on long inputs and
/// slow on many short ones.
const BLOCK: usize = 64 * 1024;

/// Room for a typical value, so that its buffer is not grown step by step.
const START: usize = 1024;

thread_local! {
    /// The buffers of the thread's last finished fingerprints, for its next ones: a rebuild
    /// takes hundreds of thousands of small fingerprints, and allocating and freeing a
    /// buffer for each was a tenth of their cost. A few, not one: a fingerprint is often
    /// taken while another is open (a claim's key hashes the key of its other fields), and
    /// with one spare each of those allocated (60,000 allocations in a save at 10k/20k).
    static SPARES: std::cell::RefCell<Vec<Vec<u8>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The most buffers a thread keeps (see `SPARES`): deeper nesting allocates.
const SPARE_BUFFERS: usize = 4;

impl Default for Fingerprint {
    fn default() -> Self {
        Self::new()
    }
}

impl Fingerprint {
    /// An empty fingerprint.
    pub fn new() -> Self {
        let spare = SPARES.with(|s| s.try_borrow_mut().ok().and_then(|mut s| s.pop()));
        let buf = spare.unwrap_or_else(|| Vec::with_capacity(START));
        Fingerprint { buf, hasher: None }
    }

    /// Adds a value.
    pub fn add<T: Serialize + ?Sized>(&mut self, value: &T) {
        // Serializing into a byte buffer cannot fail; a value whose own `Serialize` fails
        // still leaves a prefix-free record of how far it got.
        if value.serialize(&mut *self).is_err() {
            self.tag(b'!');
        }
    }

    /// Adds raw bytes, length first.
    #[inline]
    pub fn bytes(&mut self, bytes: &[u8]) {
        self.tagged(b's', &(bytes.len() as u64).to_le_bytes());
        self.raw(bytes);
    }

    /// The hash of everything added.
    pub fn finish(mut self) -> u64 {
        let hash = match self.hasher {
            None => xxh3_64(&self.buf),
            Some(mut hasher) => {
                hasher.update(&self.buf);
                hasher.digest()
            }
        };
        self.buf.clear();
        let buf = std::mem::take(&mut self.buf);
        SPARES.with(|s| {
            if let Ok(mut s) = s.try_borrow_mut()
                && s.len() < SPARE_BUFFERS
            {
                s.push(buf);
            }
        });
        hash
    }

    // A context has thousands of fields: these are inlined, so that a tag and its fixed-size
    // bytes are a few stores rather than calls to `memcpy`.
    #[inline]
    fn tag(&mut self, t: u8) {
        self.buf.push(t);
        if self.buf.len() >= BLOCK {
            self.flush();
        }
    }

    /// A tag and its fixed-size bytes.
    #[inline]
    fn tagged<const N: usize>(&mut self, t: u8, bytes: &[u8; N]) {
        self.buf.push(t);
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= BLOCK {
            self.flush();
        }
    }

    #[inline]
    fn raw(&mut self, bytes: &[u8]) {
        if bytes.len() >= BLOCK {
            self.flush();
            streaming(&mut self.hasher).update(bytes);
            return;
        }
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= BLOCK {
            self.flush();
        }
    }

    #[cold]
    fn flush(&mut self) {
        streaming(&mut self.hasher).update(&self.buf);
        self.buf.clear();
    }
}

/// The streaming hasher, made on first need.
fn streaming(hasher: &mut Option<Box<Xxh3>>) -> &mut Xxh3 {
    hasher.get_or_insert_with(|| Box::new(Xxh3::new()))
}

/// A value whose fingerprint is taken once, when it is made. Templates (any human-readable
/// serializer, such as the one behind `tera::Context`) receive the value itself; a
/// fingerprint of something that embeds it receives only the key.
///
/// A claim appears on its own page, on the pages of the articles that quote it and in
/// several lists: without this, a rebuild hashed its whole context at each of those
/// places, every build, to find the few pages that changed.
#[derive(Clone, Debug)]
pub struct Keyed<T> {
    /// The fingerprint of `value`.
    pub key: u64,
    /// What templates see.
    pub value: T,
}

impl<T: Serialize> Keyed<T> {
    /// Wraps `value` with its fingerprint.
    pub fn new(value: T) -> Self {
        Keyed { key: of(&value), value }
    }
}

impl<T> std::ops::Deref for Keyed<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: Serialize> Serialize for Keyed<T> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            self.value.serialize(serializer)
        } else {
            serializer.serialize_u64(self.key)
        }
    }
}

/// The serializer never fails on its own.
#[derive(Debug)]
pub struct Never(String);

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Never(msg.to_string())
    }
}

type Done = Result<(), Never>;

impl ser::Serializer for &mut Fingerprint {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    /// Tells [`Keyed`] values to give their key rather than themselves.
    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Done {
        self.tag(if v { b'T' } else { b'F' });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Done {
        self.tagged(b'i', &v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Done {
        self.tagged(b'u', &v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Done {
        self.tagged(b'f', &v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Done {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Done {
        self.bytes(v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Done {
        self.bytes(v);
        Ok(())
    }
    fn serialize_none(self) -> Done {
        self.tag(b'N');
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Done {
        self.tag(b'S');
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        self.tag(b'0');
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Done {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, index: u32, _: &'static str) -> Done {
        self.tagged(b'v', &index.to_le_bytes());
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        value: &T,
    ) -> Done {
        self.tagged(b'V', &index.to_le_bytes());
        value.serialize(self)
    }
    // Compounds are an opening tag, their elements (each self-delimiting) and a closing
    // tag, so no length is needed up front.
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Never> {
        self.tag(b'[');
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Never> {
        self.serialize_seq(None)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        self.serialize_seq(None)
    }
    fn serialize_tuple_variant(self, _: &'static str, index: u32, _: &'static str, _: usize) -> Result<Self, Never> {
        self.tagged(b'V', &index.to_le_bytes());
        self.serialize_seq(None)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Never> {
        self.tag(b'{');
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(self, _: &'static str, index: u32, _: &'static str, _: usize) -> Result<Self, Never> {
        self.tagged(b'V', &index.to_le_bytes());
        self.serialize_map(None)
    }
}

/// The sequence-like compounds: elements, then the closing tag.
macro_rules! seq_like {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for &mut Fingerprint {
            type Ok = ();
            type Error = Never;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
                value.serialize(&mut **self)
            }
            fn end(self) -> Done {
                self.tag(b']');
                Ok(())
            }
        }
    )*};
}

seq_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for &mut Fingerprint {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        self.tag(b'}');
        Ok(())
    }
}

impl ser::SerializeStruct for &mut Fingerprint {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
        // Field names matter: a skipped field (`skip_serializing_if`) must not let the
        // next one take its place.
        self.bytes(key.as_bytes());
        value.serialize(&mut **self)
    }
    fn skip_field(&mut self, key: &'static str) -> Done {
        self.tag(b'-');
        self.bytes(key.as_bytes());
        Ok(())
    }
    fn end(self) -> Done {
        self.tag(b'}');
        Ok(())
    }
}

impl ser::SerializeStructVariant for &mut Fingerprint {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
        self.bytes(key.as_bytes());
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        self.tag(b'}');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Item<'a> {
        name: &'a str,
        note: Option<&'a str>,
        tags: Vec<&'a str>,
        count: usize,
    }

    fn item<'a>(name: &'a str, note: Option<&'a str>, tags: Vec<&'a str>, count: usize) -> u64 {
        of(&Item { name, note, tags, count })
    }

    /// Fingerprints taken inside others, deeper than the spare buffers go, hash as they
    /// do alone: a reused buffer starts empty.
    #[test]
    fn nested_fingerprints_hash_as_alone() {
        fn nested(depth: usize) -> u64 {
            let mut fp = Fingerprint::new();
            fp.add(&depth);
            if depth > 0 {
                fp.add(&nested(depth - 1));
            }
            fp.add(&"x".repeat(depth * 100));
            fp.finish()
        }
        let alone: Vec<u64> = (0..8).map(nested).collect();
        for _ in 0..3 {
            assert_eq!((0..8).map(nested).collect::<Vec<_>>(), alone);
        }
        let mut open = Fingerprint::new();
        open.add(&"open");
        assert_eq!(nested(7), alone[7]);
        assert_ne!(open.finish(), 0);
    }

    #[test]
    fn keyed_values_show_templates_the_value_and_fingerprints_the_key() {
        let inner = Item { name: "a", note: None, tags: vec!["t"], count: 3 };
        let keyed = Keyed::new(Item { name: "a", note: None, tags: vec!["t"], count: 3 });
        assert_eq!(keyed.key, of(&inner));
        // Templates get the value, field for field.
        assert_eq!(serde_json::to_value(&keyed).unwrap(), serde_json::to_value(&inner).unwrap());
        // A fingerprint of what embeds it sees the key: a different key is a different
        // fingerprint even with the same value, and the same key the same fingerprint.
        let forged = Keyed { key: keyed.key ^ 1, value: Item { name: "a", note: None, tags: vec!["t"], count: 3 } };
        assert_ne!(of(&vec![&keyed]), of(&vec![&forged]));
        assert_eq!(of(&vec![&keyed]), of(&vec![keyed.key]));
    }

    #[test]
    fn equal_values_agree_and_any_change_shows() {
        let base = item("a", Some("b"), vec!["c", "d"], 1);
        assert_eq!(base, item("a", Some("b"), vec!["c", "d"], 1));
        for other in [
            item("a ", Some("b"), vec!["c", "d"], 1),
            item("a", None, vec!["c", "d"], 1),
            item("a", Some(""), vec!["c", "d"], 1),
            item("a", Some("b"), vec!["cd"], 1),
            item("a", Some("b"), vec!["c", "d", ""], 1),
            item("a", Some("b"), vec!["d", "c"], 1),
            item("a", Some("b"), vec!["c", "d"], 2),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn strings_cannot_run_into_each_other() {
        // As JSON without escaping, or as plain concatenation, these would collide.
        assert_ne!(of(&("ab", "c")), of(&("a", "bc")));
        assert_ne!(of(&vec!["a\",\"b"]), of(&vec!["a", "b"]));
        assert_ne!(of(&(vec!["a"], vec!["b"])), of(&(vec!["a", "b"], Vec::<&str>::new())));
    }

    #[test]
    fn long_values_span_blocks() {
        let long = "x".repeat(3 * BLOCK + 17);
        let mut other = long.clone();
        other.replace_range(2 * BLOCK..2 * BLOCK + 1, "y");
        assert_eq!(of(&long), of(&long.clone()));
        assert_ne!(of(&long), of(&other));
        let many: Vec<String> = (0..BLOCK).map(|i| i.to_string()).collect();
        let mut changed = many.clone();
        changed[BLOCK - 1].push('!');
        assert_ne!(of(&many), of(&changed));
    }
}
