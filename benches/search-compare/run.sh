#!/usr/bin/env bash
# Side-by-side comparison of loa's built-in search and Pagefind on the same built sites
# (issue 24, "Search: keep the lead over Pagefind"). See benches/search-compare/README.md and
# BENCHMARKS.md, "Search side by side with Pagefind".
#
# usage (from anywhere):  benches/search-compare/run.sh LOA_BINARY OUTDIR
#
# Sites: the repository's real site (content/, loa.yaml, themes/) and the 10,000-article corpus
# of benches/gen_corpus.py (loa flavor, with themes/loa), each built by LOA_BINARY twice: with
# search (served to loa's page) and with `search: false` (the site Pagefind indexes, as a site
# using Pagefind instead would be deployed). Pagefind (benches/search-compare/package.json,
# its platform binary run directly) indexes a copy of the latter twice: with its defaults
# (`pagefind --site DIR`: engine "pagefind": every HTML page, the whole <body>) and tuned to
# index what loa indexes (engine "pagefind-tuned": `--glob` of the pages in loa's index, from
# pages_glob.py, and `--root-selector main`, not the header and footer every page repeats).
# Its default UI is put on /tim-kiem/ of those copies (pagefind_page.py), in loa's page shell.
#
# Environment:
#   WORK        work folder (sites, builds, servers' roots)           (/tmp/loa-search-compare)
#   RUNS        cold-cache browser rounds per query and engine        (3)
#   INDEX_RUNS  timed index rounds per site, after one warm-up build  (3)
#   PORT        first of three local ports                             (18460)
#   LOA_CHROMIUM  the Chromium binary                                  (/usr/bin/chromium)
#   SITE_REPO   the checkout whose content/, loa.yaml and themes/ make the real site, and whose
#               themes/loa the generated corpus uses                   (this repository)
#               The theme carries search.js, so it must be of the same revision as the binary:
#               run from a checkout of that revision, or point SITE_REPO at one (`git worktree
#               add` or a `git archive` export).
#
# Writes into OUTDIR: judged.json (the judgments), index.tsv (indexing time and memory, each
# run), measure-<site>.jsonl (each browser measurement), axe-<site>.json, per-query.tsv,
# summary.md (the tables), versions.txt and commands.txt.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SITE_REPO=$(cd "${SITE_REPO:-$REPO}" && pwd)
[[ $# -eq 2 ]] || { echo "usage: $0 LOA_BINARY OUTDIR" >&2; exit 2; }
LOA_IN=$1
OUTDIR=$2
WORK=${WORK:-/tmp/loa-search-compare}
RUNS=${RUNS:-3}
INDEX_RUNS=${INDEX_RUNS:-3}
PORT=${PORT:-18460}
CHROMIUM=${LOA_CHROMIUM:-/usr/bin/chromium}
export LOA_CHROMIUM=$CHROMIUM

log() { printf '[search-compare] %s\n' "$*" >&2; }

[[ -x "$LOA_IN" ]] || { log "no loa binary at $LOA_IN"; exit 1; }
[[ -x "$CHROMIUM" ]] || { log "no Chromium at $CHROMIUM (apt-get install -y chromium)"; exit 1; }
command -v node >/dev/null || { log "node is needed"; exit 1; }
if [[ ! -x /usr/bin/time ]]; then
    log "installing Debian's time (for /usr/bin/time)"
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
if [[ ! -d "$HERE/node_modules/pagefind" || ! -d "$HERE/node_modules/playwright-core" ]]; then
    log "npm ci in $HERE (pagefind, playwright-core, axe-core, as pinned in package-lock.json)"
    (cd "$HERE" && npm ci --ignore-scripts --no-audit --no-fund >&2)
fi
PAGEFIND=$(ls "$HERE"/node_modules/@pagefind/*/bin/pagefind_extended 2>/dev/null | head -n1 || true)
[[ -x "$PAGEFIND" ]] || PAGEFIND=$(ls "$HERE"/node_modules/@pagefind/*/bin/pagefind 2>/dev/null | head -n1 || true)
[[ -x "$PAGEFIND" ]] || { log "no Pagefind binary under $HERE/node_modules/@pagefind/"; exit 1; }

mkdir -p "$WORK" "$OUTDIR"
WORK=$(cd "$WORK" && pwd)
OUTDIR=$(cd "$OUTDIR" && pwd)
# The binary is copied, so a rebuild of the target folder during the run changes nothing.
mkdir -p "$WORK/bin"
cp "$LOA_IN" "$WORK/bin/loa"
LOA="$WORK/bin/loa"

{
    echo "loa        $("$LOA" --version) ($LOA_IN, sha256 $(sha256sum "$LOA" | cut -c1-12)); this checkout: $(git -C "$REPO" rev-parse --short HEAD), src/ themes/ Cargo.* last changed in $(git -C "$REPO" log -1 --format=%h -- src themes Cargo.toml Cargo.lock)$( [[ -z $(git -C "$REPO" status --porcelain -- src themes Cargo.toml Cargo.lock) ]] || echo ' +uncommitted changes')"
    echo "site       content/, loa.yaml, themes/ from $SITE_REPO$( [[ -d "$SITE_REPO/.git" || -f "$SITE_REPO/.git" ]] && echo " at $(git -C "$SITE_REPO" rev-parse --short HEAD)")"
    echo "pagefind   $("$PAGEFIND" --version) ($PAGEFIND, npm package pagefind $(node -p "require('$HERE/node_modules/pagefind/package.json').version"))"
    echo "chromium   $("$CHROMIUM" --version 2>/dev/null | head -n1)"
    echo "node       $(node --version); playwright-core $(node -p "require('$HERE/node_modules/playwright-core/package.json').version"); axe-core $(node -p "require('$HERE/node_modules/axe-core/package.json').version")"
    echo "machine    $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB; load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "date       $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "settings   RUNS=$RUNS INDEX_RUNS=$INDEX_RUNS"
} >"$OUTDIR/versions.txt"
cat "$OUTDIR/versions.txt" >&2
: >"$OUTDIR/commands.txt"
cmd() { echo "$*" >>"$OUTDIR/commands.txt"; }

# ---------------------------------------------------------------------------------------------
# Sites: a snapshot of the real site and the generated corpus, each with a search-off twin.
# ---------------------------------------------------------------------------------------------
SRC=$WORK/src
OUT=$WORK/out
mkdir -p "$SRC" "$OUT"
rm -rf "$SRC/real" "$SRC/real-nosearch"
mkdir -p "$SRC/real"
cp -r "$SITE_REPO/content" "$SITE_REPO/themes" "$SITE_REPO/loa.yaml" "$SRC/real/"
log "generating the 10,000-article corpus"
python3 "$REPO/benches/gen_corpus.py" --articles 10000 --out "$SRC/10k" --flavor loa \
    --theme-from "$SITE_REPO/themes/loa" --force
cmd "python3 benches/gen_corpus.py --articles 10000 --out $SRC/10k --flavor loa --theme-from $SITE_REPO/themes/loa --force"
for site in real 10k; do
    rm -rf "$SRC/$site-nosearch"
    mkdir -p "$SRC/$site-nosearch"
    { cat "$SRC/$site/loa.yaml"; echo "search: false"; } >"$SRC/$site-nosearch/loa.yaml"
    ln -s "$SRC/$site/content" "$SRC/$site-nosearch/content"
    ln -s "$SRC/$site/themes" "$SRC/$site-nosearch/themes"
done

# ---------------------------------------------------------------------------------------------
# Indexing time and memory: loa with search minus loa without, against Pagefind.
# ---------------------------------------------------------------------------------------------
echo -e "site\tround\tvariant\twall_s\tuser_s\tsys_s\tmax_rss_kb" >"$OUTDIR/index.tsv"
timed() {  # timed SITE ROUND VARIANT COMMAND...: one run under /usr/bin/time -v
    local site=$1 round=$2 variant=$3
    shift 3
    sync
    /usr/bin/time -v -o "$WORK/time.out" "$@" >"$WORK/log-$site-$variant.txt" 2>&1 || {
        log "failed: $*"; cat "$WORK/log-$site-$variant.txt" "$WORK/time.out" >&2; exit 1; }
    awk -v pre="$site\t$round\t$variant" -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, a, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + a[i] }
        /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
        END { printf "%s\t%.2f\t%s\t%s\t%s\n", pre, w, u, s, m }' "$WORK/time.out" >>"$OUTDIR/index.tsv"
}
for site in real 10k; do
    log "$site: warm-up builds"
    "$LOA" build --root "$SRC/$site" --output-dir "$OUT/$site-loa" --force >/dev/null 2>&1
    "$LOA" build --root "$SRC/$site-nosearch" --output-dir "$OUT/$site-nos" --force >/dev/null 2>&1
    cmd "$LOA build --root $SRC/$site --output-dir $OUT/$site-loa"
    cmd "$LOA build --root $SRC/$site-nosearch --output-dir $OUT/$site-nos"
    for v in pagefind pagefind-tuned; do
        rm -rf "$OUT/$site-$v"
        cp -a "$OUT/$site-nos" "$OUT/$site-$v"
    done
    cmd "$PAGEFIND --site $OUT/$site-pagefind"
    GLOB=$(python3 "$HERE/pages_glob.py" "$OUT/$site-loa")
    cmd "$PAGEFIND --site $OUT/$site-pagefind-tuned --root-selector main --glob '$GLOB'"
    variants=(loa-search loa-nosearch pagefind pagefind-tuned)
    for ((r = 1; r <= INDEX_RUNS; r++)); do
        log "$site: index round $r/$INDEX_RUNS"
        for ((k = 0; k < ${#variants[@]}; k++)); do
            v=${variants[$(((k + r) % ${#variants[@]}))]}
            case $v in
                loa-search) timed "$site" "$r" "$v" "$LOA" build --root "$SRC/$site" --output-dir "$OUT/$site-loa" ;;
                loa-nosearch) timed "$site" "$r" "$v" "$LOA" build --root "$SRC/$site-nosearch" --output-dir "$OUT/$site-nos" ;;
                pagefind)
                    rm -rf "$OUT/$site-pagefind/pagefind"
                    timed "$site" "$r" "$v" "$PAGEFIND" --site "$OUT/$site-pagefind" ;;
                pagefind-tuned)
                    rm -rf "$OUT/$site-pagefind-tuned/pagefind"
                    timed "$site" "$r" "$v" "$PAGEFIND" --site "$OUT/$site-pagefind-tuned" --root-selector main --glob "$GLOB" ;;
            esac
        done
    done
    # What each tool printed in its last timed run (pages and words indexed).
    for v in "${variants[@]}"; do cp "$WORK/log-$site-$v.txt" "$OUTDIR/log-$site-$v.txt"; done
    # Pagefind's search page, at /tim-kiem/ like loa's (added after indexing: not indexed).
    for v in pagefind pagefind-tuned; do
        python3 "$HERE/pagefind_page.py" "$OUT/$site-loa/tim-kiem/index.html" "$OUT/$site-$v/tim-kiem/index.html"
    done
    echo -e "$site\tfiles\tloa-search\t$(find "$OUT/$site-loa/tim-kiem/index" -type f | wc -l)\t$(du -sb "$OUT/$site-loa/tim-kiem/index" | cut -f1)" >>"$OUTDIR/index-size.tsv.tmp"
    for v in pagefind pagefind-tuned; do
        echo -e "$site\tfiles\t$v\t$(find "$OUT/$site-$v/pagefind" -type f | wc -l)\t$(du -sb "$OUT/$site-$v/pagefind" | cut -f1)" >>"$OUTDIR/index-size.tsv.tmp"
    done
done
{ echo -e "site\t-\tvariant\tfiles\tbytes"; cat "$OUTDIR/index-size.tsv.tmp"; } >"$OUTDIR/index-size.tsv"
rm -f "$OUTDIR/index-size.tsv.tmp"

# ---------------------------------------------------------------------------------------------
# Judgments (written before either engine ran; the 10k ones by the rule of judge.py).
# ---------------------------------------------------------------------------------------------
python3 "$HERE/judge.py" "$HERE/queries.tsv" "$SRC/10k" "$OUTDIR/judged.json" "$OUT/real-loa"
cmd "python3 benches/search-compare/judge.py benches/search-compare/queries.tsv $SRC/10k $OUTDIR/judged.json $OUT/real-loa"

# ---------------------------------------------------------------------------------------------
# Browser: servers, measurements, accessibility.
# ---------------------------------------------------------------------------------------------
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
for site in real 10k; do
    ports=("$PORT" "$((PORT + 1))" "$((PORT + 2))")
    roots=("$OUT/$site-loa" "$OUT/$site-pagefind" "$OUT/$site-pagefind-tuned")
    for i in 0 1 2; do
        node "$HERE/server.mjs" "${roots[$i]}" "${ports[$i]}" 2>/dev/null &
        PIDS+=($!)
    done
    for i in 0 1 2; do
        for _ in $(seq 50); do
            curl -fs -o /dev/null "http://127.0.0.1:${ports[$i]}/" && break
            sleep 0.1
        done
    done
    python3 - "$OUTDIR/judged.json" "$WORK/browse-$site.json" "$site" "$RUNS" "$WORK/browse-out-$site" \
        "${ports[@]}" "${roots[@]}" <<'EOF'
import json, sys
judged, cfgp, site, runs, out = sys.argv[1:6]
ports, roots = sys.argv[6:9], sys.argv[9:12]
q = json.load(open(judged, encoding="utf-8"))["queries"]
names, kinds = ["loa", "pagefind", "pagefind-tuned"], ["loa", "pagefind", "pagefind"]
cfg = {"site": site, "runs": int(runs), "out": out, "axe_query": "khuyen hoc",
       "queries": [{"id": x["id"], "query": x["query"]} for x in q],
       "engines": {n: {"kind": k, "base": "http://127.0.0.1:%s" % p, "root": r}
                   for n, k, p, r in zip(names, kinds, ports, roots)}}
json.dump(cfg, open(cfgp, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
EOF
    log "$site: browser measurements ($RUNS rounds of 36 queries x 3 engines)"
    node "$HERE/browse.mjs" "$WORK/browse-$site.json"
    cp "$WORK/browse-out-$site/measure.jsonl" "$OUTDIR/measure-$site.jsonl"
    cp "$WORK/browse-out-$site/axe.json" "$OUTDIR/axe-$site.json"
    cleanup
    PIDS=()
done
cmd "node benches/search-compare/browse.mjs $WORK/browse-{real,10k}.json   # servers: node benches/search-compare/server.mjs ROOT PORT"

# ---------------------------------------------------------------------------------------------
# Scores and tables.
# ---------------------------------------------------------------------------------------------
python3 "$HERE/score.py" "$OUTDIR"
cmd "python3 benches/search-compare/score.py $OUTDIR"
log "done: $OUTDIR/summary.md"
cat "$OUTDIR/summary.md"
