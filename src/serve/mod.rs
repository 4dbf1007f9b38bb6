//! `loa serve`: build in memory, serve the snapshot, watch the sources, rebuild, swap, tell
//! the browsers (ARCHITECTURE §5, RELIABILITY C-SERVE, groups F and H).
//!
//! Takes `ServeOptions`; binds first (a port in use is an error before anything else), then
//! serves while it builds, and rebuilds after every burst of real changes. A failed build never
//! takes the site down: the last good `Snapshot` stays served with an overlay listing the
//! diagnostics. Builds use the placeholder origin `overlay::PLACEHOLDER_ORIGIN` instead of
//! `base_url`, swapped for the browser's `Host` when served. Writes nothing on disk but the
//! image cache (`.loa-cache/images/`, made on a thread after a reload: `build::images`): the
//! output folder is neither read, written nor watched. Share cards and the loudspeakers'
//! scripts are made when asked for (`Snapshot::later`), not held. Reports what happens
//! through a callback: the library never prints.
//!
//! ```text
//! bind ─► heads (accept.rs, one thread) ─► request threads (server.rs) ◄── Arc<State> swap
//!     ◄── loop: Watch ─► Burst ─► Sources ─► Change ─► build ─► publish
//! ```

mod accept;
pub mod hosts;
pub mod http;
mod index;
pub mod overlay;
pub mod server;
mod sources;
pub mod watch;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::build::{BuildOptions, Built, build};
use crate::config::{Config, Overrides};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::memo::{KnownChanges, Memo};
use server::{Hub, Snapshot, State};
use watch::{Burst, Change, Mode, Sources, Wake, Watch, merge_changes};

/// A stale build result is dropped for a newer one at most this many times in a row, so that
/// a file rewritten without pause still gets served now and then.
const MAX_SUPERSEDED: u32 = 3;

/// What `loa serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root (holding loa.yaml).
    pub root: PathBuf,
    /// Address to listen on (127.0.0.1 by default).
    pub bind: IpAddr,
    /// Port (1111 by default; 0 lets the system choose).
    pub port: u16,
    /// Include drafts.
    pub drafts: bool,
    /// Poll the files instead of using kernel events.
    pub poll: bool,
}

/// Something the terminal should hear about.
#[derive(Debug)]
pub enum Event {
    /// The server listens; `lan` holds the addresses other devices can use (non-loopback bind).
    Listening {
        /// The URL of the site on this machine.
        url: String,
        /// URLs of the site for other devices on the network.
        lan: Vec<String>,
    },
    /// A build started.
    Building,
    /// A build succeeded and is now served.
    Built {
        /// The served generation.
        generation: u64,
        /// Pages built.
        pages: usize,
        /// Output files.
        files: usize,
        /// Time taken.
        elapsed: Duration,
        /// Warnings of the build.
        warnings: Diagnostics,
        /// Files that changed (empty for the first build and full rebuilds).
        changes: Vec<Change>,
        /// Each stage's time, CPU time and memory ([`crate::build::Stages`]): `--verbose`.
        stages: crate::build::Stages,
    },
    /// A build failed; the last good site stays served with the overlay.
    Failed {
        /// The served generation.
        generation: u64,
        /// Every diagnostic.
        diagnostics: Diagnostics,
        /// Time taken.
        elapsed: Duration,
        /// True when an older good build is still served.
        has_site: bool,
    },
    /// Files were saved but no content changed: no rebuild.
    Unchanged,
    /// A finished build was dropped because newer edits arrived during it.
    Superseded,
    /// A scheduled page went live or expired: the site is rebuilt.
    Scheduled,
    /// Events were lost (watcher queue overflow): everything was looked at again.
    Rescanned,
    /// The files are polled: asked for with `--poll`, or kernel events are unavailable.
    Polling {
        /// Why kernel events could not be used (`None` for `--poll`).
        fallback: Option<String>,
    },
    /// A watcher error that did not stop serving.
    WatchError(String),
}

/// Why `loa serve` could not start.
#[derive(Debug)]
pub enum ServeError {
    /// Another process listens on the port.
    PortInUse(SocketAddr),
    /// Another bind error (permission, address not on this machine).
    Bind(SocketAddr, std::io::Error),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::PortInUse(a) => {
                write!(f, "cổng {} trên {} đang được dùng (có thể bởi một loa serve khác)", a.port(), a.ip())
            }
            ServeError::Bind(a, e) => write!(f, "không mở được cổng {} trên {}: {e}", a.port(), a.ip()),
        }
    }
}

