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

import math
import re
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle, SkyCoord
from regions import (
    CircleAnnulusPixelRegion,
    CircleAnnulusSkyRegion,
    CirclePixelRegion,
    CircleSkyRegion,
    EllipseAnnulusPixelRegion,
    EllipseAnnulusSkyRegion,
    EllipsePixelRegion,
    EllipseSkyRegion,
    PixCoord,
    PointPixelRegion,
    PointSkyRegion,
    PolygonPixelRegion,
    PolygonSkyRegion,
    RectangleAnnulusPixelRegion,
    RectangleAnnulusSkyRegion,
    RectanglePixelRegion,
    RectangleSkyRegion,
    RegionMeta,
)

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
_END = r"(?=[\s,()|#]|$)"
_FLOAT = r"(?:\d+\.?\d*|\.\d+)"
_TOKEN = re.compile(
    r"(?P<sex>[+-]?\d+:\d+:" + _FLOAT + r")" + _END + "|"
    r"(?P<hms>[+-]?\d+h\d+m" + _FLOAT + r"s)" + _END + "|"
    r"(?P<dms>[+-]?\d+d\d+m" + _FLOAT + r"s)" + _END + "|"
    r"(?P<num>[+-]?" + _FLOAT + r"(?:e[+-]?\d+)?)(?P<unit>[drip'\"]?)" + _END + "|"
    r"(?P<text>\{[^}]*\}|\"[^\"]*\"|'[^']*')",
    re.IGNORECASE,
)
_SPECIAL = re.compile(r"[{\"'#;]")
_GARBAGE = re.compile(r"[^\s,()|#]+")
_INCLUDE = re.compile(r"(?<![a-z])include\s*=\s*([a-z0-9]+)", re.IGNORECASE)
_STRINGS = re.compile(r"\{[^}]*\}|(?<![\d.])\"[^\"]*\"|(?<![\d.])'[^']*'")
_YES = {"1", "yes", "y", "on", "true"}
_NO = {"0", "no", "n", "off", "false"}


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


