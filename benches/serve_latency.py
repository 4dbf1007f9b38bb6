#!/usr/bin/env python3
"""Edit-to-reload latency of `loa serve` (issue 5): the time from a saved edit of one article
to the `reload` Server-Sent Event reaching a client, the way a browser tab gets it.

usage: benches/serve_latency.py LOA_BINARY SITE_DIR [EDITS=20] [GAP_SECONDS=0.5]

SITE_DIR is a loa site (e.g. a gen_corpus.py corpus: it edits content/articles/*.md). The
script starts `loa serve --port 0`-like on a free port, waits for the first build, then for
each edit appends a sentence to one article (the same file every time, as an editor would),
and measures until the reload event; the next edit comes GAP_SECONDS after the reload (with a
gap of 3 s or more, `loa serve` has built the search index of the last edit in between: its
index waits until the site has been still for 1 s). It restores the article at the end. Prints the median,
min and max in milliseconds, and the median of the server's own build times (/__loa/status after
each reload): the rest of the latency is the watcher's debounce and the event's way out; then
the server's resident and peak memory (VmRSS, VmHWM; Linux), and the time from the start to the
first build being served (0.2 s steps).
"""
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def status(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__loa/status", timeout=30) as r:
        return json.load(r)


def main():
    loa, site = sys.argv[1], sys.argv[2]
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    gap = float(sys.argv[4]) if len(sys.argv) > 4 else 0.5
    port = free_port()
    server = subprocess.Popen([loa, "serve", "--root", site, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        started = time.perf_counter()
        deadline = time.time() + 300
        while True:
            try:
                if status(port).get("generation", 0) >= 1:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                sys.exit("the first build did not finish in 300 s")
            time.sleep(0.2)
        first_build = time.perf_counter() - started
        articles = sorted(os.listdir(os.path.join(site, "content", "articles")))
        target = os.path.join(site, "content", "articles", [a for a in articles if not a.startswith("_")][0])
        original = open(target, encoding="utf-8").read()
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(f"GET /__loa/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
        sock.settimeout(120)
        buf = b""

        def wait_event(name):
            nonlocal buf
            marker = f"event: {name}\n".encode()
            while marker not in buf:
                chunk = sock.recv(65536)
                if not chunk:
                    sys.exit("event stream closed")
                buf += chunk
            buf = buf[buf.index(marker) + len(marker):]

        wait_event("hello")
        times = []
        builds = []
        def drain():
            # Events sent before the edit (the search index made once the site was still, the
            # share cards or images made after a reload) are not the edit's reload.
            nonlocal buf
            sock.setblocking(False)
            try:
                while sock.recv(65536):
                    pass
            except BlockingIOError:
                pass
            finally:
                sock.settimeout(120)
            buf = b""

        for i in range(edits):
            time.sleep(gap)
            drain()
            with open(target, "a", encoding="utf-8") as f:
                f.write(f"\nCâu sửa số {i} để đo thời gian tải lại.\n")
            t0 = time.perf_counter()
            wait_event("reload")
            times.append((time.perf_counter() - t0) * 1000)
            builds.append(status(port).get("build_ms", 0))
        with open(target, "w", encoding="utf-8") as f:
            f.write(original)
        memory = {}
        with open(f"/proc/{server.pid}/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    memory[line.split(":")[0]] = int(line.split()[1]) // 1024
        print(f"edits: {edits}  gap: {gap} s  median: {statistics.median(times):.0f} ms  min: {min(times):.0f} ms  "
              f"max: {max(times):.0f} ms  build median: {statistics.median(builds):.0f} ms  "
              f"rss: {memory.get('VmRSS', 0)} MiB  peak rss: {memory.get('VmHWM', 0)} MiB  "
              f"first build: {first_build:.1f} s")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
