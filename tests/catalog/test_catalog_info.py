"""``print(source)``: the information page of a catalog source, as gammapy's info().

The expected lines are copied from gammapy 2.1's ``print(catalog[name])`` on the same files.
"""

from __future__ import annotations

import pytest
from astropy.table import Table

from skymask.catalog import (
    SourceCatalog,
    SourceCatalog2HWC,
    SourceCatalog3FGL,
    SourceCatalog3FHL,
    SourceCatalog4FGL,
    SourceCatalogHGPS,
)

# gammapy 2.1, print(SourceCatalog3FHL()["3FHL J0534.5+2201"]).
GAMMAPY_3FHL_CRAB = """
Catalog row index (zero-based) : 352
Source name          : 3FHL J0534.5+2201
Extended name        : --
Associations     : Crab Nebula, Crab Nebula, 3FGL J0534.5+2201i
ASSOC_PROB_BAY   : 1.000
ASSOC_PROB_LR    : 1.000
Class            : PWN
TeVCat flag      : P
Significance (10 GeV - 2 TeV)    : 168.641
Npred                            : 2602.9
HEP Energy       : 1463.300 GeV
HEP Probability  : 1.000
Bayesian Blocks  : 1
Redshift         : --
RA                   : 83.635 deg
DEC                  : 22.019 deg
GLON                 : 184.554 deg
GLAT                 : -5.780 deg
Semimajor (95%)      : 0.0080 deg
Semiminor (95%)      : 0.0080 deg
ROI number           : 430
Spectrum type                    : PowerLaw
Significance curvature           : 1.4
Power-law spectral index         : 2.220 +- 0.025
Pivot energy                     : 22.7 GeV
Flux Density at pivot energy     : 1.71e-10 +- 3.39e-12 cm-2 GeV-1 s-1
Integral flux (10 GeV - 1 TeV)   : 8.66e-09 +- 1.71e-10 cm-2 s-1
Energy flux (10 GeV - TeV)       : 4.91e-10 +- 1.66e-11 erg cm-2 s-1
 e_min   e_max       flux     flux_errn   flux_errp      e2dnde     e2dnde_errn   e2dnde_errp  is_ul   flux_ul     e2dnde_ul   sqrt_ts
 10.000   20.000   5.170e-09   1.334e-10   1.334e-10     1.642e-10     4.237e-12     4.237e-12 False         nan           nan 125.157
 20.000   50.000   2.245e-09   8.672e-11   8.672e-11     1.181e-10     4.561e-12     4.561e-12 False         nan           nan  88.715
 50.000  150.000   9.243e-10   5.497e-11   5.497e-11     1.087e-10     6.464e-12     6.464e-12 False         nan           nan  59.087
150.000  500.000   2.759e-10   2.916e-11   3.136e-11     9.230e-11     9.757e-12     1.049e-11 False         nan           nan  33.076
500.000 2000.000   6.684e-11   1.463e-11   1.692e-11     6.901e-11     1.510e-11     1.747e-11 False         nan           nan  15.573
"""  # noqa: E501

