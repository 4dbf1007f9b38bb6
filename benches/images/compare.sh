#!/usr/bin/env bash
# Images side by side: loa, Hugo and Zola make the same outputs of the same photos (every image
# at 480, 960 and 1600 px wide, as WebP q75 and JPEG q78), cold (no cache, empty output) and
# warm (cache kept, previous output), and loa's text-only build of the same pages for the warm
# overhead. Then the quality of the 960 px copies (benches/images/quality.py).
#
# usage (from the repo root):
#   python3 benches/images/make_images.py corpus /tmp/loa-img/corpus 300   # once (Pillow, numpy)
#   LOA=target/release/loa HUGO=/path/to/hugo [ZOLA=/path/to/zola] benches/images/compare.sh [N]
#
# Environment: IMG_DIR (work folder, /tmp/loa-img, holding corpus/), RUNS (timed runs, 3),
# WARM_RUNS (extra pairs of loa warm and text-only builds in the first round, 0), SITES_ONLY
# (make the sites and stop: see warm-pairs.sh), LOA_WIDTHS (loa's widths, "480, 960, 1600":
# smaller photos with smaller widths make the same files for the warm figure, faster),
# PY (a python with Pillow, numpy and scikit-image for the quality step; python3).
# Each run: /usr/bin/time -f '%e %U %S %M' (wall s, user s, sys s, peak RSS KiB) into
# $IMG_DIR/results.tsv; the quality table into $IMG_DIR/quality.txt.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IMG_DIR=${IMG_DIR:-/tmp/loa-img}
RUNS=${RUNS:-3}
PY=${PY:-python3}
N=${1:-300}
LOA=$(realpath "${LOA:-$REPO/target/release/loa}")
HUGO=${HUGO:-hugo}
ZOLA=${ZOLA:-}
CORPUS=$IMG_DIR/corpus
mapfile -t PHOTOS < <(ls "$CORPUS"/*.jpg | head -n "$N")
N=${#PHOTOS[@]}
echo "photos: $N"

page_md() { # $1 index, $2 with image (1/0)
  printf -- '---\ntitle: Ảnh số %s\ndate: 2026-11-15\n---\nMột đoạn văn ngắn về buổi họp dân ở thôn, kèm một ảnh chụp bằng điện thoại.\n' "$1"
  if [ "$2" = 1 ]; then printf '\n![Ảnh số %s](anh.jpg)\n' "$1"; fi
}

make_sites() {
  rm -rf "$IMG_DIR/loa" "$IMG_DIR/loa-text" "$IMG_DIR/hugo" "$IMG_DIR/zola"
  for s in loa loa-text; do
    mkdir -p "$IMG_DIR/$s/content/bai-viet"
    # The widths of the peers' templates (the default theme's own are 480, 960 and 1344).
    printf 'title: Ảnh thử\nbase_url: https://thu.example.vn/\ntheme: loa\nsearch: false\nimages:\n  widths: [%s]\n' "${LOA_WIDTHS:-480, 960, 1600}" > "$IMG_DIR/$s/loa.yaml"
    printf -- '---\ntitle: Trang chủ\n---\n' > "$IMG_DIR/$s/content/_index.md"
    printf -- '---\ntitle: Bài viết\n---\n' > "$IMG_DIR/$s/content/bai-viet/_index.md"
  done
  mkdir -p "$IMG_DIR/hugo/content/bai-viet" "$IMG_DIR/hugo/layouts/_default"
  cat > "$IMG_DIR/hugo/hugo.toml" <<'TOML'
baseURL = "https://thu.example.vn/"
title = "Ảnh thử"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
TOML
  cat > "$IMG_DIR/hugo/layouts/_default/single.html" <<'HTML'
<!DOCTYPE html><html><body><h1>{{ .Title }}</h1>{{ .Content }}
{{ $img := .Resources.GetMatch "anh.jpg" }}{{ with $img }}<picture>{{ range slice 480 960 1600 }}{{ $w := $img.Resize (printf "%dx webp q75" .) }}{{ $j := $img.Resize (printf "%dx jpg q78" .) }}<img src="{{ $w.RelPermalink }}" width="{{ $w.Width }}" height="{{ $w.Height }}"><img src="{{ $j.RelPermalink }}" width="{{ $j.Width }}">{{ end }}</picture>{{ end }}
</body></html>
HTML
  printf '<!DOCTYPE html><html><body>{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</body></html>\n' > "$IMG_DIR/hugo/layouts/_default/list.html"
  cp "$IMG_DIR/hugo/layouts/_default/list.html" "$IMG_DIR/hugo/layouts/index.html"
  mkdir -p "$IMG_DIR/zola/content/bai-viet" "$IMG_DIR/zola/templates"
  cat > "$IMG_DIR/zola/config.toml" <<'TOML'
base_url = "https://thu.example.vn"
title = "Ảnh thử"
compile_sass = false
build_search_index = false
generate_feeds = false
TOML
  printf '+++\ntitle = "Bài viết"\n+++\n' > "$IMG_DIR/zola/content/bai-viet/_index.md"
  cat > "$IMG_DIR/zola/templates/page.html" <<'HTML'
<!DOCTYPE html><html><body><h1>{{ page.title }}</h1>{{ page.content | safe }}
<picture>{% for w in [480, 960, 1600] %}{% set a = resize_image(path=page.colocated_path ~ "anh.jpg", width=w, op="fit_width", format="webp", quality=75) %}{% set b = resize_image(path=page.colocated_path ~ "anh.jpg", width=w, op="fit_width", format="jpg", quality=78) %}<img src="{{ a.url }}" width="{{ a.width }}" height="{{ a.height }}"><img src="{{ b.url }}" width="{{ b.width }}">{% endfor %}</picture>
</body></html>
HTML
  printf '<!DOCTYPE html><html><body>{%% for p in section.pages %%}<a href="{{ p.permalink }}">{{ p.title }}</a>{%% endfor %%}</body></html>\n' > "$IMG_DIR/zola/templates/section.html"
  printf '<!DOCTYPE html><html><body>home</body></html>\n' > "$IMG_DIR/zola/templates/index.html"
  local i=0
  for photo in "${PHOTOS[@]}"; do
    i=$((i + 1)); local n; n=$(printf '%03d' "$i")
    for s in loa hugo zola; do
      mkdir -p "$IMG_DIR/$s/content/bai-viet/anh-$n"
      ln -f "$photo" "$IMG_DIR/$s/content/bai-viet/anh-$n/anh.jpg" 2>/dev/null || cp "$photo" "$IMG_DIR/$s/content/bai-viet/anh-$n/anh.jpg"
    done
    page_md "$n" 1 > "$IMG_DIR/loa/content/bai-viet/anh-$n/index.md"
    page_md "$n" 1 > "$IMG_DIR/hugo/content/bai-viet/anh-$n/index.md"
    page_md "$n" 0 > "$IMG_DIR/loa-text/content/bai-viet/anh-$n.md"
    { printf '+++\ntitle = "Ảnh số %s"\ndate = 2026-11-15\n+++\n' "$n"; page_md "$n" 1 | sed '1,4d'; } > "$IMG_DIR/zola/content/bai-viet/anh-$n/index.md"
  done
}

RESULTS=$IMG_DIR/results.tsv
timed() { # $1 label, rest: command (in the site folder already)
  local label=$1; shift
  sync
  if ! /usr/bin/time -o "$IMG_DIR/last.time" -f '%e %U %S %M' "$@" > /dev/null 2> "$IMG_DIR/last.err"; then
    echo "$label failed:" >&2; cat "$IMG_DIR/last.err" >&2; return 1
  fi
  printf '%s\t%s\n' "$label" "$(cat "$IMG_DIR/last.time")" | tee -a "$RESULTS"
}

make_sites
# The sites alone (for benches/images/warm-pairs.sh).
if [ -n "${SITES_ONLY:-}" ]; then exit 0; fi
: > "$RESULTS"
WARM_RUNS=${WARM_RUNS:-0}
HUGO_BIN=$HUGO
for run in $(seq 1 "$RUNS"); do
  echo "round $run"
  (cd "$IMG_DIR/loa" && rm -rf .loa-cache public && timed loa-cold "$LOA" build --root .)
  (cd "$IMG_DIR/loa" && timed loa-warm "$LOA" build --root .)
  (cd "$IMG_DIR/loa-text" && timed loa-text "$LOA" build --root .)
  if [ "$run" = 1 ]; then
    # The warm overhead, measured apart (and before the peers' long cold builds): WARM_RUNS
    # pairs of a warm build (cache kept, previous output) and the text-only build, back to
    # back, so that both share the machine's load; then one warm build's stage times.
    for pair in $(seq 1 "$WARM_RUNS"); do
      (cd "$IMG_DIR/loa" && timed loa-warm-pair "$LOA" build --root .)
      (cd "$IMG_DIR/loa-text" && timed loa-text-pair "$LOA" build --root .)
    done
    (cd "$IMG_DIR/loa" && "$LOA" build --root . --verbose > "$IMG_DIR/loa-warm-verbose.txt" 2>&1) || true
  fi
  (cd "$IMG_DIR/hugo" && rm -rf resources public && timed hugo-cold "$HUGO_BIN" --quiet)
  (cd "$IMG_DIR/hugo" && timed hugo-warm "$HUGO_BIN" --quiet)
  if [ -n "$ZOLA" ]; then
    (cd "$IMG_DIR/zola" && rm -rf static/processed_images public && timed zola-cold "$ZOLA" build)
    (cd "$IMG_DIR/zola" && timed zola-warm "$ZOLA" build)
  fi
done
"$PY" "$REPO/benches/images/quality.py" "$IMG_DIR" $(( N < 10 ? N : 10 )) | tee "$IMG_DIR/quality.txt"
