"""Start-up: whole processes, timed from the parent (interpreter start-up included).

- ``import skymask.maps`` against ``import gammapy.maps`` (``python -c`` equivalent);
- gammapy's "Mask maps" tutorial as a script (``../shared/reference/mask_maps_tutorial.py``),
  run by gammapy, against the same script with ``gammapy`` replaced by ``skymask``, as
  ``tests/test_tutorial.py`` runs it (``overwrite="True"`` becomes ``overwrite=True``, X4).
  Both sides use the ``"3fhl"`` catalog instead of ``"4fgl"``: the shared data have no 4FGL
  file. Each run has its own empty working directory (the tutorial writes
  ``exclusion_mask.fits``); matplotlib uses the Agg backend (``plt.show()`` does nothing).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _framework import Case, Documented, NotComparable, Target

SHARED = Path(__file__).resolve().parents[3] / "shared" / "reference"
TUTORIAL = SHARED / "mask_maps_tutorial.py"


def tutorial_sources() -> tuple[str, str] | None:
    """(skymask script, gammapy script), or None without the reference tutorial."""
    if not TUTORIAL.exists():
        return None
    source = TUTORIAL.read_text().replace('"4fgl"', '"3fhl"')
    ours = source.replace("gammapy", "skymask").replace('overwrite="True"', "overwrite=True")
    return ours, source


def check_tutorial(ours, theirs, context):
    """D2: the exclusion mask the tutorial writes has the same pixels as gammapy's reference
    array; skymask writes it as uint8 in MASK, gammapy as int64 in PRIMARY."""
    reference = np.load(SHARED / "tutorial" / "exclusion_mask_read_back.npy").astype(bool)
    a, b = ours["exclusion_mask"], theirs["exclusion_mask"]
    ok = np.array_equal(a.astype(bool), reference) and np.array_equal(b.astype(bool), reference)
    note = (
        f"exclusion_mask.fits: both equal gammapy's reference array ({int(reference.sum())} of "
        f"{reference.size} True): {ok}; skymask {ours['exclusion_mask.hdu']}, gammapy "
        f"{theirs['exclusion_mask.hdu']}"
    )
    return bool(ok), note


CASES = [
    Case(
        name="startup.import_maps",
        area="startup",
        size="quick",
        description="`python -c 'import skymask.maps'` vs `import gammapy.maps` (whole process)",
        mode="process",
        skymask="import skymask.maps\n",
        gammapy="import gammapy.maps\n",
        compare=NotComparable("no output"),
        targets=[Target("seconds", 0.4, "issue 19")],
        memory=("skymask", "gammapy"),
        repeat=7,
    ),
]

_sources = tutorial_sources()
if _sources is not None:
    CASES.append(
        Case(
            name="startup.tutorial",
            area="startup",
            size="quick",
            description="the mask-maps tutorial as a script (whole process, 3FHL)",
            mode="process",
            skymask=_sources[0],
            gammapy=_sources[1],
            output_files=("exclusion_mask.fits",),
            compare=Documented("D2", check_tutorial),
            targets=[Target("time_fraction", 0.6, "issue 19")],
            memory=("skymask", "gammapy"),
            repeat=5,
            quick_repeat=2,
            timeout=600,
        )
    )
