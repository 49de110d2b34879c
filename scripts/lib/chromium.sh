# shellcheck shell=bash
# Headless Chromium for the browser tests (test/e2e/browser/): Debian's `chromium` package,
# driven by the npm package playwright-core with executablePath /usr/bin/chromium (no browser
# download from the internet). The version is Debian's (156 on bookworm when this was written);
# playwright-core speaks CDP, which is stable across these versions. Nothing runs in the
# background: each test launches and closes its own browser.

CHROMIUM_BIN=${SNF_CHROMIUM:-/usr/bin/chromium}

chromium_version() { "$CHROMIUM_BIN" --version 2>/dev/null | sed -n '1s/^Chromium \([^ ]*\).*/\1/p'; }

chromium_up() {
  if [[ -x $CHROMIUM_BIN ]]; then
    say "chromium: $(chromium_version) installed"
    return 0
  fi
  say "chromium: not found at $CHROMIUM_BIN, installing Debian package chromium…"
  apt_install chromium
  [[ -x $CHROMIUM_BIN ]] || die "chromium: $CHROMIUM_BIN still missing after installing the package"
  say "chromium: $(chromium_version) installed"
}

chromium_status() {
  if [[ -x $CHROMIUM_BIN ]]; then
    say "chromium: $(chromium_version) installed (browser tests launch their own)"
  else
    say "chromium: not installed"
    return 1
  fi
}
