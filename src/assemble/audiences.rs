//! Audiences in the assemble stage: every audience id a page or a campaign names must be
//! declared in `loa.yaml`; an unknown one is an error with the closest declared id as the
//! hint.

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location, unknown_hint};

/// An unknown audience id as a diagnostic with the closest declared id as the hint.
pub(super) fn unknown_audience(config: &Config, id: &str, loc: Location) -> Option<Diagnostic> {
    if config.audiences.get(id).is_some() {
        return None;
    }
    let ids: Vec<&str> = config.audiences.keys().collect();
    let hint = unknown_hint(id, &ids, "các đối tượng", "khai báo đối tượng trong `audiences:` của loa.yaml");
    Some(
        Diagnostic::error(
            "unknown-audience",
            loc,
            format!("đối tượng `{id}` chưa được khai báo trong loa.yaml"),
        )
        .with_hint(hint),
    )
}
