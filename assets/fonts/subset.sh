#!/usr/bin/env bash
# subset.sh — regenerate the embedded CJK font subsets in this directory.
#
# Produces NotoSansCJKsc-Regular-subset.otf and NotoSansCJKsc-Bold-subset.otf
# (family "Noto Sans CJK SC") from Debian's fonts-noto-cjk .ttc collections,
# keeping only: printable ASCII + all of GB2312 (symbol rows + both hanzi
# levels) + a few extra UI punctuation/symbols. Also writes LICENSE-OFL.txt.
#
# Needs: python3 with `pip install fonttools` (provides pyftsubset) and
#        Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk).
# The outputs are committed to the repo, so the build never needs this script;
# run it only to change the character set or update the source fonts.
#
# Usage:  assets/fonts/subset.sh        (env NOTO_CJK_DIR overrides font dir)
set -euo pipefail

OUT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC_DIR="${NOTO_CJK_DIR:-/usr/share/fonts/opentype/noto}"
DEB_COPYRIGHT="/usr/share/doc/fonts-noto-cjk/copyright"
FAMILY="Noto Sans CJK SC"

command -v python3 >/dev/null || { echo "error: python3 not found" >&2; exit 1; }
python3 -c 'import fontTools' 2>/dev/null || { echo "error: fontTools missing: pip install fonttools" >&2; exit 1; }
command -v pyftsubset >/dev/null || { echo "error: pyftsubset missing: pip install fonttools" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# --- 1. character list --------------------------------------------------------
python3 - "$TMP/unicodes.txt" <<'PY'
import sys
chars = {chr(c) for c in range(0x20, 0x7F)}              # printable ASCII
for hi in range(0xA1, 0xF8):                              # every 2-byte GB2312 code
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
# Extras. Note: Python's gb2312 codec maps A1A4 -> U+30FB and A1AA -> U+2015,
# so U+00B7 '·' and U+2014 '—' only arrive via this list.
chars |= set("￥·—“”‘’…、。，：；！？（）《》【】←→↑↓○●★☆□■△▲♿✓✕×÷°℃№—")
with open(sys.argv[1], "w") as f:
    f.write("".join("U+%04X\n" % ord(c) for c in sorted(chars)))
print(f"charset: {len(chars)} code points")
PY

# --- 2. subset each weight ----------------------------------------------------
# Options chosen by measurement (fontTools 4.68, Regular):
#   --no-hinting            -276 KB (CFF stem hints are useless for our renderers)
#   --desubroutinize        +18 KB raw (only smaller after gzip) -> not used
#   --layout-features=ccmp  only ccmp kept (+14 KB): joins "——"/"――" into one
#                           continuous dash. locl would pull in ~5800 JP/KR/TC
#                           glyph variants (+1.2 MB); kern/vert/palt etc. dropped.
#   vertical-writing tables (vhea, vmtx, VORG) and BASE dropped.
#   name IDs 0-6 (copyright, family, style, ids, version, PS name) + 13/14
#   (licence text and URL, keeps the OFL notice inside the font).
for style in Regular Bold; do
    src="$SRC_DIR/NotoSansCJK-$style.ttc"
    [[ -f "$src" ]] || { echo "error: $src not found (apt-get install fonts-noto-cjk)" >&2; exit 1; }
    # The .ttc holds JP/KR/SC/TC/HK and Mono faces: find the "Noto Sans CJK SC" one.
    idx="$(python3 - "$src" "$FAMILY" "$style" <<'PY'
import sys
from fontTools.ttLib import TTCollection
src, family, style = sys.argv[1:4]
for i, font in enumerate(TTCollection(src, lazy=True).fonts):
    name = font["name"]
    if name.getDebugName(1) == family and name.getDebugName(2) == style:
        print(i)
        break
else:
    sys.exit(f"error: no face '{family} {style}' in {src}")
PY
)"
    out="$OUT_DIR/NotoSansCJKsc-$style-subset.otf"
    echo "subsetting $src (font number $idx) -> $(basename "$out")"
    pyftsubset "$src" \
        --font-number="$idx" \
        --unicodes-file="$TMP/unicodes.txt" \
        --layout-features=ccmp \
        --no-hinting \
        --drop-tables+=BASE,VORG,vhea,vmtx,DSIG \
        --name-IDs=0,1,2,3,4,5,6,13,14 \
        --notdef-outline \
        --output-file="$out"

    python3 - "$out" "$TMP/unicodes.txt" <<'PY'
import os, sys
from fontTools.ttLib import TTFont
out, ulist = sys.argv[1:3]
f = TTFont(out)
cmap = f.getBestCmap()
want = [int(l[2:], 16) for l in open(ulist) if l.strip()]
missing = [chr(u) + " U+%04X" % u for u in want if u not in cmap]
print(f"  {os.path.getsize(out)} bytes, {len(f.getGlyphOrder())} glyphs, "
      f"family '{f['name'].getDebugName(1)}' style '{f['name'].getDebugName(2)}'")
if missing:
    print("  not in source font (no glyph):", ", ".join(missing))
PY
done

# --- 3. licence -----------------------------------------------------------------
# Copyright line as in upstream noto-cjk's LICENSE (the fonts' own name ID 0 reads
# "© 2014-2021 Adobe (http://www.adobe.com/)."); licence body taken verbatim from
# the "License: SIL-1.1" stanza of Debian's copyright file.
[[ -f "$DEB_COPYRIGHT" ]] || { echo "error: $DEB_COPYRIGHT not found" >&2; exit 1; }
{
    echo "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'."
    echo
    awk '
        # the stand-alone licence paragraph (not the "Files: *" reference to it)
        /^License: SIL-1.1$/ && prev == "" { on = 1; next }
        on && !/^ /          { exit }
        on { sub(/^ /, ""); if ($0 == ".") $0 = ""; print }
        { prev = $0 }
    ' "$DEB_COPYRIGHT"
} > "$OUT_DIR/LICENSE-OFL.txt"
grep -q "SIL OPEN FONT LICENSE Version 1.1" "$OUT_DIR/LICENSE-OFL.txt" \
    || { echo "error: could not extract OFL text from $DEB_COPYRIGHT" >&2; exit 1; }
echo "wrote $OUT_DIR/LICENSE-OFL.txt"
