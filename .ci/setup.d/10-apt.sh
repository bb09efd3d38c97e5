#!/usr/bin/env bash
# System packages the validators need: Java for EPUBCheck, chromium for Ace, poppler for looking at PDFs.
set -euo pipefail
need=()
command -v java >/dev/null || need+=(default-jre-headless)
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
