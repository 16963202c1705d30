"""Permission-checking fetches for the peers pages: a page the user may not use answers 404."""

from __future__ import annotations

from guazhi.roster.access import (
    business_user,
    get_visible_cohort,
    get_visible_secondment,
    programme_admin,
)

# A secondment's peers: whoever may see the secondment. A cohort's map: whoever may see the
# cohort (its cadres, the liaisons of its cadres, the admin); the rows are scoped in cohort_map.
__all__ = ["business_user", "get_visible_cohort", "get_visible_secondment", "programme_admin"]