# gammapy 2.1, print(SourceCatalogHGPS()["HESS J1825-137"]) (lines whose values agree).
GAMMAPY_HGPS_J1825 = """
Catalog row index (zero-based) : 54
Source name          : HESS J1825-137
Analysis reference   : HGPS
Source class         : PWN
Identified object    : PSR J1826-1334
Gamma-Cat id         : 118
RA                   :  276.260 deg = 18h25m02s
DEC                  :  -13.966 deg = -13d57m57s
GLON                 :   17.525 +/- 0.082 deg
GLAT                 :   -0.618 +/- 0.011 deg
Spatial model        : 3-Gaussian
Spatial components   : HGPSC 065, HGPSC 066, HGPSC 067
TS                   : 5846.8
sqrt(TS)             : 76.5
Total model excess   : 18291.5
Livetime             : 109.1 hours
Source flux (>1 TeV) : (18.408 +/- 0.556) x 10^-12 cm^-2 s^-1 = (81.45 +/- 2.46) % Crab
Map measurement                : 8.997 x 10^-12 cm^-2 s^-1 = 39.81 % Crab
Large scale component model    : 0.195 x 10^-12 cm^-2 s^-1 =  0.86 % Crab
Containment in RSpec                :  47.4 %
Flux correction (Total -> RSpec)    :  49.1 %
Spectral model       : ECPL
TS ECPL over PL      : 11.4
Best-fit model flux(> 1 TeV) : (19.150 +/- 1.847) x 10^-12 cm^-2 s^-1  = (84.74 +/- 8.17) % Crab
Best-fit model energy flux(1 to 10 TeV) : (66.403 +/- 7.952) x 10^-12 erg cm^-2 s^-1
PL   Index           : 2.38 +/- 0.03
ECPL Lambda          : 0.074 +/- 0.021 TeV^-1
ECPL E_cut           : 13.57 +/- 3.94 TeV
Number of flux points: 6
 0.365  0.237  0.562       2.382e-10       1.642e-11       1.654e-11       2.715e-10 False
30.142 19.573 46.416       2.724e-15       1.420e-15       1.646e-15       6.221e-15 False
Number of components: 3
Component HGPSC 066:
GLON                 :   17.712 +/- 0.025 deg
Size                 : 0.391 +/- 0.017 deg
Flux (>1 TeV)        : (11.83 +/- 1.08) x 10^-12 cm^-2 s^-1 = (52.3 +/- 4.8) % Crab
  HESS J1825-137                3FGL    3FGL J1824.5-1351e   0.169707
  HESS J1825-137                 PSR              B1823-13   0.481048
Evidence: ED Morph.
Reference: 2006A%26A...460..365A
"""

# gammapy 2.1, print(SourceCatalog3FGL()["3FGL J0534.5+2201i"]).
GAMMAPY_3FGL_CRAB = """
Associations     : Crab, Crab, 1AGL J0535+2205, EGR J0534+2159
Class1           : PWN
Other flags          : 0
Detection significance (100 MeV - 300 GeV)    : -inf
Pivot energy                                  : 1000 MeV
Power law spectral index                      : 1.640
Flux Density at pivot energy                  : 1.83e-11 +- -inf cm-2 MeV-1 s-1
10000.000 100000.000   5.602e-09   2.839e-10   2.839e-10     1.160e-10     5.879e-12     5.879e-12 False         nan           nan  37.266
Lightcurve measured in the energy band: 100 MeV - 100 GeV
Variability index : 0.000
No peak measured for this source.
"""  # noqa: E501


def _expected_lines(block):
    return [line for line in block.strip("\n").splitlines() if line.strip()]


@pytest.mark.data
@pytest.mark.parametrize(
    ("cls", "relative", "name", "expected"),
    [
        (SourceCatalog3FHL, "fermi/gll_psch_v13.fit.gz", "3FHL J0534.5+2201", GAMMAPY_3FHL_CRAB),
        (SourceCatalogHGPS, "hgps_catalog_v1.fits.gz", "HESS J1825-137", GAMMAPY_HGPS_J1825),
        (SourceCatalog3FGL, "fermi/gll_psc_v16.fit.gz", "3FGL J0534.5+2201i", GAMMAPY_3FGL_CRAB),
    ],
    ids=["3fhl", "hgps", "3fgl"],
)
def test_print_source_shows_gammapys_information_page(gammapy_data, cls, relative, name, expected):
    # str(source) used to be one repr line; gammapy prints the full page.
    source = cls(gammapy_data / "catalogs" / relative)[name]
    page = str(source)
    assert page == source.info() == source.info("all")
    lines = page.splitlines()
    for line in _expected_lines(expected):
        assert line in lines, f"missing line: {line!r}"
    # skymask's own section is asked for by name, so that str(source) is gammapy's page.
    assert "*** Spatial model (skymask) ***" not in lines
    assert "*** Spatial model (skymask) ***" in source.info("spatial").splitlines()
    # repr stays one line and names gammapy's source class.
    assert repr(source).startswith(f"SourceCatalogObject{cls.tag.upper()}(")
    assert "\n" not in repr(source)


