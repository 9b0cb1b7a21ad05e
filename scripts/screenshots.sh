#!/usr/bin/env bash
# Regenerate docs/screenshots/*.png: run the browser tests with SCREENSHOTS=1, which makes them
# save each page as they test it (1400 px wide, full page, each PNG under 400 KB).
# Needs Chromium (apt-get install -y chromium) and requirements-dev.txt. Extra arguments go to
# pytest, e.g. scripts/screenshots.sh -k draw
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
SCREENSHOTS=1 "$PYTHON" -m pytest tests/browser -q "$@"
ls -l docs/screenshots/*.png
