#!/usr/bin/env bash
# Installs Debian's chromium package for the browser tests (tests/browser) when it is missing and
# this user may: as root, or with passwordless sudo. Otherwise it says why and exits 0: the browser
# tests are then skipped with that reason (under CI=true they fail instead: tests/browser/conftest.py).
# Playwright's own browser download is not used: Debian's build is the one these tests drive.
set -uo pipefail
CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "browser tests: $CHROMIUM is missing and there is no apt-get here; they will be skipped" >&2
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "browser tests: $CHROMIUM is missing and this user may not install it (not root, no" \
       "passwordless sudo); they will be skipped. To run them: sudo apt-get install chromium" >&2
  exit 0
fi
echo "browser tests: $CHROMIUM is missing; installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get install -y -qq chromium >/dev/null; then
  # A fresh machine may not have the package lists yet.
  "${SUDO[@]}" apt-get update -qq && "${SUDO[@]}" apt-get install -y -qq chromium >/dev/null
fi
if [ -x "$CHROMIUM" ]; then
  echo "browser tests: $("$CHROMIUM" --version 2>/dev/null)"
else
  echo "browser tests: installing chromium failed; they will be skipped" >&2
fi
exit 0
