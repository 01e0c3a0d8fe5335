"""A strict reader of ds9 region text: every shape is read, or the input is refused.

The `regions` package reads ds9 text leniently: it keeps the first shape of ``circle(...)
circle(...)`` or ``circle(...) || circle(...)`` and drops the rest, ignores extra parameters,
skips lines it cannot read with a warning, accepts ``nan`` as a coordinate and fails with
``KeyError: 'n'`` on a ``nan`` radius. A mask built from such a reading is silently wrong, so
skymask reads ds9 text itself, following ds9's own grammar, and builds `regions` objects:

- commands end at a line break or a ``;`` (not inside ``{...}`` or quoted text);
- a shape followed by ``|`` or ``||`` is a member of a ds9 composite region, whose meaning is
  the union of its members, so ``circle(...) || box(...)`` is read as both shapes, on one line
  or across lines; ``composite(...)`` headers only group their members;
- any other text after a shape's parameters is an error: shapes separated by blanks (not ds9),
  and the funtools/CIAO operators ``&``, ``^``, ``!`` and ``-`` (not ds9: build the region with
  `regions` objects, ``r1 & r2``, instead);
- every parameter must be a finite number in a ds9 form (``1.5``, ``1.5d``, ``0.02r``, ``18'``,
  ``30"``, ``12:30:00``, ``12h30m00s``, ``-5d30m00s``; pixels ``12`` or ``12i`` in ``image``
  frames), the shape must have exactly its number of parameters, sizes must be positive and
  latitudes within +-90 deg;
- ``text``, ``line``, ``vector``, ``ruler``, ``compass``, ``projection`` and ``segment`` are
  annotations without area: they are checked and ignored;
- ``-shape`` (or ``include=0`` / ``global include=0``) makes an exclude region.

Errors name the place: the file and line number for files (never the file's content, which may
not be the user's to show), the command for strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from itertools import pairwise

from ._ds9_objects import Ds9Shape, build_regions
from ._ds9_values import TOKEN, Problem, angle, coordinate, include_property, size

__all__ = ["DS9_EXAMPLE", "Ds9Source", "read_ds9"]

DS9_EXAMPLE = "'galactic;circle(184.55, -5.78, 0.3);box(185, -4, 1.0, 0.5, 45)'"

# ds9 frame names and the astropy frames `regions` uses for them.
_FRAMES = {
    "icrs": "icrs",
    "fk5": "fk5",
    "j2000": "fk5",
    "fk4": "fk4",
    "b1950": "fk4",
    "galactic": "galactic",
    "ecliptic": "barycentricmeanecliptic",
    "image": "image",
}
_UNSUPPORTED_FRAMES = {
    "physical",
    "linear",
    "amplifier",
    "detector",
    "supergalactic",
    "helioecliptic",
    "wcs",
    "wcs0",
    *(f"wcs{letter}" for letter in "abcdefghijklmnopqrstuvwxyz"),
}
_AREA_SHAPES = {"circle", "circle3d", "ellipse", "box", "rotbox", "annulus", "polygon", "point"}
# Annotations: (fewest, most) parameters; None means any even number from the fewest.
_ANNOTATIONS = {
    "text": (2, 3),
    "line": (4, 4),
    "vector": (4, 4),
    "ruler": (4, 4),
    "compass": (3, 3),
    "projection": (5, 5),
    "segment": (4, None),
}
_UNSUPPORTED_SHAPES = {"panda", "cpanda", "epanda", "bpanda", "pie", "field"}
_POINT_SYMBOLS = {"circle", "box", "diamond", "cross", "x", "arrow", "boxcircle"}
_SHAPES = _AREA_SHAPES | set(_ANNOTATIONS) | _UNSUPPORTED_SHAPES | {"composite"}
_KEYWORDS = _SHAPES | set(_FRAMES) | _UNSUPPORTED_FRAMES | {"global"}

_WORD = re.compile(r"\s*([+-]?)\s*([a-z][a-z0-9]*)", re.IGNORECASE)
_STARTS_COMMAND = re.compile(
    r"\s*[+-]?\s*(" + "|".join(sorted(_KEYWORDS, key=len, reverse=True)) + r")(?![a-z0-9])",
    re.IGNORECASE,
)
_SPECIAL = re.compile(r"[{\"'#;]")
_GARBAGE = re.compile(r"[^\s,()|#]+")


class Ds9Error(ValueError):
    """A ds9 text that cannot be read; carries the place for the message."""


@dataclass(frozen=True)
class Ds9Source:
    """What is being read, for messages: a file (never quoted) or a string (quoted)."""

    description: str
    quote_content: bool
    multiline: bool = False

    def where(self, line: int, command: str) -> str:
        if not self.quote_content:
            return f"{self.description}, line {line}"
        place = f"line {line}, " if self.multiline else ""
        shown = command.strip()
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return f"{self.description}, {place}at {shown!r}"


# ---------------------------------------------------------------------- splitting
def _split_line(line: str, lineno: int):
    """Commands of one line as ``(body, comment)`` pairs.

    A command ends at a ``;`` outside ``{...}`` and quoted text. After a ``#`` the rest is a
    comment (ds9 properties or free text); a ``;`` there only ends the command when a shape or
    frame name follows (as ds9 reads a ``;`` after properties, and as `regions` always does).
    """
    commands = []
    start = 0
    comment_at = None
    i = 0
    n = len(line)
    while True:
        found = _SPECIAL.search(line, i)
        if found is None:
            break
        i = found.start()
        char = line[i]
        if char == "{":
            close = line.find("}", i + 1)
            i = n if close == -1 else close + 1
            continue
        if char in "\"'":
            # A quote right after a digit is a unit (18', 30"), otherwise it opens text.
            if i > 0 and (line[i - 1].isdigit() or line[i - 1] == "."):
                i += 1
                continue
            close = line.find(char, i + 1)
            i = i + 1 if close == -1 else close + 1
            continue
        if char == "#":
            if comment_at is None:
                comment_at = i
        elif comment_at is None:  # a ';' ending a command
            commands.append((line[start:i], ""))
            start = i + 1
        elif _STARTS_COMMAND.match(line, i + 1):  # a ';' in a comment, before a shape
            if not line[start:comment_at].strip() and not _hash_command(line[comment_at + 1 : i]):
                raise _Located(
                    lineno,
                    line[comment_at:i],
                    Problem(
                        "a comment line contains ';' followed by a shape or frame: ds9 "
                        "ignores the rest of a commented line, other readers do not",
                        hint="put the shape on its own line, or remove it",
                    ),
                )
            commands.append((line[start:comment_at], line[comment_at + 1 : i]))
            start = i + 1
            comment_at = None
        i += 1
    if comment_at is None:
        commands.append((line[start:], ""))
    else:
        commands.append((line[start:comment_at], line[comment_at + 1 :]))
    return commands


def _hash_command(comment: str) -> str | None:
    """The annotation or composite name of ``# text(...)``-style lines, else None."""
    match = _WORD.match(comment)
    if match and not match.group(1):
        word = match.group(2).lower()
        if word in _ANNOTATIONS or word in {"composite", "tile"}:
            return word
    return None


