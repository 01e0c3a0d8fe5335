"""Argument types and the progress bar of the command line."""

import argparse
import io

import pytest
from astropy import units as u

from skymask.cli._common import angle, angle_or_pixels, energy, one_line
from skymask.cli._progress import Progress


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize(
    ("text", "degrees"),
    [
        ("0.3deg", 0.3),
        ("0.3 deg", 0.3),
        ("18arcmin", 0.3),
        ("1080 arcsec", 0.3),
        ("0.3", 0.3),
        ("-5.78", -5.78),
        ("-5.78 deg", -5.78),
        ("83d37m59s", 83 + 37 / 60 + 59 / 3600),
        ("5h34m31.9s", (5 + 34 / 60 + 31.9 / 3600) * 15),
        ("1e-2rad", 0.5729577951308232),
    ],
)
def test_angle_forms(text, degrees):
    value = angle(text)
    assert value.unit == u.deg
    assert value.value == pytest.approx(degrees, rel=1e-12)


@pytest.mark.parametrize("text", ["abc", "0.3 kg", "3pix", "nan", "inf deg", "1 2"])
def test_bad_angles(text):
    with pytest.raises(argparse.ArgumentTypeError, match=r"not an angle|must be finite"):
        angle(text)


def test_angle_or_pixels():
    # The library's rule for morphology widths: plain numbers are pixels, as "3pix".
    assert angle_or_pixels("3pix") == 3 * u.pix
    assert angle_or_pixels("3 pix") == 3 * u.pix
    assert angle_or_pixels("3") == 3 * u.pix
    assert angle_or_pixels("0.2 deg") == 0.2 * u.deg
    with pytest.raises(argparse.ArgumentTypeError, match="must not be negative"):
        angle_or_pixels("-1pix")


def test_energy():
    assert energy("10GeV") == 10 * u.GeV
    assert energy("2 TeV") == 2 * u.TeV
    for text in ("10", "10 deg", "ten GeV"):
        with pytest.raises(argparse.ArgumentTypeError, match="not an energy"):
            energy(text)


def test_one_line():
    assert one_line("a:\n  left : x\n  right: y\n") == "a: left : x right: y"


def test_progress_is_silent_off_terminal():
    stream = io.StringIO()
    with Progress("job", total=10, stream=stream) as progress:
        for done in range(11):
            progress.update(done)
    assert not progress.enabled
    assert stream.getvalue() == ""


def test_progress_on_terminal():
    stream = FakeTerminal()
    with Progress("skymask job", total=4, unit="steps", stream=stream) as progress:
        progress.update(1, "reading")
        progress.update(1, "reading")  # unchanged: not redrawn
    text = stream.getvalue()
    assert text.count("\r") == 3  # start, step 1, finish
    assert "\rskymask job: [#######-----------------------]  25% 1/4 steps reading" in text
    assert text.endswith("\n")
    assert text.rstrip().endswith("] 100% 4/4 steps")


def test_progress_erased_on_error():
    stream = FakeTerminal()
    with pytest.raises(RuntimeError), Progress("job", total=2, stream=stream) as progress:
        progress.update(1)
        raise RuntimeError("stop")
    assert stream.getvalue().endswith(
        "\r" + " " * len("job: [" + "#" * 15 + "-" * 15 + "]  50% 1/2") + "\r"
    )
