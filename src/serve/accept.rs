//! Accepting connections and reading their request heads, for every connection on one thread.
//!
//! Takes the bound listener; gives each connection whose head has arrived whole (or can no
//! longer be valid) to `server::dispatch`, which serves it on a thread of its own. Until then a
//! connection costs a file descriptor and the bytes it sent, never a thread nor a place among
//! the `MAX_CONNECTIONS` being served: clients that send their head slowly (slowloris, a byte a
//! second) cannot make the server refuse anyone else. One `poll(2)` loop reads every pending
//! head without blocking; a head must arrive within `HEAD_TIMEOUT` of the connection (else
//! 408, closed), and at most `MAX_PENDING` connections wait for theirs: one more closes the
//! oldest. Must not parse or route: that is the worker's.
//!
//! ```text
//! listener ─accept─► pending (oldest first, ≤ MAX_PENDING) ─poll, read─► head ─► server::dispatch
//!                        └─ deadline passed: 408, closed; full: the oldest closed
//! ```

use std::collections::VecDeque;
use std::io::{ErrorKind, Read};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::http::{self, Method, Status};
use super::server::{self, Hub};
use crate::sys::{PollFd, poll_readable};

/// Most connections waiting for their request head at once; a new one closes the oldest. A
/// browser's head arrives in one packet, so only a client that holds its head back for longer
/// than this many newer connections take to arrive loses its place. Small enough for the usual
/// limit of 1024 open files with the served connections and a build.
const MAX_PENDING: usize = 512;
/// Time allowed for the whole request head to arrive, counted from the connection.
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// Pause before accepting again after `accept` failed with nothing to close.
const ACCEPT_PAUSE: Duration = Duration::from_millis(20);
/// Most connections accepted per turn of the loop (heads already waiting are read in between).
const ACCEPT_BURST: usize = 64;

/// A connection whose head has not arrived whole yet.
struct Pending {
    stream: TcpStream,
    /// When it is answered 408 and closed.
    deadline: Instant,
    /// The bytes received so far.
    buf: Vec<u8>,
    /// Where the search for the end of the head resumes (a trickled head is not rescanned).
    scanned: usize,
    /// True once the request line has ended.
    line_ended: bool,
}

/// What reading a pending connection came to.
enum Progress {
    /// The head is still incomplete: keep waiting.
    Waiting,
    /// The head (up to its blank line), or why it is refused.
    Done(Result<Vec<u8>, Status>),
    /// The client closed before sending anything, or the connection failed: closed unanswered.
    Gone,
}

impl Pending {
    fn new(stream: TcpStream, now: Instant) -> Pending {
        Pending { stream, deadline: now + HEAD_TIMEOUT, buf: Vec::new(), scanned: 0, line_ended: false }
    }

    /// Reads what has arrived, without blocking.
    fn read(&mut self) -> Progress {
        let mut chunk = [0u8; 4096];
        loop {
            match (&self.stream).read(&mut chunk) {
                Ok(0) if self.buf.is_empty() => return Progress::Gone,
                Ok(0) => return Progress::Done(Err(Status::BadRequest)),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    if let Some(done) = self.check() {
                        return Progress::Done(done);
                    }
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Progress::Waiting,
                Err(_) => return Progress::Gone,
            }
        }
    }

    /// The head once it is complete, the refusal once it cannot be valid; `None` meanwhile.
    fn check(&mut self) -> Option<Result<Vec<u8>, Status>> {
        let from = self.scanned.saturating_sub(3);
        if let Some(end) = http::head_end(&self.buf[from..]) {
            let mut head = std::mem::take(&mut self.buf);
            head.truncate(from + end);
            return Some(Ok(head));
        }
        // The target cap applies before the headers have all arrived.
        self.line_ended = self.line_ended || self.buf[self.scanned..].contains(&b'\n');
        if !self.line_ended && self.buf.len() > http::MAX_TARGET + 32 {
            return Some(Err(Status::BadRequest));
        }
        self.scanned = self.buf.len();
        (self.buf.len() > http::MAX_HEAD).then_some(Err(Status::HeadersTooLarge))
    }

    /// Answers 408 and closes (the client was too slow; nothing waits for it to read).
    fn time_out(mut self) {
        server::plain(&mut self.stream, Status::RequestTimeout, Method::Get);
    }
}