impl std::error::Error for ServeError {}

/// A bound server, not yet serving.
pub struct Server {
    /// The listening socket.
    listener: TcpListener,
    /// The options.
    opts: ServeOptions,
    /// The site root, canonical.
    root: PathBuf,
}

impl Server {
    /// Binds the address: fails at once (before any build) when the port is taken.
    pub fn bind(opts: ServeOptions) -> Result<Server, ServeError> {
        let addr = SocketAddr::new(opts.bind, opts.port);
        let listener = TcpListener::bind(addr).map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => ServeError::PortInUse(addr),
            _ => ServeError::Bind(addr, e),
        })?;
        let root = opts.root.canonicalize().unwrap_or_else(|_| opts.root.clone());
        Ok(Server { listener, opts, root })
    }

    /// The address actually bound (the port, when 0 was asked).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.listener.local_addr().ok()
    }

    /// Serves until the process ends: starts the connection threads, the watcher, the first
    /// build, then rebuilds after every burst of changes.
    pub fn run(self, report: &dyn Fn(Event)) -> Result<(), ServeError> {
        let asked = SocketAddr::new(self.opts.bind, self.opts.port);
        let addr = self.listener.local_addr().map_err(|e| ServeError::Bind(asked, e))?;
        let shared = Arc::new(Hub::new(hosts::Hosts::new(self.opts.bind)));
        let listener = self.listener.try_clone().map_err(|e| ServeError::Bind(addr, e))?;
        let s = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("loa-accept".into())
            .spawn(move || accept::accept_loop(listener, s))
            .map_err(|e| ServeError::Bind(addr, e))?;

        let mode = if self.opts.poll { Mode::Poll } else { Mode::Native };
        let (mut watch, fell_back) = Watch::start(&self.root, mode);
        let initial = Config::load(&self.root, &Overrides::default()).ok();
        let base_path = initial.as_ref().map(|c| c.base_path.clone()).unwrap_or_default();
        report(Event::Listening { url: site_url(addr, &base_path), lan: lan_urls(addr, &base_path) });
        if fell_back.is_some() || self.opts.poll {
            report(Event::Polling { fallback: fell_back });
        }
        let mut looper = Loop {
            root: self.root.clone(),
            drafts: self.opts.drafts,
            shared,
            sources: Sources::scan(&self.root, initial.map(|c| c.output_dir)),
            superseded_in_a_row: 0,
            next_change: None,
            memo: Memo::on(),
            build_serial: Arc::default(),
            index: None,
            images: None,
            images_now: false,
        };
        looper.rebuild(Vec::new(), &mut watch, report);
        loop {
            match watch.next_burst(looper.deadline()) {
                Wake::Burst(burst) => looper.handle(burst, &mut watch, report),
                Wake::Deadline => {
                    if looper.images_done() {
                        looper.images_now = true;
                        looper.rebuild(Vec::new(), &mut watch, report);
                    } else if looper.schedule_due() {
                        report(Event::Scheduled);
                        looper.rebuild(Vec::new(), &mut watch, report);
                    }
                }
                Wake::Closed => return Ok(()),
            }
        }
    }
}

/// The URL of the site for a browser on this machine.
fn site_url(addr: SocketAddr, base_path: &str) -> String {
    let host = match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(v6) if v6.is_unspecified() => "[::1]".to_string(),
        ip => host_port(ip),
    };
    format!("http://{host}:{}{base_path}/", addr.port())
}

