//! The serve part of the hostile-input catalogue (issue 21): clients of `loa serve` that
//! behave badly on purpose, on a real server on loopback. Here: slowloris, many connections
//! that send their request head a byte at a time and never finish it, must neither delay the
//! requests of a normal browser (pages and the live-reload stream) nor stay open forever.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::harness::minimal_site;
use crate::serve::{EVENTS, Served};

/// Trickling connections held open during the measurement.
const SLOW: usize = 200;
/// Median time a normal request may take while they trickle: measured at 0.5 to 5 ms (debug
/// build), so generous for a busy shared machine, and still one tenth of the head deadline.
const BOUND: Duration = Duration::from_millis(500);
/// How long the server may keep a connection without a whole head open (its head deadline is
/// 5 s; slack for a busy machine).
const CLOSED_WITHIN: Duration = Duration::from_secs(20);

/// Makes sure this process may open `want` files (the soft limit is often 1024).
fn ensure_fd_limit(want: u64) {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: `lim` is a valid, writable `rlimit`.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0, "getrlimit");
    if lim.rlim_cur >= want {
        return;
    }
    lim.rlim_cur = lim.rlim_max.min(want);
    // SAFETY: `lim` is a valid `rlimit`; raising the soft limit up to the hard one is allowed.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0, "setrlimit");
    assert!(lim.rlim_cur >= want, "the hard limit on open files ({}) is below {want}", lim.rlim_max);
}

/// What a trickling connection looks like from the client side right now, without waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// Nothing came back yet: the server is still waiting for the head.
    Open,
    /// The server answered (a 408 or 503) or closed the connection.
    Answered,
}

fn peek(s: &TcpStream) -> Seen {
    let mut buf = [0u8; 512];
    match (&*s).read(&mut buf) {
        Err(e) if e.kind() == ErrorKind::WouldBlock => Seen::Open,
        _ => Seen::Answered,
    }
}

/// GET `path`, the whole response read: (status, time taken).
fn timed_get(port: u16, path: &str) -> (u16, Duration) {
    let start = Instant::now();
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(15))).expect("timeout");
    // A server that refuses before reading resets the connection: what it answered still counts.
    let _ = write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    (status_of(&buf), start.elapsed())
}

/// Connects to the event stream and waits for its `hello` event: (status, time taken).
fn timed_events(port: u16) -> (u16, Duration) {
    let start = Instant::now();
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(15))).expect("timeout");
    let _ = write!(s, "GET {EVENTS} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n");
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(12).any(|w| w == b"event: hello") {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let status = status_of(&buf);
    if status == 200 {
        assert!(buf.windows(12).any(|w| w == b"event: hello"), "{}", String::from_utf8_lossy(&buf));
    }
    (status, start.elapsed())
}

fn status_of(buf: &[u8]) -> u16 {
    String::from_utf8_lossy(buf).split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[test]
fn slowloris_200_trickling_connections_do_not_delay_a_normal_request() {
    ensure_fd_limit(4 * SLOW as u64);
    let site = minimal_site();
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    let port = srv.port;
    let opened = Instant::now();
    let slow: Arc<Vec<TcpStream>> = Arc::new(
        (0..SLOW)
            .map(|i| {
                let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
                // Refused at once (a reset) by a server that is full: seen below, not here.
                let _ = write!(s, "GET /bai-viet/mot/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow-{i}: ");
                s.set_nonblocking(true).expect("nonblocking");
                s
            })
            .collect(),
    );
    // One byte on every connection every second, for as long as the test runs.
    let stop = Arc::new(AtomicBool::new(false));
    let trickler = {
        let (slow, stop) = (Arc::clone(&slow), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                for s in slow.iter() {
                    let _ = (&*s).write(b"a");
                }
                for _ in 0..20 {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        })
    };
    // Let the server accept them all and see a byte or two.
    std::thread::sleep(Duration::from_millis(1200));

    let pages: Vec<(u16, Duration)> = (0..5).map(|_| timed_get(port, "/bai-viet/mot/")).collect();
    let streams: Vec<(u16, Duration)> = (0..3).map(|_| timed_events(port)).collect();
    let measured = opened.elapsed();
    let still_open = slow.iter().filter(|s| peek(s) == Seen::Open).count();
    eprintln!("with {SLOW} trickling connections: pages {pages:?}, event streams {streams:?}");

    for (what, results) in [("GET /bai-viet/mot/", &pages), ("GET /__loa/events", &streams)] {
        let statuses: Vec<u16> = results.iter().map(|r| r.0).collect();
        assert!(
            statuses.iter().all(|&s| s == 200),
            "{what} answered {statuses:?} while {SLOW} connections trickle"
        );
        let m = median(results.iter().map(|r| r.1).collect());
        assert!(
            m < BOUND,
            "{what}: median {m:?} (over {BOUND:?}) while {SLOW} connections trickle: {results:?}"
        );
    }
    // They were all still trickling while the requests above were served, not dropped to make
    // room for them.
    assert_eq!(still_open, SLOW, "trickling connections answered or closed within {measured:?}");

    // Bounded resources: each is closed once its head deadline passes, trickling or not.
    loop {
        let open = slow.iter().filter(|s| peek(s) == Seen::Open).count();
        if open == 0 {
            break;
        }
        assert!(
            opened.elapsed() < CLOSED_WITHIN,
            "{open} trickling connections still open after {:?}",
            opened.elapsed()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let closed_after = opened.elapsed();
    stop.store(true, Ordering::SeqCst);
    trickler.join().expect("trickler");
    eprintln!("all {SLOW} trickling connections closed by the server within {closed_after:?}");
    // And the server still serves.
    assert_eq!(timed_get(port, "/bai-viet/mot/").0, 200);
    assert!(!srv.stderr().contains("panicked"), "{}", srv.stderr());
}

#[test]
fn more_half_open_connections_than_the_cap_close_the_oldest_first() {
    // The server keeps at most 512 connections waiting for their head (README, `loa serve`).
    const CAP: usize = 512;
    const OPENED: usize = CAP + 188;
    ensure_fd_limit(2 * OPENED as u64 + 256);
    let site = minimal_site();
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    let port = srv.port;
    let half: Vec<TcpStream> = (0..OPENED)
        .map(|i| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
            let _ = write!(s, "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Half-{i}: ");
            s.set_nonblocking(true).expect("nonblocking");
            s
        })
        .collect();
    // Until the server has taken them all in: the oldest are closed, the newest wait.
    let start = Instant::now();
    let mut closed = 0;
    while start.elapsed() < Duration::from_secs(3) {
        closed = half[..OPENED - CAP].iter().filter(|s| peek(s) == Seen::Answered).count();
        if closed == OPENED - CAP {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(closed, OPENED - CAP, "of the {} oldest half-open connections", OPENED - CAP);
    let open = half[OPENED - CAP..].iter().filter(|s| peek(s) == Seen::Open).count();
    assert_eq!(open, CAP, "of the {CAP} newest half-open connections");
    // A normal request still gets its page (and closes the oldest waiting one to get in).
    let pages: Vec<(u16, Duration)> = (0..3).map(|_| timed_get(port, "/bai-viet/mot/")).collect();
    eprintln!("with {CAP} half-open connections waiting: pages {pages:?}");
    assert!(pages.iter().all(|p| p.0 == 200), "{pages:?}");
    assert!(median(pages.iter().map(|p| p.1).collect()) < BOUND, "{pages:?}");
}
