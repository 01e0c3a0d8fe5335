"""Information page of HGPS sources: the sections of gammapy 2.1's info() (map and spectral
analysis, flux points, Gaussian components, associations, identification)."""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle
from astropy.table import Table

from .info import (
    InfoPage,
    basic_section,
    format_flux_points,
    format_or_dash,
    info_sections,
    spatial_section,
    try_or_none,
)
from .source import _row_to_dict

__all__ = ["hgps_component_text", "hgps_info"]

# HGPS fluxes are shown in 1e-12 cm-2 s-1 and in % of the Crab (H.E.S.S. Crab > 1 TeV and
# at 1 TeV, as the HGPS paper and gammapy).
_FF = 1e-12
_FLUX_TO_CRAB = 100 / 2.26e-11
_FLUX_TO_CRAB_DIFF = 100 / 3.5060459323111307e-11


def hgps_info(catalog, source, info: str = "all") -> str:
    """The information page of an HGPS source.

    ``info``: "all", or a comma-separated list of basic, map, spatial, spec, flux_points,
    components, associations, id.
    """
    ops = info_sections(
        info, "basic,map,spatial,spec,flux_points,components,associations,id", optional=("spatial",)
    )
    page = InfoPage(source._page_data)
    if "basic" in ops:
        basic_section(page, source)
        page.add("Analysis reference", lambda: page.text("Analysis_Reference"))
        page.add("Source class", lambda: page.text("Source_Class"))
        page.add("Identified object", lambda: page.text("Identified_Object"))
        page.add("Gamma-Cat id", lambda: page.text("Gamma_Cat_Source_ID"))
        page.plain("")  # gammapy's blank line after the basic section
    if "map" in ops:
        _hgps_map(page)
    if "spatial" in ops:
        spatial_section(page, source)
    if "spec" in ops:
        _hgps_spec(page)
    if "flux_points" in ops:
        _hgps_points(page)
    if "components" in ops:
        _hgps_components(page, catalog)
    if "associations" in ops:
        _hgps_associations(page, catalog, source)
    if "id" in ops:
        _hgps_identification(page, catalog, source)
    return page.render()


def _crab(page, value, error, unit="cm^-2 s^-1", diff=False):
    # Differential fluxes in % of the Crab's differential flux at 1 TeV, value and error
    # alike (gammapy 2.1 scales the value by the integral Crab flux and the error by the
    # differential one).
    to_crab = _FLUX_TO_CRAB_DIFF if diff else _FLUX_TO_CRAB

    def make():
        val, err = page.num(value), page.num(error)
        return (
            f"({val / _FF:.3f} +/- {err / _FF:.3f}) x 10^-12 {unit}  = "
            f"({val * to_crab:.2f} +/- {err * to_crab:.2f}) % Crab"
        )

    return make


def _hgps_map(page):
    page.section("Info from map analysis")

    def sexagesimal(key, unit):
        degrees = page.num(key, "deg")
        text = Angle(degrees, "deg").to_string(unit=unit, precision=0)
        return f"{degrees:8.3f} deg = {text}"

    page.add("RA", lambda: sexagesimal("RAJ2000", "hour"))
    page.add("DEC", lambda: sexagesimal("DEJ2000", "deg"))
    for label in ("GLON", "GLAT"):
        page.add(label, lambda k=label: f"{page.num(k):8.3f} +/- {page.num(k + '_Err'):.3f} deg")
    page.add("Position Error (68%)", lambda: f"{page.num('Pos_Err_68'):.3f} deg")
    page.add("Position Error (95%)", lambda: f"{page.num('Pos_Err_95'):.3f} deg")
    page.add("ROI number", lambda: f"{page.num('ROI_Number'):.0f}")
    page.add("Spatial model", lambda: page.text("Spatial_Model"))
    page.add("Spatial components", lambda: page.text("Components"))
    page.add("TS", lambda: f"{page.num('Sqrt_TS') ** 2:.1f}")
    page.add("sqrt(TS)", lambda: f"{page.num('Sqrt_TS'):.1f}")
    page.add(
        "Size",
        lambda: (
            f"{page.num('Size'):.3f} +/- {page.num('Size_Err'):.3f} "
            f"(UL: {page.num('Size_UL'):.3f}) deg"
        ),
    )
    page.add("R70", lambda: f"{page.num('R70'):.3f} deg")
    page.add("RSpec", lambda: f"{page.num('RSpec'):.3f} deg")
    page.add("Total model excess", lambda: f"{page.num('Excess_Model_Total'):.1f}")
    page.add("Excess in RSpec", lambda: f"{page.num('Excess_RSpec'):.1f}")
    page.add("Model Excess in RSpec", lambda: f"{page.num('Excess_RSpec_Model'):.1f}")
    page.add("Background in RSpec", lambda: f"{page.num('Background_RSpec'):.1f}")
    page.add("Livetime", lambda: f"{page.num('Livetime', 'h'):.1f} hours")
    page.add("Energy threshold", lambda: f"{page.num('Energy_Threshold', 'TeV'):.2f} TeV")
    page.add(
        "Source flux (>1 TeV)",
        lambda: (
            f"({page.num('Flux_Map') / _FF:.3f} +/- {page.num('Flux_Map_Err') / _FF:.3f}) "
            f"x 10^-12 cm^-2 s^-1 = ({page.num('Flux_Map') * _FLUX_TO_CRAB:.2f} +/- "
            f"{page.num('Flux_Map_Err') * _FLUX_TO_CRAB:.2f}) % Crab"
        ),
    )
    page.plain("\nFluxes in RSpec (> 1 TeV):")
    for label, key in (
        ("Map measurement", "Flux_Map_RSpec_Data"),
        ("Source model", "Flux_Map_RSpec_Source"),
        ("Other component model", "Flux_Map_RSpec_Other"),
        ("Large scale component model", "Flux_Map_RSpec_LS"),
        ("Total model", "Flux_Map_RSpec_Total"),
    ):
        page.add(
            label,
            lambda k=key: (
                f"{page.num(k) / _FF:.3f} x 10^-12 cm^-2 s^-1 = "
                f"{page.num(k) * _FLUX_TO_CRAB:5.2f} % Crab"
            ),
            30,
        )
    page.add("Containment in RSpec", lambda: f"{100 * page.num('Containment_RSpec'):5.1f} %", 35)
    page.add(
        "Contamination in RSpec", lambda: f"{100 * page.num('Contamination_RSpec'):5.1f} %", 35
    )
    correction = "Flux_Correction_RSpec_To_Total"
    page.add("Flux correction (RSpec -> Total)", lambda: f"{100 * page.num(correction):5.1f} %", 35)
    page.add("Flux correction (Total -> RSpec)", lambda: f"{100 / page.num(correction):5.1f} %", 35)


