#!/usr/bin/env bash
# Create the peer environment for side-by-side benchmarks: gammapy 2.1 with regions 0.10
# (gammapy 2.1 does not import with regions >= 0.12). pytest, pytest-astropy-header and healpy
# let scripts/conformance.py run gammapy's own tests there. Usage: benchmarks/setup_gammapy_env.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${GAMMAPY_VENV:-$here/.venv-gammapy}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q "gammapy==2.1" "regions==0.10" "scikit-image" \
  "pytest" "pytest-astropy-header" "healpy"
"$venv/bin/python" -c "import gammapy, regions; print('gammapy', gammapy.__version__, 'regions', regions.__version__)"
