//! HTTP over the in-memory build: connections, routing, the event stream and the status JSON.
//!
//! Takes connections whose request head has arrived (read by `accept.rs`) and the shared
//! `State` (swapped whole by the loop after each build); gives responses. Every request is
//! looked up in the output map of the last good build, never joined onto a disk path: files
//! copied as is are opened through the `PathBuf` the build recorded, never through the request.
//! One thread per connection being served, at most `MAX_CONNECTIONS` (event streams apart).
//! Must not build or watch.
//!
//! Until a build has succeeded, every site path answers 500 with a page listing the
//! diagnostics (the status tells tools the site is broken; the page reloads itself on the next
//! build). After that, a failed build keeps the last good site and adds the overlay.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use super::hosts::Hosts;
use super::http::{self, Head, Method, Status, Target};
use super::overlay;
use crate::diagnostics::Diagnostics;

/// Most connections served at once (page and asset requests), once their head has arrived.
const MAX_CONNECTIONS: usize = 128;
/// Most live-reload streams open at once (one per open tab).
const MAX_STREAMS: usize = 64;
/// Time allowed for one write to the client.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How often an idle event stream sends a comment (finds closed tabs).
const KEEPALIVE: Duration = Duration::from_secs(15);
/// Longest a request waits for the first build.
const FIRST_BUILD_WAIT: Duration = Duration::from_secs(120);

/// A successful build, as served.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Output path → bytes (`bai-viet/x/index.html`).
    pub files: BTreeMap<String, crate::render::Bytes>,
    /// Output path → file on disk the build chose (static files, bundle assets).
    pub copies: BTreeMap<String, PathBuf>,
    /// Output path → a file made when asked (`BuildOptions::files_on_request`): share cards,
    /// the loudspeakers' scripts.
    pub later: Arc<BTreeMap<String, crate::build::later::Later>>,
    /// Source file (`content/x.md`) → URL path with the base path (`/bai-viet/x/`).
    pub routes: BTreeMap<String, String>,
    /// Number of pages.
    pub pages: usize,
    /// Every page's approval (`editorial.approval`), for the banner on each page and
    /// `/__loa/duyet/`.
    pub approvals: Vec<crate::content::approval::ApprovalRecord>,
}

/// What the server shows; replaced whole after every build.
#[derive(Debug, Default)]
pub struct State {
    /// Builds published so far (good or failed); 0 until the first one finishes.
    pub generation: u64,
    /// The last good build, if there was one.
    pub site: Option<Arc<Snapshot>>,
    /// Diagnostics of the last build when it failed; `None` after a good build.
    pub errors: Option<Arc<Diagnostics>>,
    /// Warnings of the last good build.
    pub warnings: usize,
    /// The URL path prefix of the site (`""` or `/tin-tuc`), from the last config that loaded.
    pub base_path: String,
    /// Old URL → new URL of the pages the last build moved (a slug edit).
    pub moved: BTreeMap<String, String>,
    /// When the last build finished, in milliseconds since the Unix epoch.
    pub built_at_ms: u64,
    /// How long the last build took.
    pub build_ms: u64,
}

/// Where the connection threads and the rebuild loop meet: the served state, its generation,
/// and the counters `/__loa/status` reports.
pub struct Hub {
    /// The current state (an `Arc` swap: requests clone the `Arc` and never wait on a build).
    state: RwLock<Arc<State>>,
    /// The generation last published, for threads waiting on a change.
    published: Mutex<u64>,
    /// Signalled on every publish.
    changed: Condvar,
    /// `Host` allowlist.
    hosts: Hosts,
    /// Server start time in milliseconds, part of every page's stamp.
    boot: u64,
    /// Connections being served.
    connections: AtomicUsize,
    /// Event streams open.
    streams: AtomicUsize,
    /// True while a build runs.
    pub building: AtomicBool,
    /// Search index threads running (the index is built after the reload).
    pub indexing: AtomicUsize,
    /// Bursts of file events handled (rebuilt or found unchanged).
    pub bursts: AtomicU64,
    /// Builds whose result was dropped because newer edits had arrived.
    pub superseded: AtomicU64,
}

