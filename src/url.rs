//! URLs written by authors: which schemes would run a script in a reader's browser. Shared by
//! the stages that take a URL from an author (front matter, Markdown links, calls to action).
//! Pure.

/// True for URL schemes that run code in the browser (`javascript:`, `vbscript:`,
/// `data:text/html`), whatever their case, leading spaces or embedded control characters.
pub fn is_dangerous(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase();
    cleaned.starts_with("javascript:")
        || cleaned.starts_with("vbscript:")
        || cleaned.starts_with("data:text/html")
        || cleaned.starts_with("data:image/svg")
}
