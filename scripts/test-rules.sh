#!/usr/bin/env bash
# Checks and unit-tests the alert rules with promtool: every file in rules/ must load, and every
# test in test/rules/*.test.yml must pass. promtool comes from Debian's `prometheus` package
# (.ci/run installs it) or any Prometheus release.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v promtool >/dev/null; then
  echo "promtool not found: apt-get install --no-install-recommends prometheus (or a Prometheus release)" >&2
  exit 1
fi
promtool --version | head -n 1
promtool check rules rules/*.yml
promtool test rules test/rules/*.test.yml
