"""The Markdown report of a benchmark run: the table, its header, the output notes, and the
README section between markers."""

from __future__ import annotations

from pathlib import Path

from _framework import SIDES

README = Path(__file__).resolve().parent / "README.md"
MARK_START = "<!-- results:start (written by benchmarks/run.py --update-readme) -->"
MARK_END = "<!-- results:end -->"


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def format_seconds(seconds) -> str:
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def format_ratio(value) -> str:
    if value is None:
        return "-"
    return f"{value:.3g}x" if value < 1000 else f"{value:.0f}x"


def format_side(summary: dict) -> str:
    if not summary.get("n"):
        return "-"
    best, median = format_seconds(summary["best"]), format_seconds(summary["median"])
    return f"{best} / {median} ({summary['n']})"


def format_memory(record) -> str:
    """Traced peaks (operation cases run with ``memory``) or whole-process peak RSS (process
    cases), in MB, skymask / gammapy ("-" for a side that was not measured)."""
    key = "peak_rss" if record["mode"] == "process" else "traced_peak"
    sides = [side for side in SIDES if record.get(side, {}).get("n")]
    values = [record[side].get(key) for side in sides]
    if all(value is None for value in values):
        return ""
    parts = []
    for value in values:
        if value is None:
            parts.append("-")
        else:
            megabytes = value / 1e6
            parts.append(f"{megabytes:.0f}" if megabytes >= 10 else f"{megabytes:.2g}")
    return " / ".join(parts) + (" MB (RSS)" if record["mode"] == "process" else " MB")


def format_targets(record) -> tuple[str, str]:
    texts, verdicts = [], []
    for target in record["targets"]:
        value = target["value"]
        kind = target["kind"]
        if kind in ("speedup",):
            shown = ""
        elif kind == "time_fraction" and value is not None:
            shown = f": {value:.2f}x"
        elif kind == "seconds" and value is not None:
            shown = f": {format_seconds(value)}"
        elif kind == "memory_ratio" and value is not None:
            shown = f": {value:.2g}x"
        elif kind == "extra_bytes_per_pixel" and value is not None:
            shown = f": {value:.2f} B"
        else:
            shown = ""
        texts.append(target["text"] + shown)
        if target["met"] is None:
            verdicts.append("not measured")
        elif target["met"] and target["median_met"]:
            verdicts.append("yes")
        elif target["met"]:
            verdicts.append("yes (best; median no)")
        else:
            verdicts.append("**no**")
    return "; ".join(texts), "; ".join(verdicts)


def markdown_table(records) -> str:
    lines = [
        "| case | what | skymask best / median (n) | gammapy best / median (n) "
        "| speed-up best / median | peak memory s / g | target | met | outputs |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for record in records:
        target_text, verdict = format_targets(record)
        comparison = record["comparison"]
        if "error" in record:
            outputs = "**ERROR** (see results.json)"
        else:
            outputs = comparison.get("status", "")
            if outputs == "MISMATCH":
                outputs = "**MISMATCH**"
        speedup = (
            f"{format_ratio(record['ratio_best'])} / {format_ratio(record['ratio_median'])}"
            if record["ratio_best"] is not None
            else "-"
        )
        lines.append(
            f"| `{record['name']}` | {record['description']} "
            f"| {format_side(record.get('skymask', {}))} "
            f"| {format_side(record.get('gammapy', {}))} | {speedup} "
            f"| {format_memory(record)} | {target_text or '-'} | {verdict or ''} | {outputs} |"
        )
    return "\n".join(lines)


def output_notes(records) -> str:
    lines = []
    for record in records:
        comparison = record["comparison"]
        if comparison.get("status") in (None, "n/a") and "error" not in record:
            continue
        note = comparison.get("note", "")
        if "error" in record:
            note = "error: " + _tail(record["error"], 1)
        lines.append(f"- `{record['name']}` ({comparison.get('status', 'error')}): {note}")
    return "\n".join(lines)


def header_lines(results) -> list[str]:
    machine, envs = results["machine"], results["environments"]
    load = results["load_average"]
    skymask_env = envs["skymask"]
    lines = [
        f"Run of {results['date']} ({results['mode']} mode, `{results['command']}`, "
        f"{results['duration_s'] / 60:.1f} min), commit `{(results['git']['commit'] or '?')[:10]}`"
        + (" with uncommitted changes in src/" if results["git"]["src_modified"] else "")
        + ".",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine.get('memory_gb', '?')} GB, "
        f"{machine['platform']}. skymask {skymask_env.get('skymask')}: Python "
        f"{skymask_env['python']}, numpy {skymask_env['numpy']}, astropy {skymask_env['astropy']}, "
        f"scipy {skymask_env['scipy']}, regions {skymask_env['regions']}.",
    ]
    if envs.get("gammapy"):
        env = envs["gammapy"]
        lines[-1] += (
            f" gammapy {env['gammapy']}: Python {env['python']}, numpy {env['numpy']}, "
            f"astropy {env['astropy']}, scipy {env['scipy']}, regions {env['regions']}."
        )
    # The run's own timed process keeps one core busy (a load of ~1 on its own): other work is
    # what comes on top of it.
    busy = load["max"] > 1.0 + 0.25 * (machine["cores"] or 1)
    lines.append(
        f"Load average (1 min) before / highest between runs / after: {load['start']:.2f} / "
        f"{load['max']:.2f} / {load['end']:.2f}"
        + (
            f" on {machine['cores']} cores: **the machine was shared with other work during "
            "this run, so the figures are provisional** (noisy, slower than on an idle machine)."
            if busy
            else " (an otherwise idle machine)."
        )
    )
    return lines


def markdown_report(results) -> str:
    parts = [
        "\n".join(header_lines(results)),
        markdown_table(results["cases"]),
        "Times: wall time of the operation inside a fresh process (start-up cases: the whole "
        "process), best and median of n interleaved runs. Speed-up = gammapy / skymask time. "
        'Targets are checked on the best times ("best; median no": met by the best times '
        "only). Peak memory: tracemalloc peak during the call, in a separate untimed run (only "
        "for cases that measure memory); for start-up cases the peak RSS of the whole process.",
    ]
    notes = output_notes(results["cases"])
    if notes:
        parts.append("Outputs:\n" + notes)
    return "\n\n".join(parts)


def update_readme(report: str, path: Path = README) -> None:
    text = path.read_text()
    if MARK_START not in text or MARK_END not in text:
        raise SystemExit(f"{path} lacks the markers {MARK_START!r} and {MARK_END!r}")
    head, rest = text.split(MARK_START, 1)
    _, tail = rest.split(MARK_END, 1)
    path.write_text(f"{head}{MARK_START}\n{report}\n{MARK_END}{tail}")


def one_line_summary(record) -> str:
    if "error" in record:
        return "ERROR"
    parts = [f"skymask {format_side(record.get('skymask', {}))}"]
    if record.get("gammapy", {}).get("n"):
        parts.append(f"gammapy {format_side(record['gammapy'])}")
        parts.append(f"speed-up {format_ratio(record['ratio_best'])}")
    _, verdict = format_targets(record)
    if verdict:
        parts.append(f"target met: {verdict}")
    parts.append(f"outputs: {record['comparison'].get('status')}")
    return ", ".join(parts)
