"""YAML checksums (gammapy 2.1's ``gammapy.utils.check``)."""

from __future__ import annotations

import hashlib

import pytest
import yaml

from skymask.utils.check import add_checksum, verify_checksum, yaml_checksum


def test_yaml_checksum_is_gammapys_md5():
    # gammapy 2.1's own test: this text has checksum 47fd166725c49519c7c31c19f53b53dd.
    text = yaml.dump(
        {"a": 50, "b": 3.14e-12}, sort_keys=False, indent=4, width=80, default_flow_style=False
    )
    assert yaml_checksum(text) == "47fd166725c49519c7c31c19f53b53dd"
    assert yaml_checksum(text) == hashlib.md5(text.encode("utf-8")).hexdigest()
    assert verify_checksum(text, "47fd166725c49519c7c31c19f53b53dd")
    assert not verify_checksum(text + " ", "47fd166725c49519c7c31c19f53b53dd")


def test_add_checksum_appends_one_yaml_entry_that_verifies():
    text = "name: crab\nnorm: 1.3\n"
    with_checksum = add_checksum(text)
    assert with_checksum.startswith(text)
    data = yaml.safe_load(with_checksum)
    assert data.pop("checksum") == hashlib.md5(text.encode()).hexdigest()
    assert data == {"name": "crab", "norm": 1.3}
    assert verify_checksum(text, yaml.safe_load(with_checksum)["checksum"])


def test_yaml_checksum_refuses_non_text():
    with pytest.raises(TypeError, match="must be the YAML text"):
        yaml_checksum({"a": 1})
