"""Information pages of Fermi-LAT catalog sources (4FGL, 3FGL, 2FHL, 3FHL): the sections
of gammapy 2.1's info() from the table row, with the flux points of the catalog's bands."""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.table import Table

from .info import (
    InfoPage,
    _Missing,
    basic_section,
    format_flux_points,
    info_sections,
    spatial_section,
    try_or_none,
)

__all__ = ["fermi_flux_points", "fermi_info"]

#: Per catalog: association columns, band energy edges, band column names, spectral section.
_FERMI = {
    "4fgl": {
        "assoc": (
            "ASSOC1",
            "ASSOC2",
            "ASSOC_TEV",
            "ASSOC_FGL",
            "ASSOC_FHL",
            "ASSOC_GAM1",
            "ASSOC_GAM2",
            "ASSOC_GAM3",
        ),
    },
    "3fgl": {
        "assoc": ("ASSOC1", "ASSOC2", "ASSOC_TEV", "ASSOC_GAM1", "ASSOC_GAM2", "ASSOC_GAM3"),
        "edges": u.Quantity([100, 300, 1000, 3000, 10000, 100000], "MeV"),
        "suffixes": ("100_300", "300_1000", "1000_3000", "3000_10000", "10000_100000"),
    },
    "2fhl": {
        "assoc": ("ASSOC", "3FGL_Name", "1FHL_Name", "TeVCat_Name"),
        "edges": u.Quantity([50, 171, 585, 2000], "GeV"),
        "suffixes": ("50_171GeV", "171_585GeV", "585_2000GeV"),
    },
    "3fhl": {
        "assoc": ("ASSOC1", "ASSOC2", "ASSOC_TEV", "ASSOC_GAM"),
        "edges": u.Quantity([10, 20, 50, 150, 500, 2000], "GeV"),
    },
}


def fermi_info(catalog, source, info: str = "all") -> str:
    """The information page of a Fermi-LAT catalog source (4FGL, 3FGL, 2FHL, 3FHL).

    ``info``: "all", or a comma-separated list of basic, more, position, spatial,
    spectral, lightcurve.
    """
    tag = catalog.tag.lower()
    ops = info_sections(
        info, "basic,more,position,spatial,spectral,lightcurve", optional=("spatial",)
    )
    page = InfoPage(source._page_data)
    if "basic" in ops:
        _fermi_basic(page, source, _FERMI[tag]["assoc"])
    if "more" in ops:
        _fermi_more(page, tag)
    if "position" in ops:
        _fermi_position(page, tag)
        if source.morphology != "point":
            _fermi_extended(page, catalog, source, tag)
    if "spatial" in ops:
        spatial_section(page, source)
    if "spectral" in ops:
        _fermi_spectral(page, tag)
        _fermi_points(page, tag)
    if "lightcurve" in ops and tag in ("3fgl", "4fgl"):
        _fermi_lightcurve(page)
    return page.render()


def _fermi_basic(page, source, assoc):
    basic_section(page, source)
    if page.has("Extended_Source_Name"):
        page.add("Extended name", lambda: page.text("Extended_Source_Name"))
    names = [page.text(key) for key in assoc if page.has(key)]
    page.add("Associations", lambda: ", ".join(n for n in names if n != "--"), 16)
    page.add("ASSOC_PROB_BAY", lambda: f"{page.num('ASSOC_PROB_BAY'):.3f}", 16)
    page.add("ASSOC_PROB_LR", lambda: f"{page.num('ASSOC_PROB_LR'):.3f}", 16)
    if page.has("CLASS1"):
        page.add("Class1", lambda: page.text("CLASS1"), 16)
    else:
        page.add("Class", lambda: page.text("CLASS"), 16)
    page.add("Class2", lambda: page.text("CLASS2"), 16)
    page.add(
        "TeVCat flag", lambda: page.text("TEVCAT_FLAG") if page.has("TEVCAT_FLAG") else "N/A", 16
    )


