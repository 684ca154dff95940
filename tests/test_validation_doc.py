"""docs/validation.md is current: its generated blocks are what the code writes now.

The cheap blocks (tables from the data and the facts files) are compared directly. The
scorecard block is compared through its fingerprint (``sim.history.scorecard.fingerprint``:
code, data, cases, budget, seed and a probe of the model's results), so that the test
does not re-run the full card. Regenerate with ``python -m sim.validate --doc docs/validation.md``.
"""

from __future__ import annotations

from pathlib import Path

import functools

import pytest

from sim.history.docs import STATIC_BLOCKS, block, fingerprint_of, splice, static_blocks
from sim.history.scorecard import FULL, fingerprint

DOC = Path(__file__).resolve().parents[1] / "docs" / "validation.md"
REGENERATE = "stale: regenerate with python -m sim.validate --doc docs/validation.md"


@functools.lru_cache(maxsize=1)
def _static() -> dict[str, str]:
    return static_blocks()


@pytest.mark.parametrize("name", STATIC_BLOCKS)
def test_generated_block_is_current(name):
    assert block(DOC.read_text(), name) == _static()[name], f"{name} {REGENERATE}"


def test_every_static_block_is_listed():
    assert sorted(_static()) == sorted(STATIC_BLOCKS)


def test_scorecard_block_is_the_full_card_of_the_current_code_and_model():
    assert fingerprint_of(DOC.read_text()) == fingerprint(FULL, 0), f"scorecard {REGENERATE}"


def test_splice_replaces_only_the_block():
    text = "a\n<!-- generated: x -->\nold\n<!-- end: x -->\nb\n"
    assert splice(text, {"x": "new\n"}) == "a\n<!-- generated: x -->\nnew\n<!-- end: x -->\nb\n"
    with pytest.raises(ValueError, match="y: no generated block"):
        splice(text, {"y": ""})
