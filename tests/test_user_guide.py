"""The user guide (docs/user-guide/*.md) runs as written.

For each page, every block runs in document order in one temporary working directory, with
``GAMMAPY_DATA`` set (a page that mentions it skips without the data):

* ``python`` blocks run in one namespace per page (matplotlib Agg, ``plt.show`` closes the
  figures);
* in ``bash`` blocks, each ``skymask ...`` command (``\\`` continuations joined, ``$VARS``
  expanded) runs through `skymask.cli.main.main` and must exit with 0, or with ``N`` when the
  line ends in ``# exit code N``; other shell lines are not run;
* a ``text`` block right after a code block is the output of that block (stdout and stderr):
  it must match, where ``...`` stands for any text;
* a block right after a ``<!-- no-test -->`` comment is skipped.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from skymask.cli.main import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "user-guide"
PAGES = sorted(path.name for path in GUIDE.glob("*.md"))

_FENCE = re.compile(
    r"(?P<skip><!--\s*no-test\s*-->\s*)?^```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
_EXIT_CODE = re.compile(r"#\s*exit code (\d+)\s*$")
_LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


@dataclass
class Block:
    lang: str
    body: str
    line: int  # line of the first body line in the page (1-based)
    skip: bool
    output: str | None = None  # the text block that follows, if any


def _blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    previous_end = None
    for match in _FENCE.finditer(text):
        line = text.count("\n", 0, match.start("body")) + 1
        lang = match["lang"].lower()
        between = text[previous_end : match.start()] if previous_end is not None else None
        if lang == "text" and blocks and between is not None and not between.strip():
            blocks[-1].output = match["body"]
        else:
            blocks.append(Block(lang, match["body"], line, bool(match["skip"])))
        previous_end = match.end()
    return blocks


def _commands(body: str) -> list[tuple[str, int]]:
    """The ``skymask`` command lines of a bash block, with their expected exit codes."""
    commands, current = [], ""
    for raw in body.splitlines():
        line = raw.rstrip()
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        line = (current + line).strip()
        current = ""
        if line.split(maxsplit=1)[:1] != ["skymask"]:
            continue
        match = _EXIT_CODE.search(line)
        commands.append((line, int(match[1]) if match else 0))
    return commands


def _check_output(actual: str, expected: str, where: str) -> None:
    def clean(text):
        return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())

    pattern = ".*?".join(re.escape(part) for part in clean(expected).split("..."))
    if not re.fullmatch(pattern, clean(actual), flags=re.DOTALL):
        raise AssertionError(
            f"{where}: the output differs from the text block.\n"
            f"--- expected\n{clean(expected)}\n--- actual\n{clean(actual)}"
        )


def _run_block(block: Block, page: str, namespace: dict) -> None:
    where = f"{page}:{block.line}"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        if block.lang == "python":
            # Blank lines in front keep the line numbers of the page in tracebacks.
            source = "\n" * (block.line - 1) + block.body
            exec(compile(source, str(GUIDE / page), "exec"), namespace)
        else:
            for line, expected in _commands(block.body):
                argv = shlex.split(os.path.expandvars(line), comments=True)
                code = main(argv[1:])
                if code != expected:
                    raise AssertionError(
                        f"{where}: '{line}' exited with {code}, expected {expected}:\n"
                        f"{buffer.getvalue()}"
                    )
    if block.output is not None:
        _check_output(buffer.getvalue(), block.output, where)


@pytest.mark.parametrize("page", PAGES)
def test_page_examples_run(page, request, tmp_path, monkeypatch):
    text = (GUIDE / page).read_text()
    if "GAMMAPY_DATA" in text:
        monkeypatch.setenv("GAMMAPY_DATA", str(request.getfixturevalue("gammapy_data")))
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: plt.close("all"))
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__user_guide__"}
    ran = 0
    for block in _blocks(text):
        if block.skip or block.lang not in ("python", "bash"):
            continue
        try:
            _run_block(block, page, namespace)
        finally:
            plt.close("all")
        ran += 1
    assert ran or page == "index.md", f"{page} has no tested example"


def test_pages_exist():
    expected = {
        "index.md",
        "maps.md",
        "masks.md",
        "datasets.md",
        "catalogs.md",
        "significance.md",
        "cli.md",
    }
    assert expected <= set(PAGES)
    index = (GUIDE / "index.md").read_text()
    for page in sorted(expected - {"index.md"}):
        assert f"({page})" in index, f"index.md does not link {page}"


def _anchors(path: Path) -> set[str]:
    """GitHub's heading anchors of a markdown file."""
    anchors = set()
    for line in path.read_text().splitlines():
        match = re.match(r"#+\s+(.*)", line)
        if match:
            title = re.sub(r"[^\w\- ]", "", match[1].strip().lower())
            anchors.add(title.replace(" ", "-"))
    return anchors


@pytest.mark.parametrize("page", PAGES)
def test_links_resolve(page):
    for match in _LINK.finditer((GUIDE / page).read_text()):
        target = match["target"]
        if re.match(r"[a-z]+:", target):
            continue  # web links
        path, _, anchor = target.partition("#")
        file = (GUIDE / path).resolve() if path else GUIDE / page
        assert file.exists(), f"{page} links the missing file {path}"
        if anchor and file.suffix == ".md":
            assert anchor in _anchors(file), f"{page} links {target}: no such heading"


def _subcommands() -> set[str]:
    """Every subcommand of the ``skymask`` parser, nested ones as 'mask regions'."""
    names = set()
    parser = build_parser()
    top = next(a for a in parser._actions if a.dest == "command")
    for name, sub in top.choices.items():
        nested = [a for a in sub._actions if getattr(a, "dest", None) == "mask_kind"]
        if nested:
            names |= {f"{name} {kind}" for kind in nested[0].choices}
        else:
            names.add(name)
    return names


def test_cli_page_runs_every_subcommand():
    text = (GUIDE / "cli.md").read_text()
    run = set()
    for block in _blocks(text):
        if block.lang == "bash" and not block.skip:
            for line, expected in _commands(block.body):
                if expected == 0:
                    words = shlex.split(line, comments=True)
                    run.add(" ".join(words[1:3]))
                    run.add(words[1])
    missing = sorted(name for name in _subcommands() if name not in run)
    assert not missing, f"cli.md has no tested example of: {missing}"
