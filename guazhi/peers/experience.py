"""What the 「同届经验」 page shows about a secondment's peers, and to whom (docs/peers.md).

The rule, per peer:
- who: the name, cohort, host unit and post when the viewer may know the peer — the programme
  admin; anyone whose roster scope holds the peer's secondment; a cadre for peers of their own
  cohort (they meet at the exchange meeting and read each other's shared writings). Otherwise
  the peer is "a cadre of <cohort>", with everything below still shown;
- why similar: the shared key words (words of the viewer's own ledger as well, by construction),
  the shared categories with both sides' entry counts, the figure fields both recorded — all
  aggregates; no entry of the peer is ever shown or linked unless the viewer may see it anyway;
- shared writings: exactly `Share.objects.visible_to(viewer)`; the others are only counted;
- resolved problems: listed (description, action taken, outcome) only when
  `Problem.objects.visible_to(viewer)` holds them, the most relevant to the secondment's key words
  first; otherwise counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from guazhi.accounts.models import User
from guazhi.contacts.models import Problem, ProblemStatus
from guazhi.ledger.models import Category, FigureField, SecondmentCategoryTally
from guazhi.library.models import Share, cohort_ids_of
from guazhi.peers.models import PeerLink, PeerProfile
from guazhi.roster.models import Secondment

PROBLEMS_SHOWN = 3
SHARES_SHOWN = 5


@dataclass
class SharedCategory:
    name: str
    mine: int
    theirs: int


@dataclass
class PeerCard:
    link: PeerLink
    peer: Secondment
    known: bool
    terms: list[str]
    categories: list[SharedCategory]
    figures: list[str]
    shares: list[Share] = field(default_factory=list)
    hidden_shares: int = 0
    problems: list[Problem] = field(default_factory=list)
    hidden_problems: int = 0
    resolved_total: int = 0

    @property
    def label(self) -> str:
        if self.known:
            return self.peer.cadre.name
        return f"{self.peer.cohort.name}的一位挂职干部"


def known_peers(user: User, peers: list[Secondment]) -> set[int]:
    """The peers (secondment ids) the viewer may know by name."""
    ids = [p.pk for p in peers]
    if user.is_programme_admin:
        return set(ids)
    known = set(Secondment.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    if user.is_cadre:
        cohorts = set(cohort_ids_of(user).values_list("cohort_id", flat=True))
        known |= {p.pk for p in peers if p.cohort_id in cohorts}
    return known


def _relevance(problem: Problem, words: list[str]) -> int:
    text = f"{problem.description}{problem.action_taken}{problem.evidence}"
    return sum(1 for w in words if w in text)


def peer_cards(user: User, secondment: Secondment) -> dict[str, Any]:
    """The page's context: the secondment's key words and its peers as cards. A fixed number of
    queries whatever the number of peers."""
    profile = PeerProfile.objects.filter(secondment=secondment).first()
    words: list[str] = profile.keywords if profile else []
    links = list(
        PeerLink.objects.visible_to(user)
        .filter(secondment=secondment)
        .select_related("peer__cadre", "peer__cohort", "peer__host_unit")
        .order_by("rank")
    )
    peers = [link.peer for link in links]
    peer_ids = [p.pk for p in peers]
    known = known_peers(user, peers)
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for sec, cat, n in SecondmentCategoryTally.objects.filter(
        secondment_id__in=[secondment.pk, *peer_ids]
    ).values_list("secondment_id", "category_id", "entries"):
        counts[sec][cat] = n
    category_names = dict(Category.objects.values_list("pk", "name"))
    field_ids = {f for link in links for f in link.reasons.get("field_ids", [])}
    field_labels = dict(FigureField.objects.filter(pk__in=field_ids).values_list("pk", "label"))

    visible_shares: dict[int, list[Share]] = defaultdict(list)
    for share in (
        Share.objects.visible_to(user)
        .filter(writing__secondment_id__in=peer_ids)
        .select_related("writing")
        .order_by("-shared_at", "-pk")
    ):
        visible_shares[share.writing.secondment_id].append(share)
    all_shares = dict(
        Share.objects.active()
        .filter(writing__secondment_id__in=peer_ids)
        .values_list("writing__secondment_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    resolved = Problem.objects.filter(secondment_id__in=peer_ids, status=ProblemStatus.RESOLVED)
    resolved_counts = dict(resolved.values_list("secondment_id").annotate(n=Count("pk")).order_by())
    visible_problems: dict[int, list[Problem]] = defaultdict(list)
    for problem in Problem.objects.visible_to(user).filter(
        secondment_id__in=peer_ids, status=ProblemStatus.RESOLVED
    ):
        visible_problems[problem.secondment_id].append(problem)

    cards = []
    mine = counts.get(secondment.pk, {})
    for link, peer in zip(links, peers, strict=True):
        theirs = counts.get(peer.pk, {})
        problems = sorted(
            visible_problems.get(peer.pk, []),
            key=lambda p: (-_relevance(p, words), -(p.resolved_date or p.found_date).toordinal()),
        )
        shares = visible_shares.get(peer.pk, [])
        total_resolved = resolved_counts.get(peer.pk, 0)
        cards.append(
            PeerCard(
                link=link,
                peer=peer,
                known=peer.pk in known,
                terms=link.reasons.get("terms", [])[:6],
                categories=[
                    SharedCategory(category_names[c], mine.get(c, 0), theirs.get(c, 0))
                    for c in link.reasons.get("category_ids", [])
                    if c in category_names
                ],
                figures=[
                    field_labels[f] for f in link.reasons.get("field_ids", []) if f in field_labels
                ],
                shares=shares[:SHARES_SHOWN],
                hidden_shares=max(0, all_shares.get(peer.pk, 0) - len(shares)),
                problems=problems[:PROBLEMS_SHOWN],
                hidden_problems=total_resolved - len(visible_problems.get(peer.pk, [])),
                resolved_total=total_resolved,
            )
        )
    return {
        "keywords": words,
        "cards": cards,
        "computed_at": profile.computed_at if profile else None,
    }