def _fermi_more(page, tag):
    page.section("Other info")
    if tag == "3fhl":
        page.add("Significance (10 GeV - 2 TeV)", lambda: f"{page.num('Signif_Avg'):.3f}", 32)
        page.add("Npred", lambda: f"{page.num('Npred'):.1f}", 32)
        page.plain("")
        page.add(
            "HEP Energy",
            lambda: f"{page.num('HEP_Energy'):.3f} {page.unit('HEP_Energy')}",
            16,
        )
        page.add("HEP Probability", lambda: f"{page.num('HEP_Prob'):.3f}", 16)
        page.add("Bayesian Blocks", lambda: page.text("Variability_BayesBlocks"), 16)
        page.add("Redshift", lambda: f"{page.num('Redshift'):.3f}", 16)
        page.add(
            "NuPeak_obs",
            lambda: f"{page.num('NuPeak_obs'):.3} {page.unit('NuPeak_obs') or 'Hz'}",
            16,
        )
    elif tag == "2fhl":
        page.add("Test statistic (50 GeV - 2 TeV)", lambda: f"{page.num('TS'):.3f}", 32)
    elif tag == "4fgl":
        page.add("Significance (100 MeV - 1 TeV)", lambda: f"{page.num('Signif_Avg'):.3f}", 32)
        page.add("Npred", lambda: f"{page.num('Npred'):.1f}", 32)
        page.plain("")
        page.add("Other flags", lambda: page.text("Flags"))
    else:
        page.add("Other flags", lambda: page.text("Flags"))


def _fermi_position(page, tag):
    page.section("Position info")
    for label, key in (("RA", "RAJ2000"), ("DEC", "DEJ2000"), ("GLON", "GLON"), ("GLAT", "GLAT")):
        page.add(label, lambda key=key: f"{page.num(key, 'deg'):.3f} deg")
    page.plain("")
    if tag == "2fhl":
        page.add("Error on position (68%)", lambda: f"{page.num('Pos_err_68'):.4f} deg")
        page.add("ROI number", lambda: f"{page.num('ROI'):.0f}")
        return
    levels = ("95",) if tag == "3fhl" else ("68", "95")
    for level in levels:
        page.add(
            f"Semimajor ({level}%)", lambda lv=level: f"{page.num(f'Conf_{lv}_SemiMajor'):.4f} deg"
        )
        page.add(
            f"Semiminor ({level}%)", lambda lv=level: f"{page.num(f'Conf_{lv}_SemiMinor'):.4f} deg"
        )
        page.add(
            f"Position angle ({level}%)",
            lambda lv=level: f"{page.num(f'Conf_{lv}_PosAng'):.2f} deg",
        )
    page.add("ROI number", lambda: f"{page.num('ROI_num'):.0f}")


def _fermi_extended(page, catalog, source, tag):
    table = getattr(catalog, "extended_sources_table", None)
    if table is None:
        return
    key = source.name if tag == "2fhl" else page.text("Extended_Source_Name")
    names = np.char.strip(np.asarray(table["Source_Name"]).astype(str))
    rows = np.flatnonzero(names == key)
    if rows.size == 0:
        return
    row = {name: table[name][rows[0]] for name in table.colnames}
    extended = InfoPage(
        {k: (u.Quantity(v, table[k].unit) if table[k].unit else v) for k, v in row.items()}
    )
    page.section("Extended source information")
    page.add("Model form", lambda: extended.text("Model_Form"), 16)
    for label, name in (
        ("Model semimajor", "Model_SemiMajor"),
        ("Model semiminor", "Model_SemiMinor"),
        ("Position angle", "Model_PosAng"),
    ):
        page.add(label, lambda name=name: f"{extended.num(name):.4f} deg", 16)
    page.add("Spatial function", lambda: extended.text("Spatial_Function"), 16)
    page.add("Spatial filename", lambda: extended.text("Spatial_Filename"), 16)
    page.plain("")  # gammapy's blank line after the extended-source section


