#!/usr/bin/env bash
# What the search index costs a build: loa on the gen_corpus.py site (loa flavor, the
# repository's theme) with the default `search: true` against the same site with
# `search: false`, into the previous output and into an empty folder.
#
# usage (from the repo root):  benches/search_cost.sh [N_ARTICLES]          default: 10000
#
# Environment:
#   BENCH_DIR  work folder: corpora, outputs, raw results            (/tmp/loa-search-cost)
#   RUNS       timed runs per variant, after one warm-up round       (5)
#   LOA        the loa binary to time; unset: `cargo build --release` and target/release/loa
#              (CARGO_TARGET_DIR is honoured)
#   LOA_OTHER  another loa binary (e.g. an earlier revision's release build), timed in the same
#              rounds as variants other-…, for a before/after comparison
#
# Method (as benches/compare.sh): every round runs the four variants once, in an order rotated
# by one place each round; round 0 is a warm-up and is not recorded; `sync` (untimed) before
# each run; /usr/bin/time -f '%e %U %S %M' (wall, user, sys, peak RSS). "empty": the previous
# output is moved (untimed) into $BENCH_DIR/trash, deleted at exit, not removed right before the
# run (ext4 slows the creation of inodes right after a deletion; BENCHMARKS.md).
# Prints the medians and the share of the time `search: false` saves; raw rows go to
# $BENCH_DIR/search-cost-N.tsv.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
N=${1:-10000}
RUNS=${RUNS:-5}
BENCH_DIR=${BENCH_DIR:-/tmp/loa-search-cost}
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
trap 'rm -rf "$BENCH_DIR/trash"' EXIT

if [[ -z "${LOA:-}" ]]; then
    cargo build --release --bin loa >&2
    LOA="${CARGO_TARGET_DIR:-$REPO/target}/release/loa"
fi
LOA=$(realpath "$LOA")

on="$BENCH_DIR/c$N"
off="$BENCH_DIR/c$N-nosearch"
if [[ ! -f "$on/loa.yaml" ]]; then
    python3 benches/gen_corpus.py --articles "$N" --out "$on" --flavor loa --theme-from themes/loa --force >&2
fi
rm -rf "$off"
mkdir -p "$off"
cp -a "$on/content" "$on/themes" "$off/"
{ cat "$on/loa.yaml"; echo "search: false"; } >"$off/loa.yaml"

variants=(search-prev nosearch-prev search-empty nosearch-empty)
if [[ -n "${LOA_OTHER:-}" ]]; then
    LOA_OTHER=$(realpath "$LOA_OTHER")
    variants+=(other-search-prev other-nosearch-prev other-search-empty other-nosearch-empty)
fi
out="$BENCH_DIR/search-cost-$N.tsv"
printf 'round\tvariant\twall\tuser\tsys\tmaxrss_kib\tfiles\n' >"$out"

run() { # variant round
    local v=$1 round=$2 root out_dir bin=$LOA
    case $v in
        other-*) bin=$LOA_OTHER ;;
    esac
    case ${v#other-} in
        search-*) root=$on ;;
        *) root=$off ;;
    esac
    out_dir="$BENCH_DIR/out-$v"
    if [[ $v == *-empty && -d $out_dir ]]; then
        mkdir -p "$BENCH_DIR/trash"
        mv "$out_dir" "$BENCH_DIR/trash/$v-$round-$RANDOM"
    fi
    sync
    local t
    /usr/bin/time -o "$BENCH_DIR/time.txt" -f '%e %U %S %M' "$bin" build --root "$root" --output-dir "$out_dir" >/dev/null 2>&1
    t=$(tail -1 "$BENCH_DIR/time.txt")
    local files
    files=$(find "$out_dir" -type f | wc -l)
    if ((round > 0)); then
        read -r wall user sys rss <<<"$t"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$v" "$wall" "$user" "$sys" "$rss" "$files" >>"$out"
    fi
}

for ((round = 0; round <= RUNS; round++)); do
    for ((k = 0; k < ${#variants[@]}; k++)); do
        run "${variants[(k + round) % ${#variants[@]}]}" "$round"
    done
done

python3 - "$out" "$N" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
med = {}
for v in dict.fromkeys(x["variant"] for x in sorted(rows, key=lambda x: x["variant"].startswith("other-"))):
    r = [x for x in rows if x["variant"] == v]
    med[v] = {k: statistics.median(float(x[k]) for x in r) for k in ("wall", "user", "sys", "maxrss_kib")}
    med[v]["files"] = r[0]["files"]
    med[v]["walls"] = sorted(float(x["wall"]) for x in r)
print(f"{sys.argv[2]} articles, {len([x for x in rows if x['variant'] == 'search-prev'])} timed runs per variant (medians)")
print("| variant | wall (s) | CPU user+sys (s) | peak RSS (MiB) | files written | wall, all runs |")
print("|---|---:|---:|---:|---:|---|")
for v, m in med.items():
    print(f"| {v} | {m['wall']:.2f} | {m['user'] + m['sys']:.2f} | {m['maxrss_kib'] / 1024:.0f} | {m['files']} | {' '.join(f'{w:.2f}' for w in m['walls'])} |")
for who in ("", "other-"):
    for mode in ("prev", "empty"):
        if f"{who}search-{mode}" not in med:
            continue
        on, off = med[f"{who}search-{mode}"], med[f"{who}nosearch-{mode}"]
        wall = 1 - off["wall"] / on["wall"]
        cpu = 1 - (off["user"] + off["sys"]) / (on["user"] + on["sys"])
        where = "the previous output" if mode == "prev" else "an empty folder"
        print(f"{who or 'LOA '}search: false saves {wall:.0%} of the wall time and {cpu:.0%} of the CPU time into {where}")
EOF
