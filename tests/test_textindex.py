"""The text index: prefix, word and substring matches equal a plain scan; typos are found."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from floorplan.textindex import TextIndex

ALPHABET = "abcdefg 洗手间能源-1"
words = st.text(alphabet=ALPHABET, min_size=0, max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(words, min_size=0, max_size=40, unique=True), words)
def test_matches_equal_a_plain_scan(choices: list[str], needle: str) -> None:
    index = TextIndex(choices)
    expect_prefix = [i for i, c in enumerate(choices) if c.startswith(needle)]
    assert index.prefix(needle).tolist() == expect_prefix
    if needle:
        expect = [i for i, c in enumerate(choices) if needle in c]
        assert index.contains(needle).tolist() == expect
    again = TextIndex.from_arrays(index.arrays())
    assert again.choices == choices
    assert again.prefix(needle).tolist() == expect_prefix


def test_empty_index_and_empty_needle() -> None:
    index = TextIndex([])
    assert len(index) == 0
    assert index.prefix("a").tolist() == []
    assert index.contains("ab").tolist() == []
    assert index.fuzzy("abc", scorer=fuzz.WRatio, cutoff=50, limit=5) == []
    assert TextIndex(["x"]).contains("").tolist() == []
    assert TextIndex(["x"]).contains("a\nb").tolist() == []


def test_typos_are_found_among_many() -> None:
    rng = np.random.default_rng(3)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    noise = ["".join(rng.choice(letters, size=rng.integers(5, 30))) for _ in range(20_000)]
    choices = [*noise, "toilet", "sunpower energy", "suzhou huayu automotive sensor group"]
    index = TextIndex(choices)
    for typo, meant in [
        ("tiolet", "toilet"),
        ("sunpwer", "sunpower energy"),
        ("huayu automtive", "suzhou huayu automotive sensor group"),
    ]:
        found = index.fuzzy(typo, scorer=fuzz.WRatio, cutoff=72, limit=10)
        assert choices.index(meant) in [i for i, _ in found], typo
        # The scores are the scorer's own.
        for i, score in found:
            assert score == pytest.approx(fuzz.WRatio(typo, choices[i]))


def test_candidates_are_capped() -> None:
    choices = [f"energy {i}" for i in range(500)]
    assert len(TextIndex(choices).candidates("enrgy", most=50)) == 50
