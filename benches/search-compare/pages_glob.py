#!/usr/bin/env python3
"""The pages loa's search indexes, as one Pagefind --glob: usage pages_glob.py LOA_OUTPUT_DIR

Reads the URLs of loa's search index (LOA_OUTPUT_DIR/tim-kiem/index/d/*.json, the first field of
each document), turns each into a pattern (the last path segment replaced by `*` when its
folder holds more than one indexed page: `bai-viet/*/index.html`), checks that the patterns
match exactly the indexed pages among the output's HTML files (a `*` does not cross `/`), and
prints `{pattern,pattern,…}`. Used for the "pagefind-tuned" variant: Pagefind on the same pages
as loa, so that the two rankings are compared on the same documents.
"""
import json
import re
import sys
from collections import Counter
from pathlib import Path

root = Path(sys.argv[1])
urls = set()
for f in sorted((root / "tim-kiem" / "index" / "d").glob("*.json")):
    for doc in json.loads(f.read_text(encoding="utf-8")):
        urls.add(doc[0])
files = {u.strip("/") + "/index.html" if u.strip("/") else "index.html" for u in urls}
parents = Counter(f.rsplit("/", 2)[0] if f.count("/") >= 2 else "" for f in files)
patterns = set()
for f in files:
    parts = f.split("/")
    if len(parts) >= 3 and parents[parts[0] if len(parts) == 3 else "/".join(parts[:-2])] > 1:
        patterns.add("/".join(parts[:-2] + ["*", "index.html"]))
    else:
        patterns.add(f)
rx = re.compile("^(?:%s)$" % "|".join(re.escape(p).replace(r"\*", "[^/]*") for p in sorted(patterns)))
html = {str(p.relative_to(root)) for p in root.rglob("*.html")}
matched = {h for h in html if rx.match(h)}
extra, missing = sorted(matched - files), sorted(files - html)
if extra or missing:
    sys.exit("pages_glob.py: the patterns %s match %d pages loa does not index (%s) and miss %d (%s)"
             % (sorted(patterns), len(extra), extra[:5], len(missing), missing[:5]))
print("{%s}" % ",".join(sorted(patterns)))
