//! Vietnamese text functions for the generator.
//!
//! Takes: `&str` text (NFC or NFD, any case) and date strings from front matter.
//! Gives: NFC normalisation, fold keys for search/slugs, tone-style-insensitive term keys,
//! URL slugs, Vietnamese collation, dates in the audience's time zone (UTC+7) with Vietnamese
//! formats, syllable counts for reading time, and document-number spans (`49-KL/TW`).
//! Must not: touch the file system, print, panic on any input, or rewrite an author's spelling
//! (these functions only compute keys and views; the source text is never changed).

pub mod collate;
pub mod dates;
pub mod docnum;
pub mod fold;
pub mod nfc;
pub mod reading;
pub mod slug;

pub use collate::compare as collate;
pub use fold::{fold, tone_key};
pub use nfc::nfc;
pub use slug::slugify;
