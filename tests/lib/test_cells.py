"""Cell parsing is pure (no Django) and documented by its doctests, run here."""

from __future__ import annotations

import doctest
from datetime import date
from pathlib import Path

import pytest

from guazhi.lib import cells
from guazhi.lib.cells import CellError, parse_date


def test_doctests():
    failed, attempted = doctest.testmod(cells, optionflags=doctest.ELLIPSIS)
    assert attempted > 10 and failed == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1985-04-12 00:00:00", (date(1985, 4, 12), True)),
        ("１９８５／４／１２", (date(1985, 4, 12), True)),
        (31149, (date(1985, 4, 12), True)),  # an Excel date serial shown as a number
        ("198504", (date(1985, 4, 1), False)),
    ],
)
def test_date_forms(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["1850-01-01", "明年", True, 1.23456])
def test_unreadable_dates_explain_themselves(value):
    with pytest.raises(CellError) as exc:
        parse_date(value)
    assert str(exc.value).endswith("。")


def test_no_django_in_lib_cells():
    source = Path(cells.__file__).read_text(encoding="utf-8")
    assert "django" not in source and "guazhi.roster" not in source
