//! Media of the site made at build time: share cards (`card`).

pub mod card;