class _Located(Exception):
    def __init__(self, line: int, command: str, problem: Problem):
        super().__init__(problem.reason)
        self.line = line
        self.command = command
        self.problem = problem


# ---------------------------------------------------------------------- one shape
def _parameters(text: str):
    """Parameter tokens of a shape and the text after them.

    Parentheses are optional, as in ds9, but must be balanced. A trailing ``|`` or ``||`` (ds9's
    composite conjunction) is consumed.
    """
    pos = 0
    n = len(text)
    while pos < n and text[pos].isspace():
        pos += 1
    paren = pos < n and text[pos] == "("
    pos += paren
    tokens = []
    closed = False
    while True:
        while pos < n and (text[pos].isspace() or text[pos] == ","):
            pos += 1
        if pos >= n:
            break
        if text[pos] == ")":
            if not paren:
                raise Problem("a ')' without '('")
            closed = True
            pos += 1
            break
        match = TOKEN.match(text, pos)
        if match is None:
            if paren:
                garbage = _GARBAGE.match(text, pos)
                token = garbage.group(0) if garbage else text[pos]
                if re.match(r"n\s*=", text[pos:], re.IGNORECASE):
                    raise Problem(_N_FORM)
                raise Problem(_not_a_number(token), token=token)
            break
        tokens.append(match)
        pos = match.end()
    if paren and not closed:
        raise Problem("the parameter list is not closed with ')'")
    rest = text[pos:]
    conjunction = re.match(r"\s*\|\|?", rest)
    if conjunction:
        rest = rest[conjunction.end() :]
    return tokens, rest, conjunction is not None