def _hgps_spec(page):
    page.section("Info from spectral analysis")
    page.add("Livetime", lambda: f"{page.num('Livetime_Spec', 'h'):.1f} hours")
    page.add(
        "Energy range:",
        lambda: (
            f"{page.num('Energy_Range_Spec_Min', 'TeV'):.2f} to "
            f"{page.num('Energy_Range_Spec_Max', 'TeV'):.2f} TeV"
        ),
    )
    page.add("Background", lambda: f"{page.num('Background_Spec'):.1f}")
    page.add("Excess", lambda: f"{page.num('Excess_Spec'):.1f}")
    page.add("Spectral model", lambda: page.text("Spectral_Model"))
    page.add("TS ECPL over PL", lambda: f"{page.num('TS_ECPL_over_PL'):.1f}")
    page.add(
        "Best-fit model flux(> 1 TeV)", _crab(page, "Flux_Spec_Int_1TeV", "Flux_Spec_Int_1TeV_Err")
    )
    page.add(
        "Best-fit model energy flux(1 to 10 TeV)",
        lambda: (
            f"({page.num('Flux_Spec_Energy_1_10_TeV') / _FF:.3f} +/- "
            f"{page.num('Flux_Spec_Energy_1_10_TeV_Err') / _FF:.3f}) x 10^-12 erg cm^-2 s^-1"
        ),
    )
    page.add("Pivot energy", lambda: f"{page.num('Energy_Spec_PL_Pivot', 'TeV'):.2f} TeV")
    diff = "cm^-2 s^-1 TeV^-1"
    page.add(
        "Flux at pivot energy",
        _crab(page, "Flux_Spec_PL_Diff_Pivot", "Flux_Spec_PL_Diff_Pivot_Err", diff, True),
    )
    page.add(
        "PL   Flux(> 1 TeV)", _crab(page, "Flux_Spec_PL_Int_1TeV", "Flux_Spec_PL_Int_1TeV_Err")
    )
    page.add(
        "PL   Flux(@ 1 TeV)",
        _crab(page, "Flux_Spec_PL_Diff_1TeV", "Flux_Spec_PL_Diff_1TeV_Err", diff, True),
    )
    page.add(
        "PL   Index",
        lambda: f"{page.num('Index_Spec_PL'):.2f} +/- {page.num('Index_Spec_PL_Err'):.2f}",
    )
    page.add(
        "ECPL   Flux(@ 1 TeV)",
        _crab(page, "Flux_Spec_ECPL_Diff_1TeV", "Flux_Spec_ECPL_Diff_1TeV_Err", diff, True),
    )
    page.add(
        "ECPL   Flux(> 1 TeV)",
        _crab(page, "Flux_Spec_ECPL_Int_1TeV", "Flux_Spec_ECPL_Int_1TeV_Err"),
    )
    page.add(
        "ECPL Index",
        lambda: f"{page.num('Index_Spec_ECPL'):.2f} +/- {page.num('Index_Spec_ECPL_Err'):.2f}",
    )

    def cutoff():
        lam, err = page.num("Lambda_Spec_ECPL", "TeV-1"), page.num("Lambda_Spec_ECPL_Err", "TeV-1")
        # E_cut = 1 / lambda, with its first-order error.
        return (
            f"{format_or_dash(lam, '.3f')} +/- {format_or_dash(err, '.3f')} TeV^-1",
            f"{format_or_dash(1 / lam, '.2f')} +/- {format_or_dash(err / lam**2, '.2f')} TeV",
        )

    page.add("ECPL Lambda", lambda: cutoff()[0])
    page.add("ECPL E_cut", lambda: cutoff()[1])


