#!/usr/bin/env bash
# An installed wheel must cite as the checkout does: build the wheel, install it into a clean venv,
# and, from outside the checkout (so nothing can fall back to the repository's styles/), cite the
# seed article with every style the wheel ships.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
seed="$root/samples/seed-globalresearch-trump-putin.txt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

.venv/bin/python -m pip wheel -q --no-deps -w "$work/dist" "$root"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$work"/dist/citekit-*.whl

cd "$work"
styles=$("$work/venv/bin/python" - <<'PY'
from citekit.resources import styles_dir
directory = styles_dir()
assert "site-packages" in str(directory), f"styles not taken from the wheel: {directory}"
names = sorted(p.stem for p in directory.glob("*.csl"))
assert names, f"no CSL styles in {directory}"
print("\n".join(names))
PY
)
count=0
for style in $styles; do
  out=$("$work/venv/bin/citekit" cite --style "$style" "$seed")
  case "$out" in
    *Lendman*) count=$((count + 1)) ;;
    *) echo "wheel: style $style gave no author: $out" >&2; exit 1 ;;
  esac
done
"$work/venv/bin/citekit" styles >/dev/null
echo "wheel: cited the seed with $count shipped styles"