fn host_port(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

fn lan_urls(addr: SocketAddr, base_path: &str) -> Vec<String> {
    hosts::lan_addresses(addr.ip())
        .into_iter()
        .map(|ip| format!("http://{}:{}{base_path}/", host_port(ip), addr.port()))
        .collect()
}

/// The rebuild loop's state.
struct Loop {
    /// The site root, canonical.
    root: PathBuf,
    /// `--drafts`.
    drafts: bool,
    /// What the connection threads serve.
    shared: Arc<Hub>,
    /// A fingerprint per watched file.
    sources: Sources,
    /// Results dropped in a row because newer edits arrived.
    superseded_in_a_row: u32,
    /// When the last good build would change by itself (a scheduled page going live or
    /// expiring), in seconds since the Unix epoch: the loop rebuilds then.
    next_change: Option<i64>,
    /// The last build's parsed files, bodies and output files: a rebuild redoes only what an
    /// edit changed.
    memo: Memo,
    /// Counts builds started; an index thread gives up when it changes.
    build_serial: Arc<std::sync::atomic::AtomicU64>,
    /// The search index of the served site, built after its reload.
    index: Option<index::IndexJob>,
    /// Images being made after a reload (`BuildOptions::images_later`): set when done, then
    /// the loop builds again with every image made (those that failed report their errors).
    images: Option<Arc<std::sync::atomic::AtomicBool>>,
    /// The next build makes its images instead of leaving them for later.
    images_now: bool,
}

/// What a burst of events asks for.
#[derive(Debug)]
enum Plan {
    /// Nothing changed (temp files, unchanged saves): no build.
    Nothing,
    /// These files changed: rebuild.
    Rebuild(Vec<Change>),
}

impl Loop {
    /// Starts the search index of `site` (see [`index::spawn`]); the last job's documents are
    /// freed off the way of the reload.
    fn spawn_index(
        &mut self,
        site: Arc<Snapshot>,
        docs: Arc<Vec<crate::search::SearchDoc>>,
        indexed: Option<u64>,
    ) {
        let job = index::spawn(site, docs, indexed, &self.build_serial, &self.shared);
        if let Some(old) = self.index.replace(job) {
            crate::dispose::later(old);
        }
    }

    /// When to wake up without an event: the next scheduled change, if it is in the future.
    fn deadline(&self) -> Option<Instant> {
        if self.images.is_some() {
            // Looks whether the images are done a few times a second.
            return Some(Instant::now() + Duration::from_millis(200));
        }
        let wait = self.next_change? - unix_now();
        // A day at most: the loop checks again then rather than trusting a far-off instant.
        let secs = u64::try_from(wait).ok()?.min(86_400);
        Instant::now().checked_add(Duration::from_secs(secs) + Duration::from_millis(500))
    }

    /// True when the images left for later are made (the job is then forgotten).
    fn images_done(&mut self) -> bool {
        let done = self.images.as_ref().is_some_and(|d| d.load(Ordering::SeqCst));
        if done {
            self.images = None;
        }
        done
    }

    /// Makes the images a build left for later on a thread of its own, unless a job already
    /// runs (the build after it makes the rest).
    fn spawn_images(&mut self, pending: Vec<crate::media::Pending>) {
        if pending.is_empty() || self.images.is_some() {
            return;
        }
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = Arc::clone(&done);
        let root = self.root.clone();
        let spawned = std::thread::Builder::new().name("loa-images".into()).spawn(move || {
            crate::build::images::make_pending(&root, &pending);
            flag.store(true, Ordering::SeqCst);
        });
        if spawned.is_ok() {
            self.images = Some(done);
        }
    }

    /// True when the scheduled change has come.
    fn schedule_due(&self) -> bool {
        self.next_change.is_some_and(|t| t <= unix_now())
    }

    /// Turns a burst into changes and rebuilds when there are any.
    fn handle(&mut self, burst: Burst, watch: &mut Watch, report: &dyn Fn(Event)) {
        self.shared.bursts.fetch_add(1, Ordering::SeqCst);
        match self.plan(burst, watch, report) {
            Plan::Nothing => report(Event::Unchanged),
            Plan::Rebuild(changes) => self.rebuild(changes, watch, report),
        }
    }

    fn plan(&mut self, burst: Burst, watch: &mut Watch, report: &dyn Fn(Event)) -> Plan {
        for e in burst.errors {
            report(Event::WatchError(e));
        }
        if burst.watch_limit && watch.mode() == Mode::Native {
            watch.fall_back_to_polling();
            report(Event::Polling { fallback: Some("inotify: max_user_watches".into()) });
        }
        if burst.rescan || burst.watch_limit {
            // Events were lost: look at everything and rebuild whatever the hashes say.
            self.sources.rescan();
            if burst.rescan {
                report(Event::Rescanned);
            }
            return Plan::Rebuild(Vec::new());
        }
        let changes = self.sources.changes(&burst.paths);
        if changes.is_empty() { Plan::Nothing } else { Plan::Rebuild(changes) }
    }

    /// Builds, drops the result if newer edits arrived meanwhile (and builds again), else
    /// publishes it.
    fn rebuild(&mut self, mut changes: Vec<Change>, watch: &mut Watch, report: &dyn Fn(Event)) {
        loop {
            report(Event::Building);
            self.shared.building.store(true, Ordering::SeqCst);
            let start = Instant::now();
            self.build_serial.fetch_add(1, Ordering::SeqCst);
            // Once a site is served, the search index is built after the reload (a search for
            // the edited words finds them a moment later): the reload waits for pages only.
            let defer = self.shared.state().site.is_some();
            // The watcher knows every changed file: the load reads only those (none known, as
            // for the first build or after lost events: everything is looked at).
            self.memo.expect_changes(KnownChanges {
                modified: changes
                    .iter()
                    .filter_map(|c| match c {
                        Change::Modified(p) => Some(p.clone()),
                        _ => None,
                    })
                    .collect(),
                added_or_removed: changes.iter().any(|c| !matches!(c, Change::Modified(_))),
            });
            let later = !std::mem::take(&mut self.images_now);
            let (outcome, config) = build_site(&self.root, self.drafts, defer, later, &self.memo);
            let elapsed = start.elapsed();
            self.shared.building.store(false, Ordering::SeqCst);
            if let Some(c) = &config {
                self.sources.set_exclude(Some(c.output_dir.clone()));
            }
            // Edits saved during the build supersede it (generation counter): build again
            // rather than flash a stale page, unless nothing good is served yet.
            if let Some(burst) = watch.pending_burst() {
                self.shared.bursts.fetch_add(1, Ordering::SeqCst);
                if let Plan::Rebuild(newer) = self.plan(burst, watch, report) {
                    let has_site = self.shared.state().site.is_some();
                    if has_site && self.superseded_in_a_row < MAX_SUPERSEDED {
                        self.superseded_in_a_row += 1;
                        self.shared.superseded.fetch_add(1, Ordering::SeqCst);
                        report(Event::Superseded);
                        changes = merge_changes(changes, newer);
                        continue;
                    }
                    // Publish this one, then build again for the newer edits.
                    self.publish(outcome, config.as_ref(), &changes, elapsed, report);
                    changes = newer;
                    continue;
                }
            }
            self.superseded_in_a_row = 0;
            self.publish(outcome, config.as_ref(), &changes, elapsed, report);
            return;
        }
    }

    fn publish(
        &mut self,
        outcome: Result<Built, Diagnostics>,
        config: Option<&Config>,
        changes: &[Change],
        elapsed: Duration,
        report: &dyn Fn(Event),
    ) {
        // Read before `prev`: when the index was done then, `prev` has its files.
        let indexed = self
            .index
            .as_ref()
            .filter(|j| j.done.load(Ordering::SeqCst))
            .and_then(|j| j.fingerprint.get().copied());
        let prev = self.shared.state();
        let generation = prev.generation + 1;
        let base_path = config.map_or_else(|| prev.base_path.clone(), |c| c.base_path.clone());
        let build_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        match outcome {
            Ok(mut built) => {
                self.next_change = built.next_change.map(|d| d.unix()).filter(|&t| t > unix_now());
                self.spawn_images(std::mem::take(&mut built.images_pending));
                let mut files = built.output.files;
                let deferred = built.search.inspect(|_| {
                    // Until the new index is built, the last one is served.
                    if let Some(site) = &prev.site {
                        files.extend(index::index_files(site).map(|(k, v)| (k.clone(), v.clone())));
                    }
                });
                let snapshot = Snapshot {
                    routes: built.routes,
                    pages: built.pages,
                    files,
                    copies: built.output.copies,
                    later: Arc::new(built.later.into_iter().collect()),
                    approvals: built.approvals,
                };
                let moved = moved_urls(&self.root, prev.site.as_deref(), &snapshot, changes);
                let files = snapshot.files.len() + snapshot.copies.len() + snapshot.later.len();
                let pages = snapshot.pages;
                let warnings = built.diagnostics.iter().count();
                let site = Arc::new(snapshot);
                match deferred {
                    // The index thread keeps the last index when the documents are the same.
                    Some(docs) => self.spawn_index(Arc::clone(&site), Arc::new(docs), indexed),
                    None => self.index = None,
                }
                self.shared.publish(State {
                    generation,
                    site: Some(site),
                    errors: None,
                    warnings,
                    base_path,
                    moved,
                    built_at_ms: server::now_ms(),
                    build_ms,
                });
                report(Event::Built {
                    generation,
                    pages,
                    files,
                    elapsed,
                    warnings: built.diagnostics,
                    changes: changes.to_vec(),
                    stages: (built.timings, built.cpu, built.memory),
                });
            }
            Err(diagnostics) => {
                let has_site = prev.site.is_some();
                // This build cancelled the index of the site that stays served: build it again.
                if let Some(job) = self.index.take() {
                    let served = prev.site.as_ref().is_some_and(|s| Arc::ptr_eq(s, &job.site));
                    if served && !job.done.load(Ordering::SeqCst) {
                        self.spawn_index(job.site, job.docs, None);
                    } else {
                        self.index = Some(job);
                    }
                }
                // The site that stays served is taken under the lock: its index may have just
                // been put in.
                let errors = Arc::new(diagnostics.clone());
                self.shared.publish_with(|current| State {
                    generation,
                    site: current.site.clone(),
                    errors: Some(errors),
                    warnings: current.warnings,
                    base_path,
                    moved: BTreeMap::new(),
                    built_at_ms: server::now_ms(),
                    build_ms,
                });
                report(Event::Failed { generation, diagnostics, elapsed, has_site });
            }
        }
    }
}

fn unix_now() -> i64 {
    i64::try_from(server::now_ms() / 1000).unwrap_or(i64::MAX)
}

/// Loads the config and builds with the placeholder origin. A panic in a stage becomes a
/// diagnostic: the server stays up.
fn build_site(
    root: &Path,
    drafts: bool,
    defer_search: bool,
    images_later: bool,
    memo: &Memo,
) -> (Result<Built, Diagnostics>, Option<Config>) {
    let mut config = match Config::load(root, &Overrides::default()) {
        Ok(c) => c,
        Err(d) => return (Err(d), None),
    };
    config.base_url = format!("{}{}", overlay::PLACEHOLDER_ORIGIN, config.base_path);
    let opts = BuildOptions { drafts, defer_search, images_later, ..BuildOptions::preview() };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let sink = crate::output::MemorySink::default();
        let mut built = build(&config, opts, &sink, memo)?;
        built.output.files = sink.into_files();
        Ok(built)
    }));
    let outcome = result.unwrap_or_else(|_| {
        Err(Diagnostic::global("internal", "loa gặp lỗi nội bộ khi dựng trang")
            .with_hint("lưu lại tệp để thử lại; nếu lỗi lặp lại, hãy báo lỗi kèm tệp vừa sửa")
            .into())
    });
    (outcome, Some(config))
}

