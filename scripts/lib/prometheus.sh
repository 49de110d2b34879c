# shellcheck shell=bash
# Prometheus and promtool for the metrics tests: Debian's `prometheus` package (2.42 on
# bookworm), which brings both binaries and does not start a service by itself. Tests start
# their own short-lived Prometheus on a free port (test/helpers/prometheus.ts); nothing here
# runs in the background.

prometheus_up() {
  if command -v prometheus >/dev/null && command -v promtool >/dev/null; then
    say "prometheus: $(prometheus_version) installed"
    return 0
  fi
  say "prometheus: not found, installing Debian package prometheus…"
  apt_install prometheus
  command -v prometheus >/dev/null && command -v promtool >/dev/null ||
    die "prometheus: prometheus/promtool still missing after installing the package"
  # Some images start the packaged service from the postinst; tests use their own instance.
  say "prometheus: $(prometheus_version) installed"
}

prometheus_version() { prometheus --version 2>&1 | sed -n '1s/^prometheus, version \([^ ]*\).*/\1/p'; }

prometheus_status() {
  if command -v prometheus >/dev/null && command -v promtool >/dev/null; then
    say "prometheus: $(prometheus_version) installed (tests start their own)"
  else
    say "prometheus: not installed"
    return 1
  fi
}
