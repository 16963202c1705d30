"""Demo of the originality check (issue 8 item 8): a reference corpus of template-site essays,
demo writings copied from them and from each other with the disguises real copiers use, and a
report for every submitted demo writing, computed at once so `make run` shows them.

The template essays are composed at run time from the even-year government work reports in
../shared/corpora (official documents, not protected by copyright): a 范文网-style title and
paragraphs from one report; another report gives the speech one cadre copies from another.
Without the corpora no copies are made (the honest demo writings are still checked).

Disguises: the site's header and footer (下面是小编为大家整理的……供大家参考), half-width
punctuation, masked names (XX镇, ×××), and traditional script (when OpenCC is installed). The
checks run in submission order, starting from an index holding the reference corpus alone, so
an original is never reported as a copy of the writing copied from it.

Runs once: nothing is added when any reference text exists.
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from guazhi.accounts.models import Role, User
from guazhi.lib import demo_corpus
from guazhi.lib.writing_text import Block, blocks_to_text, paragraph
from guazhi.roster.demo_data import DEMO_CADRE_NAME
from guazhi.roster.models import Secondment
from guazhi.similarity import checking, store
from guazhi.similarity.corpus_files import content_hash
from guazhi.similarity.models import ReferenceText
from guazhi.writings.models import (
    EventAction,
    Writing,
    WritingEvent,
    WritingKind,
    WritingStatus,
    WritingVersion,
)

SEED = 20260815
REPORTS = Path(settings.BASE_DIR).parent / "shared" / "corpora" / "gov-work-reports"
SITE = "公文范文网"
HEADER = "下面是小编为大家整理的{title}，供大家参考。"
FOOTER = "以上就是小编为大家整理的{title}，更多精彩范文请关注{site}。"
ESSAY_TITLES = (
    "2025年挂职干部心得体会范文（精选）",
    "挂职锻炼个人工作总结范文",
    "挂职干部交流发言稿范文",
    "基层挂职锻炼心得体会3篇",
    "乡镇挂职锻炼工作总结及下一步打算",
    "挂职干部季度工作小结范文",
)
# Which demo writing copies which essay, and how: (kind, title, essay, disguises)
TEMPLATE_COPIES = (
    (WritingKind.REFLECTION, "挂职锻炼心得体会（补充）", 0, ("header", "punctuation")),
    (WritingKind.TERM_SUMMARY, "挂职锻炼工作总结", 1, ("header", "masks")),
    (WritingKind.SPEECH, "在挂职干部交流会上的发言", 2, ("punctuation", "masks")),
    (WritingKind.QUARTERLY, "季度工作小结", 5, ("traditional",)),
)


def seed_similarity(*, actor: User) -> int:
    """Add the demo corpus and copies, check every submitted demo writing; returns the number
    of reports made (0 on a second run)."""
    if ReferenceText.objects.exists():
        return 0
    rng = random.Random(SEED)
    with transaction.atomic():
        pools = _paragraphs(rng)
        essays = _template_essays(rng, actor, pools)
        _copies(rng, essays, pools)
    return check_all()


def check_all() -> int:
    """Reports for every latest submission without one, in submission order."""
    _refresh_planner_statistics()
    references = ReferenceText.objects.active().values_list("pk", "text")
    store.reset((store.reference_id(pk), text) for pk, text in references)
    versions = (
        store.latest_submissions()
        .filter(similarity_report__isnull=True)
        .select_related("writing")
        .order_by("created_at", "pk")
    )
    count = 0
    for version in versions:
        report, _ = checking.prepare(version)
        checking.run_check(report.pk)
        count += 1
    return count


def _refresh_planner_statistics() -> None:
    """PostgreSQL plans each check's joins from table statistics; right after the demo's
    thousands of rows were inserted (before autovacuum looks, or inside one transaction) they
    still say "empty", and a nested loop over every writing made each check take seconds."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- Template essays ------------------------------------------------------------------------


def _paragraphs(rng: random.Random) -> list[list[str]]:
    """Paragraph pools, one per report, of even-year reports from 2000 on (the vocabulary of
    today; the honest demo writings quote odd years, see `guazhi.lib.demo_corpus`)."""
    found = demo_corpus.reports(REPORTS.parent, years=demo_corpus.for_templates)
    pools = [r.paragraphs for r in found if len(r.paragraphs) >= 10]
    rng.shuffle(pools)
    return pools


def _template_essays(
    rng: random.Random, actor: User, pools: list[list[str]]
) -> list[ReferenceText]:
    essays = []
    for title, pool in zip(ESSAY_TITLES, pools, strict=False):
        start = rng.randrange(0, len(pool) - 6)
        text = "\n".join(pool[start : start + 5])
        essays.append(
            ReferenceText.objects.create(
                title=title,
                source_note=f"{SITE}（演示：由政府工作报告段落组成）",
                text=text,
                chars=sum(1 for c in text if not c.isspace()),
                sha256=content_hash(text),
                file_name="演示范文.jsonl",
                uploaded_by=actor,
            )
        )
    return essays


