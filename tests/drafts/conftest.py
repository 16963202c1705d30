from datetime import date

import pytest

# Drafts are generated as of this day (inside the fixtures' secondment, after every entry).
TODAY = date(2026, 11, 20)


@pytest.fixture
def secondment_a(cadre_a):
    return cadre_a.secondments.get()
