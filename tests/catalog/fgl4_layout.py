"""A small FITS catalog in the 4FGL layout (the real 4FGL files are not in the shared data)."""

from __future__ import annotations

import numpy as np
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.table import Table

CRAB = SkyCoord(83.633083, 22.0145, unit="deg", frame="icrs")

# A few 4FGL rows (positions and shapes as in the 4FGL releases, rounded). Both Crab rows are
# associated with 3FGL J0534.5+2201 (ASSOC_FGL), which makes that alias ambiguous.
FGL4_SOURCES = [
    # Source_Name, RAJ2000, DEJ2000, Extended_Source_Name, ASSOC1, ASSOC2
    ("4FGL J0000.3-7355", 0.0983, -73.922, "", "", ""),
    ("4FGL J0534.5+2200", 83.6367, 22.0149, "", "PSR J0534+2200", "Crab pulsar"),
    ("4FGL J0534.5+2201e", 83.633, 22.0145, "Crab IC", "Crab Nebula", ""),
    ("4FGL J0617.2+2234e", 94.31, 22.58, "IC 443", "IC 443", ""),
    ("4FGL J1409.1-6121e", 212.294, -61.353, "FGES J1409.1-6121", "", ""),
    ("4FGL J1443.0-6227e", 220.76, -62.45, "RCW 86", "RCW 86", ""),
]
# The ExtendedSources HDU: Source_Name, Model_Form, Model_SemiMajor, Model_SemiMinor, PosAng.
FGL4_EXTENDED = [
    ("Crab IC", "2D Gaussian", 0.03, 0.03, 0.0),
    ("IC 443", "2D Gaussian", 0.27, 0.27, 0.0),
    ("FGES J1409.1-6121", "Disk", 0.7331, 0.7331, 0.0),
    ("RCW 86", "Map", 0.3, 0.3, 0.0),
    ("Vela X", "Map", 1.0, 1.0, 0.0),  # an extended source of another part of the sky
]


def write_4fgl_file(path, sources=FGL4_SOURCES, extended=FGL4_EXTENDED):
    """Write a small catalog file with the HDUs and columns of the 4FGL releases."""
    names, ra, dec, ext_names, assoc1, assoc2 = (list(c) for c in zip(*sources, strict=True))
    coords = SkyCoord(ra, dec, unit="deg", frame="icrs").galactic
    main = Table()
    main["Source_Name"] = np.array(names, dtype="S18")
    main["DataRelease"] = np.full(len(names), 1, dtype=np.int16)
    for name, values in (
        ("RAJ2000", ra),
        ("DEJ2000", dec),
        ("GLON", coords.l.deg),
        ("GLAT", coords.b.deg),
        ("Conf_95_SemiMajor", np.full(len(names), 0.05)),
        ("Conf_95_SemiMinor", np.full(len(names), 0.04)),
        ("Conf_95_PosAng", np.full(len(names), 30.0)),
    ):
        main[name] = np.asarray(values, dtype=np.float32)
        main[name].unit = "deg"
    main["Flux1000"] = np.full(len(names), 1e-9, dtype=np.float32)
    main["Flux1000"].unit = "photon/cm**2/s"
    main["Unc_Flux1000"] = np.full(len(names), 1e-10, dtype=np.float32)
    main["SpectrumType"] = np.array(["PowerLaw"] * len(names), dtype="S17")
    # Point sources have a blank (space-padded) name here, as in the 4FGL files.
    main["Extended_Source_Name"] = np.array([n or " " * 18 for n in ext_names], dtype="S18")
    main["ASSOC_FGL"] = np.array(["3FGL J0534.5+2201" if "J0534" in n else "" for n in names])
    for name in ("ASSOC_FHL", "ASSOC_GAM1", "ASSOC_GAM2", "ASSOC_GAM3", "ASSOC_TEV"):
        main[name] = np.array([""] * len(names), dtype="S18")
    main["ASSOC1"] = np.array(assoc1, dtype="S28")
    main["ASSOC2"] = np.array(assoc2, dtype="S26")
    main.meta["VERSION"] = "v35"

    ext_table = Table()
    ext_names_, forms, major, minor, angle = (list(c) for c in zip(*extended, strict=True))
    ext_table["Source_Name"] = np.array(ext_names_, dtype="S18")
    ext_table["Model_Form"] = np.array(forms, dtype="S12")
    for name, values in (
        ("Model_SemiMajor", major),
        ("Model_SemiMinor", minor),
        ("Model_PosAng", angle),
    ):
        ext_table[name] = np.asarray(values, dtype=np.float32)
        ext_table[name].unit = "deg"

    hdus = fits.HDUList(
        [
            fits.PrimaryHDU(),
            fits.table_to_hdu(main),
            fits.table_to_hdu(ext_table),
            fits.BinTableHDU(Table({"Hist_Start": np.arange(3.0)}), name="Hist_Start"),
            fits.BinTableHDU(
                Table({"LowerEnergy": [50.0, 100.0], "UpperEnergy": [100.0, 300.0]}),
                name="EnergyBounds",
            ),
        ]
    )
    # Hand-written unit strings as in the Fermi files, and one that astropy cannot parse.
    hdus[1].columns.change_attrib("Flux1000", "unit", "photon/cm**2/s")
    hdus[1].columns.change_attrib("Unc_Flux1000", "unit", "not a unit")
    hdus[1].name = "LAT_Point_Source_Catalog"
    hdus[2].name = "ExtendedSources"
    hdus.writeto(path)
    return path
