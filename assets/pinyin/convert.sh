#!/usr/bin/env bash
# convert.sh — regenerate pinyin.tsv in this directory from Debian's
# rime-data-pinyin-simp package (Apache-2.0, derived from the Android Pinyin
# IME). Keeps the entries whose every character is in GB2312 (what the kiosk's
# font and printer can show) and whose weight is above zero; writes one entry a
# line: text, syllables separated by spaces, weight — sorted by syllables, then
# by weight, heaviest first. Also copies the licence.
#
# Needs: apt-get (to download the package without installing it), dpkg-deb and
# python3. The output is committed, so the build never needs this script.
#
# Usage:  assets/pinyin/convert.sh
set -euo pipefail

OUT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
apt-get download rime-data-pinyin-simp >/dev/null
dpkg-deb -x rime-data-pinyin-simp_*.deb x
DICT=x/usr/share/rime-data/pinyin_simp.dict.yaml
VERSION="$(dpkg-deb -f rime-data-pinyin-simp_*.deb Version)"

python3 - "$DICT" "$OUT_DIR/pinyin.tsv" <<'PY'
import sys
src, dst = sys.argv[1], sys.argv[2]
entries = []
body = False
for line in open(src, encoding="utf-8"):
    line = line.rstrip("\n")
    if line == "...":
        body = True
        continue
    if not body or not line or line.startswith("#"):
        continue
    parts = line.split("\t")
    if len(parts) != 3:
        continue
    text, pinyin, weight = parts
    try:
        weight = int(weight)
        text.encode("gb2312")
    except (ValueError, UnicodeEncodeError):
        continue
    if weight <= 0 or not all("a" <= c <= "z" or c == " " for c in pinyin):
        continue
    entries.append((pinyin, -weight, text))
entries.sort()
with open(dst, "w", encoding="utf-8") as f:
    for pinyin, weight, text in entries:
        f.write(f"{text}\t{pinyin}\t{-weight}\n")
print(f"{len(entries)} entries")
PY
cp /usr/share/common-licenses/Apache-2.0 "$OUT_DIR/LICENSE-Apache-2.0.txt"
echo "rime-data-pinyin-simp $VERSION" > "$OUT_DIR/SOURCE"
