#!/usr/bin/env bash
# What the tests need beside Python packages: a real browser (Debian chromium, never downloaded by a test tool),
# redis-server (tests start their own on a free port) and the local PostgreSQL server running. Installs or starts them when it can; tests skip what is missing.
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
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432 && [ -d /etc/postgresql ] \
  && [ "$(id -u)" -eq 0 ]; then
  version=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 \
    && echo "started PostgreSQL $version" || echo "PostgreSQL $version could not be started; its test will skip"
fi
exit 0
