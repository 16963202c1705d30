"""Codes: alphabet and entropy, normalisation of what people type, and the keyed hash."""

from __future__ import annotations

import doctest
import math

import pytest

from guazhi.evaluation import codes
from guazhi.evaluation.models import Code


def test_doctests(settings) -> None:
    assert doctest.testmod(codes).failed == 0


def test_alphabet_has_no_look_alikes_and_enough_entropy() -> None:
    assert not set("0O1IL") & set(codes.ALPHABET)
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET) == 31
    assert codes.CODE_LENGTH * math.log2(len(codes.ALPHABET)) > 39


def test_codes_are_spread_over_the_alphabet() -> None:
    made = [codes.code_for(codes.new_nonce()) for _ in range(2000)]
    assert len(set(made)) == 2000
    assert all(len(c) == 8 and set(c) <= set(codes.ALPHABET) for c in made)
    assert set("".join(made)) == set(codes.ALPHABET)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("abcd efgh", "ABCDEFGH"), ("ABCD-EFGH", "ABCDEFGH"), ("ａｂｃｄ－ｅｆｇｈ", "ABCDEFGH")],
)
def test_normalise_forgives_case_spaces_dashes_and_full_width(typed, expected) -> None:
    assert codes.normalise(typed) == expected


@pytest.mark.parametrize("typed", ["", "ABCDEFG", "ABCDEFGHJ", "ABCDEFG0", "ABCDEFGI", "ABCD EFGL"])
def test_normalise_refuses_what_cannot_be_a_code(typed) -> None:
    assert codes.normalise(typed) is None


def test_the_database_holds_no_code(round_a) -> None:
    """Only a nonce and an HMAC digest are stored; neither is the code, and without the key
    the digest cannot be recomputed."""
    row = Code.objects.filter(round=round_a).first()
    plain = codes.code_for(row.nonce)
    stored = [str(v) for v in Code.objects.filter(pk=row.pk).values().get().values()]
    assert not any(plain in value or codes.pretty(plain) in value for value in stored)
    assert row.digest == codes.digest(plain)
    assert row.digest != codes.digest(plain, key=b"another key")


def test_changing_the_key_changes_every_code(settings, round_a) -> None:
    row = Code.objects.filter(round=round_a).first()
    before = codes.code_for(row.nonce)
    settings.GUAZHI_EVALUATION_KEY = "a key of the deployment's own"
    assert codes.code_for(row.nonce) != before