@pytest.mark.data
def test_differential_fluxes_in_percent_crab_use_the_differential_crab(gammapy_data):
    # gammapy 2.1 scales these values by the integral Crab flux (75.95 % here) and their
    # errors by the differential one; both use the differential Crab flux at 1 TeV here.
    source = SourceCatalogHGPS(gammapy_data / "catalogs/hgps_catalog_v1.fits.gz")["HESS J1825-137"]
    expected_percent = 17.165e-12 * 100 / 3.5060459323111307e-11
    assert f"{expected_percent:.2f}" == "48.96"
    assert (
        "Flux at pivot energy : (17.165 +/- 0.573) x 10^-12 cm^-2 s^-1 TeV^-1  = "
        "(48.96 +/- 1.63) % Crab"
    ) in source.info("spec").splitlines()


@pytest.mark.data
def test_info_sections_and_errors(gammapy_data):
    catalog = SourceCatalog3FHL(gammapy_data / "catalogs/fermi/gll_psch_v13.fit.gz")
    vela = catalog["Vela X"]
    position = vela.info("position")
    assert "*** Position info ***" in position
    assert "Model form       : Disk" in position  # the extended-source section
    assert "*** Basic info ***" not in position
    with pytest.raises(ValueError, match="unknown info sections \\['spectrum'\\]"):
        vela.info("spectrum")
    with pytest.raises(TypeError, match="info must be a str"):
        vela.info(3)


@pytest.mark.data
def test_hawc_page_is_gammapys(gammapy_data):
    # gammapy 2.1, print(SourceCatalog2HWC()[1]) (tests/data/2hwc_j0631+169.txt there).
    expected = (
        "\n*** Basic info ***\n\nCatalog row index (zero-based) : 1\n"
        "Source name : 2HWC J0631+169\n\n*** Position info ***\n\nRA: 97.998 deg\n"
        "DEC: 16.997 deg\nGLON: 195.614 deg\nGLAT: 3.507 deg\nPosition error: 0.114 deg\n"
        "\n*** Spectral info ***\n\nSpectrum 0:\n"
        "Flux at 7 TeV: 6.71e-15 +- 1.47e-15 cm-2 s-1 TeV-1\n"
        "Spectral index: -2.570 +- 0.150\nTest Radius: 0.0 deg\n\nSpectrum 1:\n"
        "Flux at 7 TeV: 4.87e-14 +- 6.85e-15 cm-2 s-1 TeV-1\n"
        "Spectral index: -2.230 +- 0.080\nTest Radius: 2.0 deg\n\n"
    )
    catalog = SourceCatalog2HWC(gammapy_data / "catalogs/2HWC.ecsv")
    assert str(catalog[1]) == expected
    assert catalog[1].n_models == 2
    assert catalog[0].n_models == 1
    assert str(catalog[0]).endswith("No second spectrum available")


def test_catalog_from_a_table_lists_every_column():
    table = Table({"Source_Name": ["a", "bb"], "RA": [1.0, 2.0], "DEC": [3.0, 4.0]})
    lines = str(SourceCatalog(table)["bb"]).splitlines()
    assert "Source name          : bb" in lines
    assert "RA          : 2" in lines


def test_a_file_with_fewer_columns_still_prints(fgl4_file):
    # The 4FGL-layout test file lacks most spectral columns: those lines are left out.
    page = str(SourceCatalog4FGL(filename=fgl4_file)["4FGL J0534.5+2201e"])
    assert "Source name          : 4FGL J0534.5+2201e" in page
    assert "Associations     : Crab Nebula, 3FGL J0534.5+2201" in page
    assert "Model form       : 2D Gaussian" in page
    assert "Integral flux (1 - 100 GeV)                   : 1e-09 +- 1e-10 cm-2 s-1" in page
    assert "Energy flux (100 MeV - 100 GeV)" not in page  # Energy_Flux100 is missing