_N_FORM = (
    "the 'n=' form of annuli is not supported; list the radii instead, e.g. "
    "annulus(x, y, 0.1, 0.2, 0.3)"
)


def _not_a_number(token: str) -> str:
    lowered = token.lower().lstrip("+-")
    if lowered.startswith(("nan", "inf")):
        return "a parameter is not a finite number"
    return "a parameter is not a number in a ds9 form (0.3, 0.3d, 18', 30\", 12:30:00)"


def _check_rest(rest: str, conjunction: bool) -> str:
    """The next command on the same line after ``||``, or '' if nothing follows.

    Anything else after a shape's parameters is refused: ds9 allows one shape per command.
    """
    stripped = rest.strip()
    if not stripped:
        return ""
    if conjunction and _STARTS_COMMAND.match(stripped):
        return stripped  # ds9 composite: the union of the members
    how = "separate shapes with ';' or a line break (or '||', ds9's composite union)"
    if stripped.startswith("&"):
        raise Problem(
            "'&' (intersection) between shapes is funtools/CIAO syntax, not ds9; regions "
            "objects combine exactly: CircleSkyRegion(...) & RectangleSkyRegion(...)",
            hint=how,
        )
    if stripped.startswith("^"):
        raise Problem(
            "'^' (exclusive or) between shapes is not ds9 syntax; regions objects combine "
            "exactly: region1 ^ region2",
            hint=how,
        )
    if stripped.startswith("!"):
        raise Problem("'!' (not) is funtools syntax; ds9 excludes with a leading '-'", hint=how)
    if _STARTS_COMMAND.match(stripped):
        raise Problem("several shapes in one command: ds9 reads one shape per command", hint=how)
    if re.match(r"n\s*=", stripped, re.IGNORECASE):
        raise Problem(_N_FORM)
    garbage = _GARBAGE.match(stripped)
    raise Problem(
        "unexpected text after the shape's parameters",
        token=garbage.group(0) if garbage else stripped[:1],
        hint=how,
    )