impl Hub {
    /// The hub of a server answering to `hosts`.
    pub fn new(hosts: Hosts) -> Hub {
        Hub {
            state: RwLock::new(Arc::new(State::default())),
            published: Mutex::new(0),
            changed: Condvar::new(),
            hosts,
            boot: now_ms(),
            connections: AtomicUsize::new(0),
            streams: AtomicUsize::new(0),
            building: AtomicBool::new(false),
            indexing: AtomicUsize::new(0),
            bursts: AtomicU64::new(0),
            superseded: AtomicU64::new(0),
        }
    }

    /// The current state.
    pub fn state(&self) -> Arc<State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Puts the search index `files` into the served snapshot, when it is still `site`
    /// (nothing newer was published): no reload, the pages are the same. True when it did.
    pub fn replace_index(&self, site: &Arc<Snapshot>, files: BTreeMap<String, Vec<u8>>) -> bool {
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        if !state.site.as_ref().is_some_and(|s| Arc::ptr_eq(s, site)) {
            return false;
        }
        let mut all = site.files.clone();
        all.retain(|k, _| !crate::search::is_index_file(k));
        all.extend(files.into_iter().map(|(k, v)| (k, crate::render::Bytes::new(v))));
        let snapshot = Snapshot {
            files: all,
            copies: site.copies.clone(),
            later: Arc::clone(&site.later),
            routes: site.routes.clone(),
            pages: site.pages,
            approvals: site.approvals.clone(),
        };
        *state = Arc::new(State {
            generation: state.generation,
            site: Some(Arc::new(snapshot)),
            errors: state.errors.clone(),
            warnings: state.warnings,
            base_path: state.base_path.clone(),
            moved: state.moved.clone(),
            built_at_ms: state.built_at_ms,
            build_ms: state.build_ms,
        });
        true
    }

    /// Like [`Hub::publish`], the new state made from the current one under the lock: a
    /// search index that `replace_index` put in meanwhile is kept, not overwritten.
    pub fn publish_with(&self, make: impl FnOnce(&State) -> State) {
        let generation = {
            let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
            let next = make(&state);
            let generation = next.generation;
            *state = Arc::new(next);
            generation
        };
        *self.published.lock().unwrap_or_else(PoisonError::into_inner) = generation;
        self.changed.notify_all();
    }

    /// Swaps in a new state and wakes every event stream.
    pub fn publish(&self, state: State) {
        let generation = state.generation;
        *self.state.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(state);
        *self.published.lock().unwrap_or_else(PoisonError::into_inner) = generation;
        self.changed.notify_all();
    }

    /// Waits until the published generation differs from `seen` or `timeout` passes; returns
    /// the generation then.
    fn wait_change(&self, seen: u64, timeout: Duration) -> u64 {
        let guard = self.published.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |g| *g == seen)
            .unwrap_or_else(PoisonError::into_inner);
        *guard
    }

    /// The stamp of a state: which server and which build a page was served from.
    fn stamp(&self, state: &State) -> String {
        format!("{}-{}", self.boot, state.generation)
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Serves a connection whose head has arrived (`Err`: refused while it arrived) on a thread of
/// its own, or answers 503 when `MAX_CONNECTIONS` are being served. Called by the accept loop
/// with the stream still nonblocking.
pub(super) fn dispatch(stream: TcpStream, head: Result<Vec<u8>, Status>, shared: &Arc<Hub>) {
    if shared.connections.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
        refuse_busy(stream);
        return;
    }
    if stream.set_nonblocking(false).is_err() {
        return;
    }
    shared.connections.fetch_add(1, Ordering::SeqCst);
    let s = Arc::clone(shared);
    let spawned = std::thread::Builder::new().name("loa-http".into()).spawn(move || {
        handle(stream, head, &s);
        s.connections.fetch_sub(1, Ordering::SeqCst);
    });
    if spawned.is_err() {
        shared.connections.fetch_sub(1, Ordering::SeqCst);
    }
}

/// 503 on a nonblocking stream: a short answer fits the empty send buffer of a new connection,
/// and the accept loop never waits on a client.
fn refuse_busy(mut stream: TcpStream) {
    let body = b"busy\n";
    let _ = stream.write_all(&http::response_head(Status::Unavailable, "text/plain", body.len() as u64, &[]));
    let _ = stream.write_all(body);
}