class _Problem(Exception):
    """A reason without a place; `read_ds9` adds the place. ``token`` is shown for strings."""

    def __init__(self, reason: str, token: str | None = None, hint: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.token = token
        self.hint = hint


@dataclass
class _Shape:
    kind: str
    frame: str
    include: bool
    line: int
    command: str
    coords: list = field(default_factory=list)  # (lon, lat) deg or (x, y) 0-based pixels
    sizes: list = field(default_factory=list)  # deg or pixels
    angle: float = 0.0  # deg


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
                    _Problem(
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
    def __init__(self, line: int, command: str, problem: _Problem):
        super().__init__(problem.reason)
        self.line = line
        self.command = command
        self.problem = problem


# ---------------------------------------------------------------------- values
def _yes_no(value: str) -> bool | None:
    value = value.lower()
    if value in _YES or (value.isdigit() and int(value) != 0):
        return True
    if value in _NO:
        return False
    return None


def _include_property(comment: str) -> bool | None:
    """The ``include=`` property of a comment, ignoring quoted and braced text."""
    match = _INCLUDE.search(_STRINGS.sub(" ", comment))
    if match is None:
        return None
    value = _yes_no(match.group(1))
    if value is None:
        raise _Problem("the include property must be 0 or 1 (or yes/no)", token=match.group(0))
    return value


def _finite(value: float, what: str, token: str) -> float:
    if not math.isfinite(value):
        raise _Problem(f"the {what} is not a finite number", token=token)
    return value


def _coordinate(match, frame: str, index: int, what: str) -> float:
    """Degrees (sky frames) or 0-based pixels (image) of one coordinate token."""
    token = match.group(0)
    if match.group("text"):
        raise _Problem(f"the {what} is text, not a number", token=token)
    if frame == "image":
        if match.group("num") is None or match.group("unit").lower() not in ("", "i"):
            raise _Problem(
                f"the {what} of an image-frame shape must be a pixel number (12 or 12i)",
                token=token,
            )
        return _finite(float(match.group("num")), what, token) - 1.0  # ds9 pixels start at 1
    if match.group("sex"):
        hours = index % 2 == 0 and frame not in ("galactic", "barycentricmeanecliptic")
        value = Angle(match.group("sex"), unit=u.hourangle if hours else u.deg).deg
    elif match.group("hms"):
        value = Angle(match.group("hms")).deg
    elif match.group("dms"):
        value = Angle(match.group("dms")).deg
    else:
        unit = match.group("unit").lower()
        if unit not in ("", "d", "r"):
            raise _Problem(
                f"the {what} of a sky shape must be in degrees (12.5, 12.5d), radians (0.2r) "
                "or sexagesimal (12:30:00, 12h30m00s); image or physical units and arc "
                "minutes or seconds are not coordinates",
                token=token,
            )
        value = float(match.group("num"))
        value = math.degrees(value) if unit == "r" else value
    value = _finite(value, what, token)
    if index % 2 == 1 and abs(value) > 90:
        raise _Problem(f"the {what} must be within -90 and 90 deg", token=token)
    return value


def _size(match, frame: str, what: str) -> float:
    """Degrees (sky frames) or pixels (image) of one positive size token."""
    token = match.group(0)
    if match.group("num") is None:
        raise _Problem(f"the {what} must be a number such as 0.3, 0.3d, 18' or 30\"", token)
    value = float(match.group("num"))
    unit = match.group("unit").lower()
    if frame == "image":
        if unit not in ("", "i"):
            raise _Problem(f"the {what} of an image-frame shape must be in pixels", token)
    elif unit in ("i", "p"):
        raise _Problem(
            f"the {what} of a sky shape must be an angle (0.3, 0.3d, 18', 30\", 0.005r); "
            "image or physical units are not supported",
            token,
        )
    else:
        value *= {"": 1.0, "d": 1.0, "r": math.degrees(1.0), "'": 1 / 60, '"': 1 / 3600}[unit]
    _finite(value, what, token)
    if value <= 0:
        raise _Problem(f"the {what} must be positive", token)
    return value


def _angle(match, what: str) -> float:
    token = match.group(0)
    unit = match.group("unit") or ""
    if match.group("num") is None or unit.lower() not in ("", "d", "r"):
        raise _Problem(f"the {what} must be a number of degrees (30, 30d) or radians (0.5r)", token)
    value = float(match.group("num"))
    return _finite(math.degrees(value) if unit.lower() == "r" else value, what, token)


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
                raise _Problem("a ')' without '('")
            closed = True
            pos += 1
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            if paren:
                garbage = _GARBAGE.match(text, pos)
                token = garbage.group(0) if garbage else text[pos]
                if re.match(r"n\s*=", text[pos:], re.IGNORECASE):
                    raise _Problem(_N_FORM)
                raise _Problem(_not_a_number(token), token=token)
            break
        tokens.append(match)
        pos = match.end()
    if paren and not closed:
        raise _Problem("the parameter list is not closed with ')'")
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
        raise _Problem(
            "'&' (intersection) between shapes is funtools/CIAO syntax, not ds9; regions "
            "objects combine exactly: CircleSkyRegion(...) & RectangleSkyRegion(...)",
            hint=how,
        )
    if stripped.startswith("^"):
        raise _Problem(
            "'^' (exclusive or) between shapes is not ds9 syntax; regions objects combine "
            "exactly: region1 ^ region2",
            hint=how,
        )
    if stripped.startswith("!"):
        raise _Problem("'!' (not) is funtools syntax; ds9 excludes with a leading '-'", hint=how)
    if _STARTS_COMMAND.match(stripped):
        raise _Problem("several shapes in one command: ds9 reads one shape per command", hint=how)
    if re.match(r"n\s*=", stripped, re.IGNORECASE):
        raise _Problem(_N_FORM)
    garbage = _GARBAGE.match(stripped)
    raise _Problem(
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
        raise _Problem(
            f"the ds9 shape '{kind}' is not supported",
            hint="use circle, ellipse, box, polygon and annulus shapes",
        )
    if kind == "composite":
        if len(tokens) not in (2, 3):
            raise _Problem("a composite header takes x, y and an optional angle")
        return None, following
    if kind in _ANNOTATIONS:
        fewest, most = _ANNOTATIONS[kind]
        count = len(tokens)
        if kind == "text" and count == 3 and not tokens[2].group("text"):
            raise _Problem("the third parameter of a text region is its {text}")
        numbers = tokens[:2] if kind == "text" else tokens
        if count < fewest or (most is not None and count > most) or (most is None and count % 2):
            raise _Problem(f"wrong number of parameters ({count}) for a ds9 {kind}")
        for index, token in enumerate(numbers):
            if token.group("text"):
                raise _Problem(f"parameter {index + 1} of the {kind} is not a number")
        return None, following
    if frame is None:
        raise _Problem(
            "a shape before any coordinate frame",
            hint="start with the frame, e.g. 'icrs;' or 'galactic;' (ds9 writes one per file)",
        )
    include = include_default if sign == "" else sign == "+"
    shape = _Shape(kind=kind, frame=frame, include=include, line=0, command="")
    _fill_shape(shape, tokens)
    return shape, following


def _fill_shape(shape: _Shape, tokens) -> None:
    kind, frame = shape.kind, shape.frame
    count = len(tokens)

    def coords(limit):
        for index in range(limit):
            axis = "longitude (x)" if index % 2 == 0 else "latitude (y)"
            if frame == "image":
                axis = "x" if index % 2 == 0 else "y"
            shape.coords.append(_coordinate(tokens[index], frame, index, f"{kind} {axis}"))

    if kind in ("circle", "circle3d"):
        _expect(count, (3,), "a circle takes x, y and a radius")
        coords(2)
        shape.kind = "circle"
        shape.sizes.append(_size(tokens[2], frame, "circle radius"))
    elif kind == "point":
        _expect(count, (2,), "a point takes x and y")
        coords(2)
    elif kind == "annulus":
        if count < 4:
            raise _Problem(f"an annulus takes x, y and at least two radii, got {count} parameters")
        coords(2)
        shape.sizes.extend(_size(t, frame, "annulus radius") for t in tokens[2:])
        if any(b <= a for a, b in pairwise(shape.sizes)):
            raise _Problem("annulus radii must increase")
    elif kind == "polygon":
        if count < 6 or count % 2:
            raise _Problem(
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
            raise _Problem(
                f"an {kind} takes x, y, two sizes and an optional angle (or size pairs and an "
                f"angle for annuli), got {count} parameters"
            )
        coords(2)
        shape.sizes.extend(_size(t, frame, name) for t in sizes)
        if count != 4:
            shape.angle = _angle(tokens[-1], f"{kind} angle")
        pairs = list(zip(shape.sizes[0::2], shape.sizes[1::2], strict=True))
        for (a1, b1), (a2, b2) in pairwise(pairs):
            if a2 <= a1 or b2 <= b1:
                raise _Problem(f"the sizes of an {kind} annulus must increase in both axes")


def _expect(count: int, allowed: tuple, message: str) -> None:
    if count not in allowed:
        raise _Problem(f"{message}, got {count} parameters")


# ---------------------------------------------------------------------- the whole text
def read_ds9(text: str, source: Ds9Source) -> tuple[list, int]:
    """Regions of a ds9 text, and how many annotations (text, line, ...) were ignored.

    Raises
    ------
    ValueError
        Naming the place (file and line, or the command of a string) and the reason.
    """
    shapes: list[_Shape] = []
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
                except _Problem as problem:
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
    return _build(shapes, source), annotations


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
        raise _Problem("'!' (not) is funtools syntax; ds9 excludes with a leading '-'")
    if match is None:
        raise _Problem("a command must start with a frame or shape name", token=stripped.split()[0])
    sign, word = match.group(1), match.group(2).lower()
    after = stripped[match.end() :]
    if word == "global":
        if sign:
            raise _Problem("'global' takes no sign")
        value = _include_property(after)
        return "global", include_default if value is None else value, ""
    if word in _FRAMES or word in _UNSUPPORTED_FRAMES:
        if sign or after.strip():
            raise _Problem(
                "a frame name stands alone in its command",
                token=stripped,
                hint="write e.g. 'galactic;circle(0, 0, 1)'",
            )
        if word in _UNSUPPORTED_FRAMES:
            raise _Problem(
                f"the ds9 coordinate system '{word}' is not supported",
                hint="use icrs, fk5, fk4, galactic, ecliptic or image",
            )
        return "frame", _FRAMES[word], ""
    if word == "tile":
        if sign or not re.fullmatch(r"\s*\d+\s*", after):
            raise _Problem("'tile' takes one tile number")
        return None, None, ""
    if word in _POINT_SYMBOLS:
        point = re.match(r"\s*point(?![a-z0-9])", after, re.IGNORECASE)
        if point:  # the old ds9 form "circle point(x, y)"
            word, after = "point", after[point.end() :]
    if word not in _SHAPES:
        raise _Problem("unknown ds9 shape or frame name", token=word)
    shape, following = _read_shape(word, sign, after, frame, include_default)
    if shape is None:
        return ("annotation" if word in _ANNOTATIONS else None), None, following
    local = _include_property(comment)
    if local is not None:
        shape.include = local
    return "shape", shape, following


# ---------------------------------------------------------------------- regions objects
def _build(shapes: list[_Shape], source: Ds9Source) -> list:
    """`regions` objects of the shapes, with all sky positions of a frame converted at once."""
    regions = []
    by_frame: dict = {}
    for shape in shapes:
        by_frame.setdefault(shape.frame, []).append(shape)
    centres = {}
    for frame, group in by_frame.items():
        if frame == "image":
            continue
        lon = np.array([c for shape in group for c in shape.coords[0::2]])
        lat = np.array([c for shape in group for c in shape.coords[1::2]])
        centres[frame] = SkyCoord(lon * u.deg, lat * u.deg, frame=frame)
    offsets = dict.fromkeys(by_frame, 0)
    for shape in shapes:
        n = len(shape.coords) // 2
        start = offsets[shape.frame]
        offsets[shape.frame] = start + n
        if shape.frame == "image":
            positions = PixCoord(np.array(shape.coords[0::2]), np.array(shape.coords[1::2]))
        elif shape.kind == "polygon":
            positions = centres[shape.frame][start : start + n]
        else:  # one position: a scalar SkyCoord straight away (slicing twice is slow)
            positions = [centres[shape.frame][start]]
        try:
            regions.extend(_objects(shape, positions))
        except ValueError as exc:  # a rule of `regions` not checked above
            where = source.where(shape.line, shape.command)
            reason = str(exc) if source.quote_content else type(exc).__name__
            raise Ds9Error(f"cannot parse {where}: {reason}") from None
    return regions


def _objects(shape: _Shape, positions) -> list:
    pixel = shape.frame == "image"
    meta = {"include": 1 if shape.include else 0}
    unit = 1.0 if pixel else u.deg

    def scaled(value):
        return value * unit

    if shape.kind == "polygon":
        cls = PolygonPixelRegion if pixel else PolygonSkyRegion
        return [cls(positions, meta=RegionMeta(meta))]
    centre = positions[0]
    if shape.kind == "point":
        cls = PointPixelRegion if pixel else PointSkyRegion
        return [cls(centre, meta=RegionMeta(meta))]
    if shape.kind == "circle":
        cls = CirclePixelRegion if pixel else CircleSkyRegion
        return [cls(centre, scaled(shape.sizes[0]), meta=RegionMeta(meta))]
    if shape.kind == "annulus":
        cls = CircleAnnulusPixelRegion if pixel else CircleAnnulusSkyRegion
        return [
            cls(centre, scaled(inner), scaled(outer), meta=RegionMeta(meta))
            for inner, outer in pairwise(shape.sizes)
        ]
    angle = shape.angle * u.deg
    factor = 2.0 if shape.kind == "ellipse" else 1.0  # ds9 ellipses are given by semi-axes
    pairs = [
        (factor * a, factor * b) for a, b in zip(shape.sizes[0::2], shape.sizes[1::2], strict=True)
    ]
    if len(pairs) == 1:
        if shape.kind == "ellipse":
            cls = EllipsePixelRegion if pixel else EllipseSkyRegion
        else:
            cls = RectanglePixelRegion if pixel else RectangleSkyRegion
        (width, height) = pairs[0]
        return [cls(centre, scaled(width), scaled(height), angle, meta=RegionMeta(meta))]
    if shape.kind == "ellipse":
        cls = EllipseAnnulusPixelRegion if pixel else EllipseAnnulusSkyRegion
    else:
        cls = RectangleAnnulusPixelRegion if pixel else RectangleAnnulusSkyRegion
    return [
        cls(
            centre,
            inner_width=scaled(inner[0]),
            outer_width=scaled(outer[0]),
            inner_height=scaled(inner[1]),
            outer_height=scaled(outer[1]),
            angle=angle,
            meta=RegionMeta(meta),
        )
        for inner, outer in pairwise(pairs)
    ]