def _read_shape(kind: str, sign: str, text: str, frame, include_default: bool, *, hashed=False):
    """``(shape or None, next command text)`` of one shape command.

    After ``# text(...)``-style annotations and composite headers, properties follow the
    parameters directly (``|| composite=1``): the rest of the command is not read.
    """
    tokens, rest, conjunction = _parameters(text)
    following = "" if hashed or kind == "composite" else _check_rest(rest, conjunction)
    if kind in _UNSUPPORTED_SHAPES:
        raise Problem(
            f"the ds9 shape '{kind}' is not supported",
            hint="use circle, ellipse, box, polygon and annulus shapes",
        )
    if kind == "composite":
        if len(tokens) not in (2, 3):
            raise Problem("a composite header takes x, y and an optional angle")
        return None, following
    if kind in _ANNOTATIONS:
        fewest, most = _ANNOTATIONS[kind]
        count = len(tokens)
        if kind == "text" and count == 3 and not tokens[2].group("text"):
            raise Problem("the third parameter of a text region is its {text}")
        numbers = tokens[:2] if kind == "text" else tokens
        if count < fewest or (most is not None and count > most) or (most is None and count % 2):
            raise Problem(f"wrong number of parameters ({count}) for a ds9 {kind}")
        for index, token in enumerate(numbers):
            if token.group("text"):
                raise Problem(f"parameter {index + 1} of the {kind} is not a number")
        return None, following
    if frame is None:
        raise Problem(
            "a shape before any coordinate frame",
            hint="start with the frame, e.g. 'icrs;' or 'galactic;' (ds9 writes one per file)",
        )
    include = include_default if sign == "" else sign == "+"
    shape = Ds9Shape(kind=kind, frame=frame, include=include, line=0, command="")
    _fill_shape(shape, tokens)
    return shape, following


def _fill_shape(shape: Ds9Shape, tokens) -> None:
    kind, frame = shape.kind, shape.frame
    count = len(tokens)

    def coords(limit):
        for index in range(limit):
            axis = "longitude (x)" if index % 2 == 0 else "latitude (y)"
            if frame == "image":
                axis = "x" if index % 2 == 0 else "y"
            shape.coords.append(coordinate(tokens[index], frame, index, f"{kind} {axis}"))

    if kind in ("circle", "circle3d"):
        _expect(count, (3,), "a circle takes x, y and a radius")
        coords(2)
        shape.kind = "circle"
        shape.sizes.append(size(tokens[2], frame, "circle radius"))
    elif kind == "point":
        _expect(count, (2,), "a point takes x and y")
        coords(2)
    elif kind == "annulus":
        if count < 4:
            raise Problem(f"an annulus takes x, y and at least two radii, got {count} parameters")
        coords(2)
        shape.sizes.extend(size(t, frame, "annulus radius") for t in tokens[2:])
        if any(b <= a for a, b in pairwise(shape.sizes)):
            raise Problem("annulus radii must increase")
    elif kind == "polygon":
        if count < 6 or count % 2:
            raise Problem(
                f"a polygon takes at least three x, y vertex pairs, got {count} parameters"
            )
        coords(count)
    else:  # ellipse, box (rotbox): x y a b [angle], or annuli x y a1 b1 a2 b2 ... angle
        shape.kind = "box" if kind == "rotbox" else kind
        name = "ellipse semi-axis" if shape.kind == "ellipse" else "box side"
        if count in (4, 5):
            sizes = tokens[2:4]
        elif count >= 7 and count % 2 == 1:
            sizes = tokens[2:-1]
        else:
            raise Problem(
                f"an {kind} takes x, y, two sizes and an optional angle (or size pairs and an "
                f"angle for annuli), got {count} parameters"
            )
        coords(2)
        shape.sizes.extend(size(t, frame, name) for t in sizes)
        if count != 4:
            shape.angle = angle(tokens[-1], f"{kind} angle")
        pairs = list(zip(shape.sizes[0::2], shape.sizes[1::2], strict=True))
        for (a1, b1), (a2, b2) in pairwise(pairs):
            if a2 <= a1 or b2 <= b1:
                raise Problem(f"the sizes of an {kind} annulus must increase in both axes")


def _expect(count: int, allowed: tuple, message: str) -> None:
    if count not in allowed:
        raise Problem(f"{message}, got {count} parameters")