fn handle(mut stream: TcpStream, head: Result<Vec<u8>, Status>, shared: &Hub) {
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let head = match head.and_then(|b| http::parse_head(&b)) {
        Ok(h) => h,
        Err(status) => {
            plain(&mut stream, status, Method::Get);
            linger(&mut stream);
            return;
        }
    };
    let response = route(&head, shared, &mut stream);
    if head.has_body || response.is_err() {
        linger(&mut stream);
    }
}

/// Closes after an error without resetting the connection: unread request bytes would make
/// the kernel send a reset that can destroy the response before the client reads it.
fn linger(stream: &mut TcpStream) {
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut sink = [0u8; 4096];
    let mut total = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut sink) {
            Ok(n) if n > 0 && total < 1 << 20 => total += n,
            _ => break,
        }
    }
}

/// Answers one request; `Err` when it was refused.
fn route(head: &Head, shared: &Hub, stream: &mut TcpStream) -> Result<(), ()> {
    // DNS rebinding defence: the browser's idea of the host must be one of ours.
    let host = head.host.as_deref().and_then(http::host_name);
    let host_ok = host.as_deref().is_some_and(|h| shared.hosts.allows(h));
    let origin_ok = match head.origin.as_deref() {
        None => true,
        Some(o) => http::origin_host(o).is_some_and(|h| shared.hosts.allows(&h)),
    };
    if !host_ok || !origin_ok {
        plain(stream, Status::Forbidden, head.method);
        return Err(());
    }
    if head.method == Method::Other {
        plain(stream, Status::MethodNotAllowed, Method::Get);
        return Err(());
    }
    let target = match http::decode_target(&head.target) {
        Ok(t) => t,
        Err(status) => {
            plain(stream, status, head.method);
            return Err(());
        }
    };
    // The Host value was checked against the allowlist: safe to write into pages.
    let host = head.host.as_deref().unwrap_or("127.0.0.1").trim();
    match target.path.as_str() {
        overlay::EVENTS_PATH => events(stream, shared, head.method),
        "/__loa/status" => status_json(stream, shared, head.method, target.query.as_deref()),
        overlay::APPROVALS_PATH => approvals(stream, shared, head.method),
        p if p.starts_with("/__loa/") => plain(stream, Status::NotFound, head.method),
        _ => site(stream, shared, head.method, &target, host),
    }
    Ok(())
}

/// `/__loa/duyet/`: every page by approval state, with links (the preview only).
fn approvals(stream: &mut TcpStream, shared: &Hub, method: Method) {
    let (state, empty) = (shared.state(), Vec::new());
    let list = state.site.as_ref().map_or(&empty, |s| &s.approvals);
    let page = overlay::approvals_page(list, &state.base_path, &shared.stamp(&state));
    send(stream, Status::Ok, "text/html; charset=utf-8", page.as_bytes(), method, &[]);
}

/// A short plain-text response.
pub(super) fn plain(stream: &mut TcpStream, status: Status, method: Method) {
    let body = format!("{} {}\n", status.code(), status.reason());
    let allow: &[(&str, &str)] =
        if status == Status::MethodNotAllowed { &[("Allow", "GET, HEAD")] } else { &[] };
    let mut out = http::response_head(status, "text/plain; charset=utf-8", body.len() as u64, allow);
    if method != Method::Head {
        out.extend_from_slice(body.as_bytes());
    }
    let _ = stream.write_all(&out);
}

fn send(
    stream: &mut TcpStream,
    status: Status,
    content_type: &str,
    body: &[u8],
    method: Method,
    extra: &[(&str, &str)],
) {
    let mut out = http::response_head(status, content_type, body.len() as u64, extra);
    if method != Method::Head {
        out.extend_from_slice(body);
    }
    let _ = stream.write_all(&out);
}

fn redirect(stream: &mut TcpStream, status: Status, location: &str, method: Method) {
    send(
        stream,
        status,
        "text/plain; charset=utf-8",
        format!("{location}\n").as_bytes(),
        method,
        &[("Location", location)],
    );
}