def _fermi_spectral(page, tag):
    def value_error(value, error, spec=".3"):
        return lambda: f"{page.num(value):{spec}} +- {page.num(error):{spec}}"

    if tag == "3fhl":
        page.section("Spectral fit info")
        width = 32
        kind = page.text("SpectrumType")
        page.add("Spectrum type", lambda: kind, width)
        page.add("Significance curvature", lambda: f"{page.num('Signif_Curve'):.1f}", width)
        page.add(
            "Power-law spectral index",
            value_error("PowerLaw_Index", "Unc_PowerLaw_Index", ".3f"),
            width,
        )
        if kind == "LogParabola":
            page.add(
                "LogParabola spectral index",
                value_error("Spectral_Index", "Unc_Spectral_Index", ".3f"),
                width,
            )
            page.add("LogParabola beta", value_error("beta", "Unc_beta", ".3f"), width)
        page.add(
            "Pivot energy",
            lambda: f"{page.num('Pivot_Energy'):.1f} {page.unit('Pivot_Energy')}",
            width,
        )
        page.add(
            "Flux Density at pivot energy",
            lambda: value_error("Flux_Density", "Unc_Flux_Density")() + " cm-2 GeV-1 s-1",
            width,
        )
        page.add(
            "Integral flux (10 GeV - 1 TeV)",
            lambda: value_error("Flux", "Unc_Flux")() + " cm-2 s-1",
            width,
        )
        page.add(
            "Energy flux (10 GeV - TeV)",
            lambda: value_error("Energy_Flux", "Unc_Energy_Flux")() + " erg cm-2 s-1",
            width,
        )
        return
    if tag == "2fhl":
        page.section("Spectral fit info")
        page.add(
            "Power-law spectral index",
            value_error("Spectral_Index", "Unc_Spectral_Index", ".3f"),
            32,
        )
        page.add(
            "Integral flux (50 GeV - 2 TeV)",
            lambda: value_error("Flux50", "Unc_Flux50")() + " cm-2 s-1",
            32,
        )
        page.add(
            "Energy flux (50 GeV - 2 TeV)",
            lambda: value_error("Energy_Flux50", "Unc_Energy_Flux50")() + " erg cm-2 s-1",
            32,
        )
        return
    page.section("Spectral info")
    width = 45
    kind = page.text("SpectrumType")
    page.add("Spectrum type", lambda: kind, width)
    if tag == "3fgl":
        page.add(
            "Detection significance (100 MeV - 300 GeV)",
            lambda: f"{page.num('Signif_Avg'):.3f}",
            width,
        )
        page.add("Significance curvature", lambda: f"{page.num('Signif_Curve'):.1f}", width)
        if kind == "LogParabola":
            page.add("beta", value_error("beta", "Unc_beta", ""), width)
        elif kind in ("PLExpCutoff", "PLSuperExpCutoff"):
            page.add(
                "Cutoff energy",
                lambda: value_error("Cutoff", "Unc_Cutoff", ".0f")() + f" {page.unit('Cutoff')}",
                width,
            )
            if kind == "PLSuperExpCutoff":
                page.add(
                    "Super-exponential cutoff index",
                    value_error("Exp_Index", "Unc_Exp_Index", ""),
                    width,
                )
        page.add(
            "Pivot energy",
            lambda: f"{page.num('Pivot_Energy'):.0f} {page.unit('Pivot_Energy')}",
            width,
        )
        page.add("Power law spectral index", lambda: f"{page.num('PowerLaw_Index'):.3f}", width)
        page.add(
            "Spectral index", value_error("Spectral_Index", "Unc_Spectral_Index", ".3f"), width
        )
        density = ("Flux_Density", "Unc_Flux_Density")
    else:  # 4FGL
        page.add(
            "Detection significance (100 MeV - 1 TeV)",
            lambda: f"{page.num('Signif_Avg'):.3f}",
            width,
        )
        prefix = {"PowerLaw": "PL", "LogParabola": "LP"}.get(kind, "PLEC")
        if prefix == "LP":
            page.add("beta", value_error("LP_beta", "Unc_LP_beta", ".4f"), width)
            page.add("Significance curvature", lambda: f"{page.num('LP_SigCurv'):.1f}", width)
        elif prefix == "PLEC":
            factor = "PLEC_ExpfactorS" if page.has("PLEC_ExpfactorS") else "PLEC_Expfactor"
            page.add("Exponential factor", value_error(factor, f"Unc_{factor}", ".4f"), width)
            page.add(
                "Super-exponential cutoff index",
                value_error("PLEC_Exp_Index", "Unc_PLEC_Exp_Index", ".4f"),
                width,
            )
            page.add("Significance curvature", lambda: f"{page.num('PLEC_SigCurv'):.1f}", width)
        page.add(
            "Pivot energy",
            lambda: f"{page.num('Pivot_Energy'):.0f} {page.unit('Pivot_Energy')}",
            width,
        )
        index = f"{prefix}_IndexS" if page.has(f"{prefix}_IndexS") else f"{prefix}_Index"
        page.add("Spectral index", value_error(index, f"Unc_{index}", ".3f"), width)
        density = (f"{prefix}_Flux_Density", f"Unc_{prefix}_Flux_Density")
    page.add(
        "Flux Density at pivot energy",
        lambda: value_error(*density)() + " cm-2 MeV-1 s-1",
        width,
    )
    page.add(
        "Integral flux (1 - 100 GeV)",
        lambda: value_error("Flux1000", "Unc_Flux1000")() + " cm-2 s-1",
        width,
    )
    page.add(
        "Energy flux (100 MeV - 100 GeV)",
        lambda: value_error("Energy_Flux100", "Unc_Energy_Flux100")() + " erg cm-2 s-1",
        width,
    )


