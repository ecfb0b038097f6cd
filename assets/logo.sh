#!/bin/sh
# Draws assets/logo.png, the station logo stored in the ticket printer's memory:
# 320×88 dots, one bit a dot. Needs ImageMagick; run from the repository root.
set -eu
convert -size 320x88 xc:white \
  -fill none -stroke black -strokewidth 6 -draw "roundrectangle 4,4 315,83 16,16" \
  -stroke none -fill black -draw "circle 50,44 50,16" \
  -fill white -draw "circle 50,44 50,24" \
  -fill black -draw "rectangle 46,30 54,58" -draw "rectangle 36,40 64,48" \
  -font assets/fonts/NotoSansCJKsc-Bold-subset.otf -pointsize 36 -annotate +90+54 "便民服务站" \
  -font assets/fonts/NotoSansCJKsc-Regular-subset.otf -pointsize 14 -annotate +92+74 "COMMUNITY SERVICE STATION" \
  -threshold 50% -type bilevel assets/logo.png