/// Old URL → new URL for the pages whose URL this build changed: a source file whose route
/// changed (a slug edit), or one Markdown file renamed to another in the same burst.
fn moved_urls(
    root: &Path,
    before: Option<&Snapshot>,
    after: &Snapshot,
    changes: &[Change],
) -> BTreeMap<String, String> {
    let mut moved = BTreeMap::new();
    let Some(before) = before else {
        return moved;
    };
    let still_served: BTreeSet<&String> = after.routes.values().collect();
    for (file, new_url) in &after.routes {
        if let Some(old_url) = before.routes.get(file)
            && old_url != new_url
            && !still_served.contains(old_url)
        {
            moved.insert(old_url.clone(), new_url.clone());
        }
    }
    let rel = |p: &Path| p.strip_prefix(root).ok().map(|r| r.to_string_lossy().replace('\\', "/"));
    let md = |c: &&Change| c.path().extension().is_some_and(|e| e == "md");
    let removed: Vec<String> = changes
        .iter()
        .filter(md)
        .filter(|c| matches!(c, Change::Removed(_)))
        .filter_map(|c| rel(c.path()))
        .collect();
    let added: Vec<String> = changes
        .iter()
        .filter(md)
        .filter(|c| matches!(c, Change::Added(_)))
        .filter_map(|c| rel(c.path()))
        .collect();
    if let ([old], [new]) = (removed.as_slice(), added.as_slice())
        && let (Some(old_url), Some(new_url)) = (before.routes.get(old), after.routes.get(new))
        && old_url != new_url
        && !still_served.contains(old_url)
    {
        moved.insert(old_url.clone(), new_url.clone());
    }
    moved
}
