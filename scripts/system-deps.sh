#!/usr/bin/env bash
# Installs the system libraries and fonts the project needs on a Debian-like machine, only when missing:
# FriBiDi for Pillow's shaping, the Noto fonts that cover Arabic, Hebrew, Devanagari, Thai and CJK, and the Noto
# colour emoji.
set -euo pipefail
missing=()
ldconfig -p 2>/dev/null | grep -q 'libfribidi\.so\.0' || missing+=(libfribidi0)
[ -f /usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf ] || missing+=(fonts-noto-core)
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc ] || missing+=(fonts-noto-cjk)
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
command -v fc-cache >/dev/null || missing+=(fontconfig)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "missing system libraries: ${missing[*]} (install them with your package manager)" >&2
  exit 0
fi
echo "installing system libraries: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
