from __future__ import annotations

import pytest
from evaluation_helpers import open_round


@pytest.fixture
def round_a(programme_admin, host_liaison, cadre_a):
    """An open round of cadre_a (柳溪镇), opened by the town's liaison: 干部职工 8 raters."""
    return open_round(host_liaison, [cadre_a.secondments.get()])
