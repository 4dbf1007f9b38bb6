//! Which file names belong to a site: hidden files, and the swap, backup and lock files
//! editors leave beside the file being edited. Shared by `load` (what is read and copied),
//! the templates (what is a template) and `loa serve`'s watcher (what is a change). Pure.

/// Names loa never reads in `content/`, `templates/` and `themes/`: hidden files, and editor
/// swap, backup and lock files.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || is_editor_temp(name)
}

/// Editor swap, backup, temp and lock files (vim, Emacs, JetBrains, VS Code, Kate): they exist
/// while a file is being edited and are never part of the site, in any folder.
pub fn is_editor_temp(name: &str) -> bool {
    name.starts_with('#')
        || name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bck")
        || name.ends_with(".kate-swp")
        || name.ends_with(".crswap")
        || name.contains("___jb_")
}

/// Hidden names in `static/` that are never published, with a warning: version control folders
/// and the Finder's folder settings. Every other hidden file or folder of `static/`
/// (`.well-known/`, `.nojekyll`, `.htaccess`) is published like any static file.
pub fn is_unpublished_hidden(name: &str) -> bool {
    matches!(name, ".git" | ".svn" | ".hg" | ".DS_Store")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files_are_ignored() {
        for n in [".x.md.swp", "x.md~", "x.md___jb_tmp___", ".#x.md", "#x.md#", ".DS_Store"] {
            assert!(is_ignored(n), "{n}");
        }
        assert!(!is_ignored("x.md"));
        for n in [".x.md.swp", "x.md~", "x.md___jb_tmp___", ".#x.md", "#x.md#", ".x.kate-swp"] {
            assert!(is_editor_temp(n), "{n}");
        }
        for n in [".well-known", ".nojekyll", ".htaccess", "x.md"] {
            assert!(!is_editor_temp(n) && !is_unpublished_hidden(n), "{n}");
        }
    }
}
