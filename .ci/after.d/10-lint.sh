#!/usr/bin/env bash
# Style and types: ruff over the code, tests and benchmarks; mypy (strict) over the package.
set -euo pipefail
cd "$(dirname "$0")/../.."
.venv/bin/ruff check src tests benchmarks
.venv/bin/mypy