# ---------------------------------------------------------------------- the whole text
def read_ds9(text: str, source: Ds9Source) -> tuple[list, int]:
    """Regions of a ds9 text, and how many annotations (text, line, ...) were ignored.

    Raises
    ------
    ValueError
        Naming the place (file and line, or the command of a string) and the reason.
    """
    shapes: list[Ds9Shape] = []
    annotations = 0
    frame = None
    include_default = True
    lines = re.split(r"\r\n|\r|\n", text)
    try:
        for lineno, line in enumerate(lines, 1):
            pending = list(_split_line(line, lineno))
            while pending:
                body, comment = pending.pop(0)
                try:
                    result = _read_command(body, comment, frame, include_default)
                except Problem as problem:
                    where = body + ("#" + comment if comment else "")
                    raise _Located(lineno, where, problem) from None
                kind, value, following = result
                if kind == "frame":
                    frame = value
                elif kind == "global":
                    include_default = value
                elif kind == "annotation":
                    annotations += 1
                elif kind == "shape":
                    value.line = lineno
                    value.command = body
                    shapes.append(value)
                if following:
                    pending.insert(0, (following, comment))
    except _Located as located:
        problem = located.problem
        message = f"cannot parse {source.where(located.line, located.command)}: {problem.reason}"
        if problem.token is not None and source.quote_content:
            message += f" (got {problem.token!r})"
        message += f"; {problem.hint}" if problem.hint else ""
        message = message.rstrip(".") + f". Example of the expected form: {DS9_EXAMPLE}"
        raise Ds9Error(message) from None
    return build_regions(shapes, partial(_rule_broken, source), Ds9Error), annotations


def _read_command(body: str, comment: str, frame, include_default: bool):
    """``(kind, value, following)``: kind is frame, global, annotation, shape or None."""
    stripped = body.strip()
    if not stripped:
        hashed = _hash_command(comment)
        if hashed in _ANNOTATIONS:
            match = _WORD.match(comment)
            _read_shape(hashed, "", comment[match.end() :], frame, True, hashed=True)
            return "annotation", None, ""
        if hashed == "composite":
            match = _WORD.match(comment)
            _read_shape("composite", "", comment[match.end() :], frame, True, hashed=True)
        return None, None, ""
    match = _WORD.match(stripped)
    if match is None and stripped.startswith("!"):
        raise Problem("'!' (not) is funtools syntax; ds9 excludes with a leading '-'")
    if match is None:
        raise Problem("a command must start with a frame or shape name", token=stripped.split()[0])
    sign, word = match.group(1), match.group(2).lower()
    after = stripped[match.end() :]
    if word == "global":
        if sign:
            raise Problem("'global' takes no sign")
        value = include_property(after)
        return "global", include_default if value is None else value, ""
    if word in _FRAMES or word in _UNSUPPORTED_FRAMES:
        if sign or after.strip():
            raise Problem(
                "a frame name stands alone in its command",
                token=stripped,
                hint="write e.g. 'galactic;circle(0, 0, 1)'",
            )
        if word in _UNSUPPORTED_FRAMES:
            raise Problem(
                f"the ds9 coordinate system '{word}' is not supported",
                hint="use icrs, fk5, fk4, galactic, ecliptic or image",
            )
        return "frame", _FRAMES[word], ""
    if word == "tile":
        if sign or not re.fullmatch(r"\s*\d+\s*", after):
            raise Problem("'tile' takes one tile number")
        return None, None, ""
    if word in _POINT_SYMBOLS:
        point = re.match(r"\s*point(?![a-z0-9])", after, re.IGNORECASE)
        if point:  # the old ds9 form "circle point(x, y)"
            word, after = "point", after[point.end() :]
    if word not in _SHAPES:
        raise Problem("unknown ds9 shape or frame name", token=word)
    shape, following = _read_shape(word, sign, after, frame, include_default)
    if shape is None:
        return ("annotation" if word in _ANNOTATIONS else None), None, following
    local = include_property(comment)
    if local is not None:
        shape.include = local
    return "shape", shape, following


def _rule_broken(source: Ds9Source, shape: Ds9Shape, exc: Exception) -> str:
    where = source.where(shape.line, shape.command)
    reason = str(exc) if source.quote_content else type(exc).__name__
    return f"cannot parse {where}: {reason}"
