#!/usr/bin/env bash
# Renders report.html in headless Chromium, with no network, and checks the
# screenshot: the expected size and more than a handful of colours (a blank
# or failed page has one or two).
#
# Usage: scripts/check_report_html.sh [REPORT_HTML] [SCREENSHOT_PNG]
# Without arguments it runs the CDNOW example first and checks its report.
# Installs Debian's chromium and imagemagick when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

WIDTH=1400
HEIGHT=5200
MIN_COLOURS=50

html=${1:-}
png=${2:-out/screenshots/report.png}
if [[ -z "$html" ]]; then
    cargo run --release --locked --quiet -- --quiet run config/cdnow.toml --out out/cdnow
    html=out/cdnow/report.html
fi
[[ -f "$html" ]] || { echo "error: $html not found" >&2; exit 1; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v identify >/dev/null || missing+=(imagemagick)
if ((${#missing[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

mkdir -p "$(dirname "$png")"
rm -f "$png"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

# A new network namespace has no interface but a down loopback, so the page
# cannot fetch anything even if it tried.
no_network=()
if unshare --net true 2>/dev/null; then
    no_network=(unshare --net)
fi
"${no_network[@]}" chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" \
    --window-size="$WIDTH,$HEIGHT" --screenshot="$png" "file://$(realpath "$html")" 2>/dev/null

[[ -s "$png" ]] || { echo "error: chromium wrote no screenshot $png" >&2; exit 1; }
read -r width height colours < <(identify -format '%w %h %k\n' "$png")
if [[ "$width" != "$WIDTH" || "$height" != "$HEIGHT" ]]; then
    echo "error: screenshot $png is ${width}x${height}, expected ${WIDTH}x${HEIGHT}" >&2
    exit 1
fi
if ((colours < MIN_COLOURS)); then
    echo "error: screenshot $png has $colours colours, expected at least $MIN_COLOURS: the page looks blank" >&2
    exit 1
fi
echo "report.html screenshot OK: $png, ${width}x${height}, $colours colours"
