#!/usr/bin/env bash
# One command for a new machine: installs everything, then opens the app on the bundled
# sample contracts. Extra arguments go to the app (e.g. a workbook to open).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/migration-planner "$@"
