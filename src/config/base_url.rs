//! `base_url` of loa.yaml (and of a language under `languages:`): an absolute `http://` or
//! `https://` URL, split into the URL and its path. Pure: tested on strings.

/// Splits `base_url` into (url without trailing slash, path part without trailing slash).
/// It must be an absolute `http://` or `https://` URL; a path (site under a sub-folder) is kept.
pub fn parse_base_url(url: &str) -> Result<(String, String), String> {
    let url = url.trim();
    if url.is_empty() {
        return Err("thiếu `base_url` (địa chỉ của trang khi xuất bản)".to_string());
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("`base_url` phải bắt đầu bằng http:// hoặc https://, nhận được `{url}`"))?;
    if rest.contains(['?', '#', ' ']) {
        return Err(format!("`base_url` không được chứa `?`, `#` hay dấu cách: `{url}`"));
    }
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if host.is_empty() {
        return Err(format!("`base_url` thiếu tên miền: `{url}`"));
    }
    let path = path.trim_end_matches('/');
    let scheme = &url[..url.len() - rest.len()];
    Ok((format!("{scheme}{host}{path}"), path.to_string()))
}