# --- Disguises --------------------------------------------------------------------------------


def _disguise(text: str, title: str, disguises: tuple[str, ...]) -> str:
    if "punctuation" in disguises:
        text = text.translate(str.maketrans("，。；：", ",.;:"))
    if "masks" in disguises:
        text = text.replace("国务院", "XX县").replace("我国", "我县").replace("同志", "×××同志")
    if "traditional" in disguises:
        try:
            import opencc

            text = opencc.OpenCC("s2t").convert(text)
        except ImportError:  # OpenCC is a development dependency; the plain copy still counts
            pass
    if "header" in disguises:
        text = (
            HEADER.format(title=title) + "\n" + text + "\n" + FOOTER.format(title=title, site=SITE)
        )
    return text


# --- Copied writings ------------------------------------------------------------------------


def _cadre_user(secondment: Secondment) -> User | None:
    return User.objects.filter(role=Role.CADRE, cadre_id=secondment.cadre_id).first()


def _copies(rng: random.Random, essays: list[ReferenceText], pools: list[list[str]]) -> None:
    demo = (
        Secondment.objects.filter(cadre__name=DEMO_CADRE_NAME, writings__isnull=False)
        .select_related("cadre", "cohort", "host_unit")
        .distinct()
        .first()
    )
    if demo is None:
        return
    # Cadres of the demo cadre's cohort, in the demo town first: their host liaison sees the
    # reports of the copies, and the source of the copy between cadres is in another town.
    cohort = list(
        Secondment.objects.filter(cohort=demo.cohort, writings__status=WritingStatus.ACCEPTED)
        .exclude(pk=demo.pk)
        .select_related("cadre", "host_unit")
        .distinct()
        .order_by("pk")
    )
    same_town = [s for s in cohort if s.host_unit_id == demo.host_unit_id]
    elsewhere = [s for s in cohort if s.host_unit_id != demo.host_unit_id]
    copiers = [demo, *same_town, *elsewhere]
    for (kind, title, essay_no, disguises), secondment in zip(
        TEMPLATE_COPIES, copiers[1:] + copiers[:1], strict=False
    ):
        if essay_no < len(essays):
            essay = essays[essay_no]
            _submit(secondment, kind, title, _disguise(essay.text, essay.title, disguises))
    # A cadre posted elsewhere shares their own experience; the demo cadre lifts most of it.
    if elsewhere and len(pools) > len(ESSAY_TITLES):
        pool = pools[len(ESSAY_TITLES)]
        start = rng.randrange(0, len(pool) - 6)
        original = "\n".join(pool[start : start + 5])
        _submit(elsewhere[0], WritingKind.SPEECH, "在批次交流会上的经验分享", original)
        lines = original.split("\n")
        copied = "\n".join(lines[: max(2, len(lines) * 3 // 4)]).replace("。", "。\n")
        _submit(demo, WritingKind.REFLECTION, "挂职锻炼心得体会（二）", copied, later=True)


def _submit(
    secondment: Secondment, kind: str, title: str, text: str, *, later: bool = False
) -> Writing:
    """A submitted writing with its frozen version and history, written straight to the
    database as the writings' demo does (the check runs afterwards, in order)."""
    author = _cadre_user(secondment) or User.objects.filter(role=Role.PROGRAMME_ADMIN).first()
    assert author is not None
    blocks: list[Block] = [paragraph(line) for line in text.split("\n") if line.strip()]
    # After every other demo writing, so the copy is checked after its source.
    at = timezone.now() - timedelta(hours=1 if later else 2)
    writing = Writing.objects.create(
        secondment=secondment,
        kind=kind,
        title=title,
        body=blocks,
        text=blocks_to_text(blocks),
        status=WritingStatus.SUBMITTED,
        submitted_at=at,
        version=2,
        created_by=author,
        created_at=at - timedelta(hours=1),
    )
    WritingVersion.objects.create(
        writing=writing,
        number=1,
        title=title,
        body=blocks,
        text=writing.text,
        source="editor",
        is_submission=True,
        created_by=author,
        created_at=at,
    )
    draft, submitted = WritingStatus.DRAFT, WritingStatus.SUBMITTED
    WritingEvent.objects.create(
        writing=writing, action=EventAction.CREATE, actor=author, from_status=draft,
        to_status=draft, time=at - timedelta(hours=1),
    )  # fmt: skip
    WritingEvent.objects.create(
        writing=writing, action=EventAction.SUBMIT, actor=author, from_status=draft,
        to_status=submitted, time=at, version_number=1,
    )  # fmt: skip
    return writing
