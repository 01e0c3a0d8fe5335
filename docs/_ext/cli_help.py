"""``.. skymask-cli-help::``: the help text of every ``skymask`` command, from the parser.

The page is generated from `skymask.cli.main.build_parser` at build time, so it cannot go out
of date; the registries fill ``{catalog_tags}`` and ``{region_shapes}`` as on the terminal.
"""

import argparse
import os

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


def _commands(parser, prog):
    """(prog, parser) for the parser and, depth first, each of its subcommands."""
    yield prog, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, f"{prog} {name}")


class CliHelp(SphinxDirective):
    has_content = False

    def run(self):
        from skymask.cli.main import build_parser

        os.environ["COLUMNS"] = "92"  # argparse wraps to the terminal width: fix it
        out = []
        seen = set()
        for prog, parser in _commands(build_parser(), "skymask"):
            if id(parser) in seen:  # aliases share a parser
                continue
            seen.add(id(parser))
            section = nodes.section(ids=[nodes.make_id(prog)])
            section += nodes.title(text=prog)
            text = parser.format_help()
            section += nodes.literal_block(text, text)
            out.append(section)
        return out


def setup(app):
    app.add_directive("skymask-cli-help", CliHelp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
