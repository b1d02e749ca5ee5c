#!/usr/bin/env bash
# What the tests need beside Python packages: a real browser (Debian chromium, never downloaded by a test tool),
# redis-server (tests start their own on a free port),
# Tesseract with the world example's language packs, and the local PostgreSQL server running. Installs or starts them when it can; tests skip what is missing.
set -u
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing chromium for the gallery browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
      || echo "chromium could not be installed; the browser tests will skip"
  else
    echo "chromium is not installed; the browser tests will skip"
  fi
fi
if ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing redis-server for the worker tests (each test starts its own on a free port)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null \
      || echo "redis-server could not be installed; the worker tests will skip"
  fi
fi
# Debian's Tesseract and the language packs of the world example, for the OCR read-back of its headlines.
ocr_langs=" $(tesseract --list-langs 2>/dev/null | tr '\n' ' ') " ocr_packs=""
for lang in eng deu fra ara heb hin tha jpn chi_sim kor; do
  [[ "$ocr_langs" == *" $lang "* ]] || ocr_packs="$ocr_packs tesseract-ocr-${lang//_/-}"
done
if ! command -v tesseract >/dev/null || [ -n "$ocr_packs" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing tesseract-ocr and its language packs for the OCR read-back test"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr $ocr_packs >/dev/null \
      || echo "tesseract-ocr could not be installed; the OCR read-back test will skip"
  else
    echo "tesseract-ocr or a language pack is missing; the OCR read-back test will skip"
  fi
fi
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432 && [ -d /etc/postgresql ] \
  && [ "$(id -u)" -eq 0 ]; then
  version=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 \
    && echo "started PostgreSQL $version" || echo "PostgreSQL $version could not be started; its test will skip"
fi
exit 0
