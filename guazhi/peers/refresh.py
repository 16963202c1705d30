"""Recomputing every secondment's peers: read, tokenise and rank outside any transaction, then
replace the PeerLink and PeerProfile rows in one short transaction (readers see the old rows or
the new ones, never a mix).

Bounded at province scale (10,000 secondments, 5 million entries): the category mix and figure
totals come from the ledger's running totals (a few thousand rows, not the entries); the text of
a secondment is its ENTRIES_PER_SECONDMENT latest entries (title and the first ENTRY_CHARS
characters, cut by the database) and its shared writings (the first WRITING_CHARS characters of
each), read one secondment at a time over the (secondment, date) index and dropped once
tokenised. docs/peers.md gives the measured time.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models.functions import Substr
from django.utils import timezone

from guazhi.ledger.models import Entry, SecondmentCategoryTally, SecondmentFigureTally
from guazhi.lib.peer_vectors import TOP_PEERS, PeerIndex, tokens
from guazhi.library.models import Share
from guazhi.peers.models import PeerLink, PeerProfile
from guazhi.roster.models import Secondment, Unit

logger = logging.getLogger(__name__)

ENTRIES_PER_SECONDMENT = 120
ENTRY_CHARS = 200
WRITINGS_PER_SECONDMENT = 5
WRITING_CHARS = 3000
WRITE_BATCH = 2000


@dataclass
class Outcome:
    secondments: int
    links: int
    read_s: float
    rank_s: float
    write_s: float
    computed_at: datetime


def _texts(secondment_id: int) -> Iterator[str]:
    entries = (
        Entry.objects.filter(secondment_id=secondment_id)
        .order_by("-date", "-pk")
        .annotate(head=Substr("text", 1, ENTRY_CHARS))
        .values_list("title", "head")[:ENTRIES_PER_SECONDMENT]
    )
    for title, head in entries:
        yield f"{title}。{head}"
    shares = (
        Share.objects.active()
        .filter(writing__secondment_id=secondment_id)
        .order_by("-shared_at", "-pk")
        .annotate(head=Substr("writing__text", 1, WRITING_CHARS))
        .values_list("writing__title", "head")[:WRITINGS_PER_SECONDMENT]
    )
    for title, head in shares:
        yield f"{title}。{head}"


PLACE_SUFFIXES = ("街道", "社区", "村委会", "村", "镇", "乡", "县", "区", "市")


def place_words() -> set[str]:
    """The words of every unit's name, with and without its 村/镇/街道… suffix: where a cadre
    worked (the same villages for everyone in a town) is not what they did."""
    words: set[str] = set()
    for name in Unit.objects.values_list("name", flat=True).iterator():
        stem = name
        for suffix in PLACE_SUFFIXES:
            if stem.endswith(suffix) and len(stem) > len(suffix) + 1:
                stem = stem[: -len(suffix)]
                break
        words.update({name, stem, *tokens(name), *tokens(stem)})
    return words


def build_index(progress: Callable[[int, int], None] | None = None) -> PeerIndex:
    """Every secondment with ledger entries or a shared writing, added to a PeerIndex."""
    categories: dict[int, dict[int, float]] = defaultdict(dict)
    for sec, cat, n in SecondmentCategoryTally.objects.filter(entries__gt=0).values_list(
        "secondment_id", "category_id", "entries"
    ):
        categories[sec][cat] = n
    figures: dict[int, dict[int, float]] = defaultdict(dict)
    for sec, fid, cents in SecondmentFigureTally.objects.filter(total_cents__gt=0).values_list(
        "secondment_id", "field_id", "total_cents"
    ):
        figures[sec][fid] = cents / 100
    with_shares = set(
        Share.objects.active().values_list("writing__secondment_id", flat=True).distinct()
    )
    wanted = sorted(categories.keys() | with_shares)
    cadres = dict(Secondment.objects.filter(pk__in=wanted).values_list("pk", "cadre_id"))
    index = PeerIndex(ignore=place_words())
    for done, sec in enumerate(wanted, start=1):
        if sec not in cadres:  # deleted since the totals were read
            continue
        index.add(
            sec,
            group=cadres[sec],
            categories=categories.get(sec, {}),
            figures=figures.get(sec, {}),
            texts=_texts(sec),
        )
        if progress is not None and (done % 200 == 0 or done == len(wanted)):
            progress(done, len(wanted))
    return index


def refresh(*, top: int = TOP_PEERS, progress: Callable[[int, str], None] | None = None) -> Outcome:
    """Recompute all peers. `progress(percent, message)` is told how far it got: reading is
    the first 70 %, ranking the next 25 %."""
    import time

    def report(percent: int, message: str) -> None:
        if progress is not None:
            progress(percent, message)

    started = time.perf_counter()
    index = build_index(
        lambda done, total: report(
            done * 70 // max(total, 1), f"已读取 {done} / {total} 个挂职任职"
        )
    )
    read_s = time.perf_counter() - started
    ranking = index.rank(
        top=top,
        progress=lambda done, total: report(
            70 + done * 25 // max(total, 1), f"已比较 {done} / {total} 个挂职任职"
        ),
    )
    rank_s = time.perf_counter() - started - read_s
    now = timezone.now()
    links = [
        PeerLink(
            secondment_id=sec,
            peer_id=m.peer,
            rank=rank,
            score=m.score,
            reasons=m.reasons(),
            computed_at=now,
        )
        for sec, matches in ranking.peers.items()
        for rank, m in enumerate(matches, start=1)
    ]
    profiles = [
        PeerProfile(secondment_id=sec, keywords=words, computed_at=now)
        for sec, words in ranking.keywords.items()
    ]
    report(96, "正在保存结果")
    with transaction.atomic():
        PeerLink.objects.all().delete()
        PeerProfile.objects.all().delete()
        PeerProfile.objects.bulk_create(profiles, batch_size=WRITE_BATCH)
        PeerLink.objects.bulk_create(links, batch_size=WRITE_BATCH)
    write_s = time.perf_counter() - started - read_s - rank_s
    logger.info("peers refreshed: %d secondments, %d links", len(index), len(links))
    return Outcome(len(index), len(links), read_s, rank_s, write_s, now)


def last_computed() -> datetime | None:
    return (
        PeerProfile.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
    )
