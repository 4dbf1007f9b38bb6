//! `bulletin:` in loa.yaml: how the scripts for the loudspeakers are read (issue 26).
//!
//! Takes: the block as written. Gives: [`BulletinConfig`], defaults filled.
//! Must not: read files.

use serde::Deserialize;

use crate::content::OrderedMap;
use crate::vi::numbers::Dialect;

/// Syllables a minute of a bulletin read aloud, when `loa.yaml` does not say: the slowest of
/// seven Vietnamese television presenters measured (3.7 syllables a second; the seven read 3.7
/// to 5.5, 4.4 on average), because a loudspeaker outdoors is read slower than a studio
/// conversation. docs/huong-dan/truyen-thanh.md gives the figures.
pub const DEFAULT_SYLLABLES_PER_MINUTE: u32 = 220;

/// Syllables a stretch of a sentence without a pause (comma, semicolon, colon, dash) may have
/// before `loa check` says it is too long to read in one breath, when `loa.yaml` does not say
/// (about 8 seconds at the default rate).
pub const DEFAULT_BREATH: usize = 30;

/// `bulletin:` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBulletin {
    syllables_per_minute: Option<u32>,
    dialect: Option<DialectName>,
    breath: Option<usize>,
    #[serde(default)]
    abbreviations: OrderedMap<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum DialectName {
    Bac,
    Nam,
}

/// How the scripts are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulletinConfig {
    /// Syllables read a minute, for the airtime (`bulletin.syllables_per_minute`, 220 by
    /// default: [`DEFAULT_SYLLABLES_PER_MINUTE`]).
    pub syllables_per_minute: u32,
    /// Northern or southern number words (`bulletin.dialect: bac|nam`, `bac` by default).
    pub dialect: Dialect,
    /// The most syllables of a sentence's stretch without a pause, read in one breath
    /// (`bulletin.breath`, 30 by default).
    pub breath: usize,
    /// The site's abbreviations and their readings (`bulletin.abbreviations`), before the
    /// built-in table.
    pub abbreviations: Vec<(String, String)>,
}

impl Default for BulletinConfig {
    fn default() -> Self {
        BulletinConfig {
            syllables_per_minute: DEFAULT_SYLLABLES_PER_MINUTE,
            dialect: Dialect::Bac,
            breath: DEFAULT_BREATH,
            abbreviations: Vec::new(),
        }
    }
}

impl From<RawBulletin> for BulletinConfig {
    fn from(raw: RawBulletin) -> Self {
        BulletinConfig {
            syllables_per_minute: raw
                .syllables_per_minute
                .filter(|&r| r > 0)
                .unwrap_or(DEFAULT_SYLLABLES_PER_MINUTE),
            dialect: match raw.dialect {
                Some(DialectName::Nam) => Dialect::Nam,
                _ => Dialect::Bac,
            },
            breath: raw.breath.filter(|&b| b > 0).unwrap_or(DEFAULT_BREATH),
            abbreviations: raw.abbreviations.0,
        }
    }
}
