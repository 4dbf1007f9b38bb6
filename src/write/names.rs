//! Names in and beside the output folder: loa's own files (the marker, the lock and staging
//! folder inside a mount point) and which output keys are safe to join onto the output path.
//! Pure.

use std::path::{Component, Path};

/// The file that marks a folder as loa's output (safe to replace).
pub const MARKER: &str = ".loa-output";

/// The output lock inside an output folder that is a mount point (elsewhere it is beside the
/// folder: `.public.loa-lock`).
pub(super) const INSIDE_LOCK: &str = ".loa-lock";

/// Prefix of the staging folder inside an output folder that is a mount point
/// (`.loa-staging-<pid>`; elsewhere it is beside the folder: `.public.staging-<pid>`).
pub(super) const INSIDE_STAGING: &str = ".loa-staging-";

/// Checks an output key (`a/b/index.html`) cannot leave the output folder once joined.
pub fn safe_relative(key: &str) -> Option<&Path> {
    let p = Path::new(key);
    let ok = !key.is_empty()
        && !key.contains('\\')
        && !key.contains('\0')
        && p.components().all(|c| matches!(c, Component::Normal(_)));
    ok.then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_keys_cannot_escape() {
        for bad in ["../x", "/etc/passwd", "a/../../b", "a\\b", "", "./a", "a/\0"] {
            assert!(safe_relative(bad).is_none(), "{bad:?}");
        }
        assert!(safe_relative("bai-viet/x/index.html").is_some());
    }
}
