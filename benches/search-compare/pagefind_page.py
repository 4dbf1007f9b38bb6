#!/usr/bin/env python3
"""Writes the Pagefind search page of a site: usage pagefind_page.py LOA_SEARCH_PAGE OUT_HTML

Takes loa's own built search page (SITE/tim-kiem/index.html of the build with search on), keeps
its head, header and footer (the same shell, styles and fonts), and replaces the content of
<main> with Pagefind's default UI (pagefind-ui.js, PagefindUI with its defaults but
debounceTimeoutMs: 0, so the query read from ?q= is searched at once, as loa's page does; the
300 ms default is for typing). The page is served at /tim-kiem/ of the Pagefind site, so both
engines answer the same URL /tim-kiem/?q=….
"""
import re
import sys
from pathlib import Path

src, out = sys.argv[1:3]
html = Path(src).read_text(encoding="utf-8")
ui = """<h1>Tìm kiếm</h1>
<div id="search" data-pagefind-ignore="all"></div>
<script src="/pagefind/pagefind-ui.js"></script>
<script>
window.addEventListener('DOMContentLoaded', function () {
  var ui = new PagefindUI({ element: '#search', debounceTimeoutMs: 0 });
  var q = new URLSearchParams(location.search).get('q');
  if (q) ui.triggerSearch(q);
});
</script>
"""
html, n = re.subn(r"(<main\b[^>]*>).*?(</main>)", lambda m: m.group(1) + "\n" + ui + m.group(2), html,
                  count=1, flags=re.S)
if n != 1:
    sys.exit("pagefind_page.py: no <main> in %s" % src)
html = re.sub(r"<script[^>]*search\.js[^>]*></script>\n?", "", html)
html = html.replace("</head>", '<link rel="stylesheet" href="/pagefind/pagefind-ui.css">\n</head>', 1)
Path(out).parent.mkdir(parents=True, exist_ok=True)
Path(out).write_text(html, encoding="utf-8")