def _fermi_points(page, tag):
    table = try_or_none(lambda: fermi_flux_points(page, tag))
    if table is None:
        return
    page.section("Spectral points")
    page.table(format_flux_points(table))


def fermi_flux_points(page: InfoPage, tag: str) -> Table:
    """The band fluxes of a Fermi source as gammapy's flux-points table (flux, errors,
    E^2 dN/dE from the catalog's nuFnu columns, upper limits = flux + 2 errp)."""
    spec = _FERMI[tag]
    if tag == "4fgl":
        edges = u.Quantity(page.raw("fp_energy_edges")) if page.has("fp_energy_edges") else None
        if edges is None:
            raise _Missing("fp_energy_edges")
        flux, flux_err = page.raw("Flux_Band"), page.raw("Unc_Flux_Band")
        nufnu, sqrt_ts = page.raw("nuFnu_Band"), page.raw("Sqrt_TS_Band")
    elif tag == "3fhl":
        edges = spec["edges"]
        flux, flux_err = page.raw("Flux_Band"), page.raw("Unc_Flux_Band")
        nufnu, sqrt_ts = page.raw("nuFnu"), page.raw("Sqrt_TS_Band")
    else:
        edges = spec["edges"]
        flux = [page.raw(f"Flux{s}") for s in spec["suffixes"]]
        flux_err = [page.raw(f"Unc_Flux{s}") for s in spec["suffixes"]]
        nufnu = [page.raw(f"nuFnu{s}") for s in spec["suffixes"]] if tag == "3fgl" else None
        sqrt_ts = [page.raw(f"Sqrt_TS{s}") for s in spec["suffixes"]] if tag == "3fgl" else None

    def values(items, unit):
        if items is None:
            return None
        if isinstance(items, u.Quantity):
            return items.value.astype(float)
        return np.array([np.nan if v is None else u.Quantity(v).value for v in items], float)

    flux_values = values(flux, "cm-2 s-1")
    error = np.asarray(values(flux_err, "cm-2 s-1"), dtype=float).reshape(-1, 2)
    table = Table()
    table["e_min"] = edges[:-1]
    table["e_max"] = edges[1:]
    table["flux"] = u.Quantity(flux_values, "cm-2 s-1")
    table["flux_errn"] = u.Quantity(np.abs(error[:, 0]), "cm-2 s-1")
    table["flux_errp"] = u.Quantity(error[:, 1], "cm-2 s-1")
    is_ul = np.isnan(error[:, 0])
    if nufnu is not None:
        e2dnde = values(nufnu, "erg cm-2 s-1")
        with np.errstate(invalid="ignore", divide="ignore"):
            table["e2dnde"] = u.Quantity(e2dnde, "erg cm-2 s-1")
            table["e2dnde_errn"] = u.Quantity(
                np.abs(e2dnde * error[:, 0] / flux_values), "erg cm-2 s-1"
            )
            table["e2dnde_errp"] = u.Quantity(e2dnde * error[:, 1] / flux_values, "erg cm-2 s-1")
    table["is_ul"] = is_ul
    table["flux_ul"] = u.Quantity(
        np.where(is_ul, flux_values + 2 * error[:, 1], np.nan), "cm-2 s-1"
    )
    if nufnu is not None:
        upper = table["e2dnde"].value + 2 * table["e2dnde_errp"].value
        table["e2dnde_ul"] = u.Quantity(np.where(is_ul, upper, np.nan), "erg cm-2 s-1")
    if sqrt_ts is not None:
        table["sqrt_ts"] = values(sqrt_ts, "")
    return table


def _fermi_lightcurve(page):
    page.section("Lightcurve info")
    page.plain("Lightcurve measured in the energy band: 100 MeV - 100 GeV\n")
    page.add("Variability index", lambda: f"{page.num('Variability_Index'):.3f}", 15)
    peak = try_or_none(lambda: page.num("Flux_Peak"))
    if peak is not None and np.isfinite(peak):
        page.add(
            "Significance peak (100 MeV - 100 GeV)", lambda: f"{page.num('Signif_Peak'):.3f}", 40
        )
        page.add(
            "Integral flux peak (100 MeV - 100 GeV)",
            lambda: f"{page.num('Flux_Peak'):.3} +- {page.num('Unc_Flux_Peak'):.3} cm^-2 s^-1",
            40,
        )
        page.add("Time peak", lambda: f"{page.num('Time_Peak'):.3} s (Mission elapsed time)", 40)
        page.add("Peak interval", lambda: f"{page.num('Peak_Interval', 'day'):.3} day", 40)
    elif peak is not None:
        page.plain("\nNo peak measured for this source.")