/// Serves a path of the site from the current state.
fn site(stream: &mut TcpStream, shared: &Hub, method: Method, target: &Target, host: &str) {
    let mut state = shared.state();
    if state.generation == 0 {
        shared.wait_change(0, FIRST_BUILD_WAIT);
        state = shared.state();
    }
    let stamp = shared.stamp(&state);
    let Some(snapshot) = state.site.clone() else {
        let empty = Diagnostics::new();
        let errors = state.errors.as_deref().unwrap_or(&empty);
        let page = overlay::error_page(&stamp, errors);
        send(stream, Status::InternalError, "text/html; charset=utf-8", page.as_bytes(), method, &[]);
        return;
    };
    let query = target.query.as_deref().map(|q| format!("?{q}")).unwrap_or_default();
    let base = state.base_path.as_str();
    let rel = if base.is_empty() {
        Some(target.path.as_str())
    } else if target.path == base {
        return redirect(stream, Status::MovedPermanently, &format!("{}/{query}", target.raw_path), method);
    } else if target.path == "/" {
        return redirect(stream, Status::Found, &format!("{base}/"), method);
    } else {
        target.path.strip_prefix(base).filter(|r| r.starts_with('/'))
    };
    let Some(rel) = rel else {
        return not_found(stream, shared, &state, &snapshot, method, host);
    };
    let mut key = rel[1..].to_string();
    if key.is_empty() || key.ends_with('/') {
        key.push_str("index.html");
    }
    let found = lookup(&snapshot, &key).or_else(|| lookup(&snapshot, &crate::vi::nfc(&key)));
    match found {
        Some(body) => serve_body(stream, shared, &state, method, &key, body, Status::Ok, host),
        None if !rel.ends_with('/') && lookup(&snapshot, &format!("{key}/index.html")).is_some() => {
            redirect(stream, Status::MovedPermanently, &format!("{}/{query}", target.raw_path), method);
        }
        None => not_found(stream, shared, &state, &snapshot, method, host),
    }
}

/// Where the bytes of an output path come from.
enum Body<'a> {
    /// Rendered in memory.
    Memory(&'a [u8]),
    /// A file the build chose to copy as is.
    Disk(&'a PathBuf),
    /// A file made now (a share card, a script).
    Later(&'a crate::build::later::Later),
}

fn lookup<'a>(snapshot: &'a Snapshot, key: &str) -> Option<Body<'a>> {
    if let Some(b) = snapshot.files.get(key) {
        return Some(Body::Memory(b));
    }
    snapshot.copies.get(key).map(Body::Disk).or_else(|| snapshot.later.get(key).map(Body::Later))
}

fn not_found(
    stream: &mut TcpStream,
    shared: &Hub,
    state: &State,
    snapshot: &Snapshot,
    method: Method,
    host: &str,
) {
    match snapshot.files.get("404.html") {
        Some(page) => {
            serve_body(stream, shared, state, method, "404.html", Body::Memory(page), Status::NotFound, host)
        }
        None => {
            let page = overlay::not_found_page();
            serve_body(
                stream,
                shared,
                state,
                method,
                "404.html",
                Body::Memory(page.as_bytes()),
                Status::NotFound,
                host,
            );
        }
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "one response: the request's parts and the state it is served from"
)]
fn serve_body(
    stream: &mut TcpStream,
    shared: &Hub,
    state: &State,
    method: Method,
    key: &str,
    body: Body<'_>,
    status: Status,
    host: &str,
) {
    let content_type = http::content_type(key);
    let text = http::is_text(content_type);
    let bytes: std::borrow::Cow<'_, [u8]> = match body {
        Body::Memory(b) => b.into(),
        Body::Disk(path) if text => match std::fs::read(path) {
            Ok(b) => b.into(),
            Err(_) => return plain(stream, Status::NotFound, method),
        },
        Body::Disk(path) => return stream_file(stream, status, content_type, path, method),
        Body::Later(file) => file.bytes().into(),
    };
    if !text {
        return send(stream, status, content_type, &bytes, method, &[]);
    }
    let mut out = overlay::rewrite_origin(&bytes, host);
    if content_type.starts_with("text/html") {
        let mut snippet = overlay::snippet(&shared.stamp(state), state.errors.as_deref());
        if let Some(banner) = state.site.as_ref().and_then(|site| overlay::banner_for(&site.approvals, key)) {
            snippet.insert_str(overlay::INJECT_START.len(), &banner);
        }
        out = overlay::inject(&out, &snippet);
    }
    send(stream, status, content_type, &out, method, &[]);
}