def _hgps_points(page):
    def build():
        energy = np.asarray(page.raw("Flux_Points_Energy").value, dtype=float)
        keep = ~np.isnan(energy)
        table = Table()
        for name, key in (
            ("e_ref", "Flux_Points_Energy"),
            ("e_min", "Flux_Points_Energy_Min"),
            ("e_max", "Flux_Points_Energy_Max"),
            ("dnde", "Flux_Points_Flux"),
            ("dnde_errn", "Flux_Points_Flux_Err_Lo"),
            ("dnde_errp", "Flux_Points_Flux_Err_Hi"),
            ("dnde_ul", "Flux_Points_Flux_UL"),
        ):
            table[name] = u.Quantity(page.raw(key))[keep]
        table["is_ul"] = np.asarray(page.raw("Flux_Points_Flux_Is_UL"))[keep].astype(bool)
        return table

    table = try_or_none(build)
    if table is None:
        return
    page.section("Flux points info")
    page.plain(f"Number of flux points: {page.text('N_Flux_Points')}")
    page.plain("Flux points table: \n")  # gammapy's trailing space
    page.table(format_flux_points(table))


def _hgps_components(page, catalog):
    names = page.text("Components") if page.has("Components") else "--"
    table = getattr(catalog, "table_components", None)
    if names == "--" or table is None:
        return
    ids = np.char.strip(np.asarray(table["Component_ID"]).astype(str))
    wanted = [name.strip() for name in names.split(",")]
    page.section("Gaussian component info")
    page.plain(f"Number of components: {len(wanted)}")
    page.add("Spatial components", lambda: names)
    for name in wanted:
        rows = np.flatnonzero(ids == name)
        if rows.size:
            _hgps_component(page, table, rows[0], name)
    page.plain("")  # gammapy ends every component with a blank line


def _hgps_component(page, table, row_index, name):
    page.plain("\n" + hgps_component_text(_row_to_dict(table[row_index])))


def _hgps_associations(page, catalog, source):
    table = getattr(catalog, "table_associations", None)
    if table is None:
        return
    names = np.char.strip(np.asarray(table["Source_Name"]).astype(str))
    page.section("Source associations info")
    page.table(table[names == source.name])


def _hgps_identification(page, catalog, source):
    table = getattr(catalog, "table_identifications", None)
    if table is None or (page.has("Source_Class") and page.text("Source_Class") == "Unid"):
        return
    names = np.char.strip(np.asarray(table["Source_Name"]).astype(str))
    rows = np.flatnonzero(names == source.name)
    if rows.size == 0:
        return
    page.section("Source identification info")
    row = table[rows[0]]
    for name in table.colnames:
        value = row[name]
        if isinstance(value, bytes):
            value = value.decode("ascii", errors="replace")
        value = str(value).strip()
        # As gammapy: a Quantity's text (float64 digits of float32 values).
        unit = table[name].unit
        if unit is not None and np.asarray(row[name]).dtype.kind in "iuf":
            page.plain(f"{name}: {u.Quantity(row[name], unit)}")
        else:
            page.plain(f"{name}: {value}{f' {unit}' if unit else ''}")


def hgps_component_text(data: dict) -> str:
    """gammapy's text of one HGPS Gaussian component (``str(component)``)."""
    page = InfoPage(data)
    name = page.text("Component_ID")
    for label in ("GLON", "GLAT"):
        page.add(label, lambda k=label: f"{page.num(k):8.3f} +/- {page.num(k + '_Err'):.3f} deg")
    page.add("Size", lambda: f"{page.num('Size'):.3f} +/- {page.num('Size_Err'):.3f} deg")
    page.add(
        "Flux (>1 TeV)",
        lambda: (
            f"({page.num('Flux_Map') / _FF:.2f} +/- {page.num('Flux_Map_Err') / _FF:.2f}) "
            f"x 10^-12 cm^-2 s^-1 = ({page.num('Flux_Map') * _FLUX_TO_CRAB:.1f} +/- "
            f"{page.num('Flux_Map_Err') * _FLUX_TO_CRAB:.1f}) % Crab"
        ),
    )
    # gammapy's text has no newline after the last line.
    return f"Component {name}:\n" + "\n".join(page.lines)