/// Accepts connections and reads their heads until the process ends.
pub fn accept_loop(listener: TcpListener, shared: Arc<Hub>) {
    // Nonblocking, so that a connection reset between `poll` and `accept` cannot stall the loop.
    let _ = listener.set_nonblocking(true);
    let mut pending: VecDeque<Pending> = VecDeque::new();
    let mut paused_until: Option<Instant> = None;
    let mut fds = Vec::new();
    loop {
        let now = Instant::now();
        // Deadlines run in accept order: the expired ones are at the front.
        while pending.front().is_some_and(|p| p.deadline <= now) {
            if let Some(p) = pending.pop_front() {
                p.time_out();
            }
        }
        let accepting = paused_until.is_none_or(|t| t <= now);
        let wake = pending.front().map(|p| p.deadline).into_iter().chain(paused_until.filter(|_| !accepting));
        let timeout = wake.min().map(|t| t.saturating_duration_since(now));
        fds.clear();
        fds.push(PollFd::new(accepting.then_some(&listener)));
        fds.extend(pending.iter().map(|p| PollFd::new(Some(&p.stream))));
        if poll_readable(&mut fds, timeout).is_err() {
            // Out of resources (or more descriptors than allowed now): shed the oldest.
            drop(pending.pop_front());
            std::thread::sleep(ACCEPT_PAUSE);
            continue;
        }
        let ready: Vec<bool> = fds[1..].iter().map(PollFd::ready).collect();
        let mut waiting = VecDeque::with_capacity(pending.len());
        for (mut p, ready) in pending.drain(..).zip(ready) {
            if !ready {
                waiting.push_back(p);
                continue;
            }
            match p.read() {
                Progress::Waiting => waiting.push_back(p),
                Progress::Done(head) => server::dispatch(p.stream, head, &shared),
                Progress::Gone => {}
            }
        }
        pending = waiting;
        if accepting && fds[0].ready() {
            paused_until = accept(&listener, &mut pending);
        }
    }
}

/// Accepts what the listener holds (at most `ACCEPT_BURST`) into `pending`; when `accept`
/// fails with nothing to close, the time until which accepting pauses.
fn accept(listener: &TcpListener, pending: &mut VecDeque<Pending>) -> Option<Instant> {
    for _ in 0..ACCEPT_BURST {
        match listener.accept() {
            Ok((stream, _)) => {
                if stream.set_nonblocking(true).is_err() {
                    continue;
                }
                if pending.len() >= MAX_PENDING {
                    drop(pending.pop_front());
                }
                pending.push_back(Pending::new(stream, Instant::now()));
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return None,
            // Interrupted, or reset by the client while it waited to be accepted.
            Err(e) if matches!(e.kind(), ErrorKind::Interrupted | ErrorKind::ConnectionAborted) => {}
            // Out of file descriptors: the oldest pending connection gives its own up.
            Err(e) if out_of_files(&e) && !pending.is_empty() => drop(pending.pop_front()),
            // Out of descriptors held by requests being served, or of memory.
            Err(_) => return Some(Instant::now() + ACCEPT_PAUSE),
        }
    }
    None
}

/// True for "too many open files" (of the process or of the system).
fn out_of_files(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        use crate::sys::errno::{EMFILE, ENFILE};
        matches!(e.raw_os_error(), Some(EMFILE | ENFILE))
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A pending server side and its client, on loopback.
    fn pair() -> (Pending, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let client = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        server.set_nonblocking(true).expect("nonblocking");
        (Pending::new(server, Instant::now()), client)
    }

    /// Reads until something other than `Waiting` comes (the bytes sent may take a moment).
    fn settle(p: &mut Pending) -> Progress {
        for _ in 0..500 {
            match p.read() {
                Progress::Waiting => std::thread::sleep(Duration::from_millis(2)),
                other => return other,
            }
        }
        Progress::Waiting
    }

    fn head(p: Progress) -> Result<Vec<u8>, Status> {
        match p {
            Progress::Done(h) => h,
            Progress::Waiting => panic!("still waiting"),
            Progress::Gone => panic!("gone"),
        }
    }

    #[test]
    fn a_trickled_head_is_complete_at_its_blank_line_and_not_before() {
        let (mut p, mut c) = pair();
        for b in b"GET / HTTP/1.1\r\nHost: a\r\n\r" {
            c.write_all(&[*b]).expect("send");
            std::thread::sleep(Duration::from_millis(1));
            assert!(matches!(p.read(), Progress::Waiting));
        }
        c.write_all(b"\nbody after the head").expect("send");
        assert_eq!(head(settle(&mut p)), Ok(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n".to_vec()));
    }

    #[test]
    fn heads_too_long_are_refused_before_they_end() {
        let (mut p, mut c) = pair();
        c.write_all(format!("GET /{}", "a".repeat(http::MAX_TARGET + 64)).as_bytes()).expect("send");
        assert_eq!(head(settle(&mut p)), Err(Status::BadRequest));
        let (mut p, mut c) = pair();
        c.write_all(format!("GET / HTTP/1.1\r\nX: {}", "z".repeat(http::MAX_HEAD + 64)).as_bytes())
            .expect("send");
        assert_eq!(head(settle(&mut p)), Err(Status::HeadersTooLarge));
    }

    #[test]
    fn a_client_that_closes_is_gone_or_refused_when_it_sent_half_a_head() {
        let (mut p, c) = pair();
        drop(c);
        assert!(matches!(settle(&mut p), Progress::Gone));
        let (mut p, mut c) = pair();
        c.write_all(b"GET / HT").expect("send");
        c.shutdown(std::net::Shutdown::Write).expect("shutdown");
        assert_eq!(head(settle(&mut p)), Err(Status::BadRequest));
    }
}