/// Sends a large copied file without reading it into memory.
fn stream_file(stream: &mut TcpStream, status: Status, content_type: &str, path: &PathBuf, method: Method) {
    let Ok(file) = std::fs::File::open(path) else {
        return plain(stream, Status::NotFound, method);
    };
    let Ok(len) = file.metadata().map(|m| m.len()) else {
        return plain(stream, Status::NotFound, method);
    };
    if stream.write_all(&http::response_head(status, content_type, len, &[])).is_err()
        || method == Method::Head
    {
        return;
    }
    let _ = std::io::copy(&mut file.take(len), stream);
}

/// The live-reload stream: a `hello` with the current stamp, then a `reload` after every build.
fn events(stream: &mut TcpStream, shared: &Hub, method: Method) {
    if shared.streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
        shared.streams.fetch_sub(1, Ordering::SeqCst);
        return plain(stream, Status::Unavailable, method);
    }
    // An open stream does not count against the page connections.
    shared.connections.fetch_sub(1, Ordering::SeqCst);
    stream_events(stream, shared, method);
    shared.connections.fetch_add(1, Ordering::SeqCst);
    shared.streams.fetch_sub(1, Ordering::SeqCst);
}

fn stream_events(stream: &mut TcpStream, shared: &Hub, method: Method) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\n\
                X-Content-Type-Options: nosniff\r\nX-Accel-Buffering: no\r\nConnection: close\r\n\r\n";
    if stream.write_all(head.as_bytes()).is_err() || method == Method::Head {
        return;
    }
    let mut state = shared.state();
    if stream.write_all(event_message("hello", shared, &state).as_bytes()).is_err() {
        return;
    }
    let mut seen = state.generation;
    loop {
        let now = shared.wait_change(seen, KEEPALIVE);
        let msg = if now == seen {
            ": ping\n\n".to_string()
        } else {
            state = shared.state();
            seen = state.generation;
            event_message("reload", shared, &state)
        };
        if stream.write_all(msg.as_bytes()).and_then(|()| stream.flush()).is_err() {
            return;
        }
    }
}

fn event_message(name: &str, shared: &Hub, state: &State) -> String {
    let data = serde_json::json!({
        "stamp": shared.stamp(state),
        "generation": state.generation,
        "ok": state.errors.is_none(),
        "moved": state.moved,
    });
    format!("retry: 1000\nevent: {name}\ndata: {data}\n\n")
}

/// `/__loa/status`: the build generation, whether it succeeded, its diagnostics; with
/// `?files`, every output path of the served build (for tests comparing it to `loa build`).
fn status_json(stream: &mut TcpStream, shared: &Hub, method: Method, query: Option<&str>) {
    let state = shared.state();
    let errors: Vec<&crate::diagnostics::Diagnostic> = state.errors.iter().flat_map(|d| d.iter()).collect();
    let mut v = serde_json::json!({
        "generation": state.generation,
        "ok": state.generation > 0 && state.errors.is_none(),
        "has_site": state.site.is_some(),
        // Until the search index of the served site is built too, the build is not over.
        "building": shared.building.load(Ordering::SeqCst) || shared.indexing.load(Ordering::SeqCst) > 0,
        "indexing": shared.indexing.load(Ordering::SeqCst) > 0,
        "bursts": shared.bursts.load(Ordering::SeqCst),
        "superseded": shared.superseded.load(Ordering::SeqCst),
        "built_at": http::rfc3339(state.built_at_ms),
        "built_at_ms": state.built_at_ms,
        "build_ms": state.build_ms,
        "base_path": state.base_path,
        "pages": state.site.as_ref().map_or(0, |s| s.pages),
        "warnings": state.warnings,
        "errors": errors,
        "moved": state.moved,
    });
    let wants_files = query.is_some_and(|q| q.split('&').any(|p| p == "files"));
    if wants_files && let Some(site) = &state.site {
        let paths: Vec<&String> =
            site.files.keys().chain(site.copies.keys()).chain(site.later.keys()).collect();
        v["files"] = serde_json::json!(paths);
    }
    let body = serde_json::to_vec_pretty(&v).unwrap_or_default();
    send(stream, Status::Ok, "application/json", &body, method, &[]);
}
