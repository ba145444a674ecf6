#!/usr/bin/env bash
# Regenerate docs/screens/: the browser journeys of every role save each main screen, in English
# and Chinese. Needs Debian's chromium and a CJK font (installed here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q && apt-get install -y -q "${missing[@]}"
fi
rm -f docs/screens/*.png  # README.md stays
FAIRDEBT_SCREENS=docs/screens .venv/bin/python -m pytest -q -p no:cacheprovider -n 0 tests/web/test_browser.py
ls docs/screens
