"""The logic of benchmarks/run.py: case definitions, run order, statistics, targets, output
comparison and the README section. Timings themselves are never asserted (they are the
benchmarks' business); the end-to-end test runs a numpy-only case with this Python standing in
for both environments, so it needs no gammapy."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

import _framework as framework  # noqa: E402
import _report as report  # noqa: E402
import run as runner  # noqa: E402


def test_interleave_alternates_and_lets_the_longer_side_finish():
    assert framework.interleave(3, 3) == ["skymask", "gammapy"] * 3
    assert framework.interleave(3, 1) == ["skymask", "gammapy", "skymask", "skymask"]
    assert framework.interleave(2, 0) == ["skymask", "skymask"]


def test_every_case_is_well_formed_and_the_quick_set_covers_each_area():
    cases = runner.load_cases()
    names = [case.name for case in cases]
    assert len(names) == len(set(names))
    for case in cases:
        prefix = case.name.split(".")[0]
        # case names are [a-z0-9_.]: the "maps-api" area's cases start with "maps_api."
        assert prefix.replace("_", "-") == case.area or (prefix, case.area) == (
            "region_mask",
            "masks",
        )
        assert case.repeats(quick=False)[0] >= 1
    quick_areas = {case.area for case in runner.select_cases(cases, quick=True)}
    assert quick_areas >= {"masks", "morphology", "catalog", "excess", "io", "startup"}


def test_selection_by_substring_shell_pattern_and_area():
    cases = runner.load_cases()
    by_substring = runner.select_cases(cases, quick=False, patterns=["300_circles"])
    assert [case.name for case in by_substring] == ["region_mask.300_circles_1000x1000"]
    by_pattern = runner.select_cases(cases, quick=False, patterns=["io.read_*"])
    assert {case.name for case in by_pattern} == {
        "io.read_skymask_mask_4000x4000",
        "io.read_gammapy_int64_mask_4000x4000",
    }
    # An area name selects the area, although "io" is also a substring of "region_mask".
    by_area = runner.select_cases(cases, quick=False, patterns=["io"])
    assert by_area and {case.area for case in by_area} == {"io"}


def test_a_case_refuses_inconsistent_definitions():
    with pytest.raises(ValueError, match="needs gammapy code"):
        framework.Case(
            name="x", area="masks", size="quick", description="", skymask="def run(): pass",
            compare=framework.NotComparable("none"), targets=[framework.Target("speedup", 2)],
        )  # fmt: skip
    with pytest.raises(ValueError, match="size must be one of"):
        framework.Case(name="x", area="masks", size="huge", description="", skymask="")
    with pytest.raises(SyntaxError):
        framework.Case(
            name="x", area="masks", size="quick", description="", skymask="def run(:",
            compare=framework.NotComparable("none"),
        )  # fmt: skip


def _record(skymask_times, gammapy_times, **memory):
    record = {"skymask": framework.summarise([{"seconds": t} for t in skymask_times])}
    record["gammapy"] = framework.summarise([{"seconds": t} for t in gammapy_times])
    for key, value in memory.items():
        side, name = key.split("_", 1)
        record[side][name] = value
    record["ratio_best"], record["ratio_median"] = framework.ratios(record)
    return record


def test_statistics_best_median_and_ratios():
    record = _record([0.3, 0.1, 0.2], [10.0, 30.0, 20.0, 40.0])
    assert record["skymask"]["best"] == 0.1 and record["skymask"]["median"] == 0.2
    assert record["gammapy"]["n"] == 4 and record["gammapy"]["median"] == 25.0
    assert record["ratio_best"] == pytest.approx(100.0)
    assert record["ratio_median"] == pytest.approx(125.0)


def test_targets_are_checked_on_best_times_with_the_median_reported():
    record = _record([1.0, 3.0, 3.0], [4.0, 4.0, 4.0])  # best 4x, median 1.33x
    speedup = framework.evaluate_target(framework.Target("speedup", 2), record)
    assert speedup["met"] is True and speedup["median_met"] is False
    fraction = framework.evaluate_target(framework.Target("time_fraction", 0.2), record)
    assert fraction["value"] == pytest.approx(0.25) and fraction["met"] is False
    seconds = framework.evaluate_target(framework.Target("seconds", 1.0), record)
    assert seconds["met"] is True and seconds["median_met"] is False
    _, verdict = report.format_targets({"targets": [speedup, fraction]})
    assert verdict == "yes (best; median no); **no**"

    unmeasured = framework.evaluate_target(framework.Target("memory_ratio", 1), record)
    assert unmeasured["met"] is None
    record = _record([1.0], [1.0], skymask_traced_peak=300, gammapy_traced_peak=200)
    assert framework.evaluate_target(framework.Target("memory_ratio", 1), record)["met"] is False


def test_extra_bytes_per_pixel_subtracts_the_output_array():
    record = _record([1.0], [1.0], skymask_traced_peak=1000 + 2 * 1000)
    record["skymask"]["outputs"] = {"result": {"dtype": "|b1", "shape": [10, 100]}}
    target = framework.evaluate_target(framework.Target("extra_bytes_per_pixel", 2), record)
    assert target["value"] == pytest.approx(2.0) and target["met"] is True


def test_compare_equal_accepts_other_dtypes_and_names_differences():
    ok, note = framework.compare_equal(
        {"mask": np.array([True, False, True])}, {"mask": np.array([1, 0, 1], dtype=">i8")}
    )
    assert ok and "identical" in note
    ok, note = framework.compare_equal(
        {"mask": np.array([True, False])}, {"mask": np.array([True, True])}
    )
    assert not ok and "1 elements differ" in note
    ok, note = framework.compare_equal({"a": np.zeros(2)}, {"a": np.zeros(3)})
    assert not ok and "shapes differ" in note


def test_readme_section_is_replaced_between_the_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{report.MARK_START}\nold table\n{report.MARK_END}\nafter\n")
    report.update_readme("new table", readme)
    assert readme.read_text() == (
        f"intro\n{report.MARK_START}\nnew table\n{report.MARK_END}\nafter\n"
    )
    (tmp_path / "bare.md").write_text("no markers")
    with pytest.raises(SystemExit, match="lacks the markers"):
        report.update_readme("table", tmp_path / "bare.md")


def _numpy_case(**changes):
    options = dict(
        name="selftest.mask",
        area="masks",
        size="quick",
        description="numpy only",
        setup="import numpy as np\nDATA = np.arange(12).reshape(3, 4) % 3 == 0\n",
        skymask="def run():\n    return {'mask': DATA.copy(), 'count': int(DATA.sum())}\n",
        gammapy="def run():\n    return {'mask': DATA.astype('>i8'), 'count': int(DATA.sum())}\n",
        memory=("skymask",),
    )
    options.update(changes)
    return framework.Case(**options)


def test_a_case_runs_interleaved_in_fresh_processes_and_is_compared(tmp_path):
    lines = []
    pythons = {"skymask": Path(sys.executable), "gammapy": Path(sys.executable)}
    case_runner = runner.CaseRunner(
        _numpy_case(), pythons, tmp_path, quick=False, repeat=2, log=lines.append
    )
    record = case_runner.run()
    assert "error" not in record
    assert [line.split()[0] for line in lines] == ["skymask", "gammapy"] * 2 + ["skymask"]
    assert record["skymask"]["n"] == record["gammapy"]["n"] == 2
    assert record["skymask"]["traced_peak"] > 0
    assert record["comparison"]["status"] == "equal"
    assert "mask: identical, 4 True" in record["comparison"]["note"]
    assert "unstable" not in record["comparison"]  # the same output in every run
    assert record["skymask"]["outputs"]["mask"]["true"] == 4
    assert record["gammapy"]["outputs"]["mask"]["dtype"] == ">i8"


def test_a_mismatch_and_a_failing_case_are_reported_not_raised(tmp_path):
    pythons = {"skymask": Path(sys.executable), "gammapy": Path(sys.executable)}
    different = _numpy_case(gammapy="def run():\n    return {'mask': ~DATA, 'count': 0}\n")
    record = runner.CaseRunner(
        different, pythons, tmp_path / "a", quick=True, repeat=1, log=lambda _: None
    ).run()
    assert record["comparison"]["status"] == "MISMATCH"

    broken = _numpy_case(skymask="def run():\n    raise RuntimeError('broken on purpose')\n")
    record = runner.CaseRunner(
        broken, pythons, tmp_path / "b", quick=True, repeat=1, log=lambda _: None
    ).run()
    assert "broken on purpose" in record["error"]
    table = report.markdown_table([record])
    assert "**ERROR**" in table


@pytest.mark.parametrize(("highest", "provisional"), [(1.2, False), (1.49, False), (1.7, True)])
def test_a_run_is_provisional_only_with_load_beyond_its_own_process(highest, provisional):
    """The timed process itself keeps one core busy: on 2 cores a load of ~1 is an idle
    machine; the run is marked provisional when other work adds half a core or more."""
    import json

    results = json.loads((BENCHMARKS / "results.json").read_text())
    results["machine"]["cores"] = 2
    results["load_average"] = {"start": 0.2, "max": highest, "end": 0.9}
    text = "\n".join(report.header_lines(results))
    assert ("provisional" in text) == provisional
    assert ("(an otherwise idle machine)" in text) == (not provisional)
