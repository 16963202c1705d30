"""A province-scale programme with its ledger, generated straight into the configured database.

At scale 1: 20,000 cadres, 25,000 secondments, 200 host units (bench/roster_data.populate), then
5,000,000 ledger entries with figures (the demo ledger's category mix and templates, dates over
the last two years), 50,000 key-project milestones (about 7,100 projects, 7 steps each), and four
logins: bench_admin, bench_host (host liaison of one county), bench_home (home liaison of one
department), bench_cadre (a cadre on post with a long ledger). Scale 0.1 is a tenth, 0.01 a
hundredth. Deterministic for a given seed.

For search (issue 8): 500,000 writings of every kind (a third of them accepted and shared with
the cohort, so in the library and the search index; every 1,000th mentions the rare term
钠离子电池), then the search index of every entry and shared writing, written in batches as
`manage.py search_index --rebuild` would. Generated writings have no versions, and
bench_admin stands in as their creator and sharer.

Entries and figures are written with `executemany` in batches of 20,000 rows with ids chosen
here (no round trip for the ids); on SQLite `PRAGMA synchronous=OFF` for the generation only
(the journal mode stays WAL); on PostgreSQL the same batched inserts (no COPY), then the id
sequences are moved past the ids written.

    python bench/scale_data.py --scale 0.01     # into the configured database (an empty one)
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCH = 20_000
SEED = 7
PASSWORD = "Bench#2026pass"


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guazhi.settings")
    import django

    django.setup()


def sizes(factor: float) -> dict[str, int]:
    return {
        "cadres": int(20_000 * factor),
        "secondments": int(25_000 * factor),
        "host_units": max(20, int(200 * factor)),
        "entries": int(5_000_000 * factor),
        "milestones": int(50_000 * factor),
        "writings": int(500_000 * factor),
    }


def populate(factor: float, *, seed: int = SEED, today: date | None = None) -> dict[str, object]:
    """Generate everything; returns the sizes and the seconds each part took."""
    from django.db import connection
    from django.utils import timezone
    from roster_data import Scale
    from roster_data import populate as populate_roster

    today = today or timezone.localdate()
    want = sizes(factor)
    timings: dict[str, float] = {}
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")

    began = time.perf_counter()
    populate_roster(
        Scale(
            cadres=want["cadres"],
            secondments=want["secondments"],
            audit_records=min(2_000, want["cadres"]),
            host_units=want["host_units"],
        ),
        seed=seed,
    )
    timings["roster_s"] = time.perf_counter() - began

    rng = random.Random(seed)
    logins = _logins(today)
    began = time.perf_counter()
    figures = _ledger(rng, want["entries"], logins, today)
    timings["ledger_s"] = time.perf_counter() - began
    began = time.perf_counter()
    projects = _projects(rng, want["milestones"], today)
    timings["projects_s"] = time.perf_counter() - began
    began = time.perf_counter()
    shared = _writings(rng, want["writings"], today)
    timings["writings_s"] = time.perf_counter() - began
    if connection.vendor == "postgresql":
        _reset_sequences()
    began = time.perf_counter()
    _search_index()
    timings["search_index_s"] = time.perf_counter() - began
    # Entries were inserted directly: the dashboards' running totals are computed once, as
    # `manage.py ledger_tallies --rebuild` would.
    began = time.perf_counter()
    from guazhi.ledger import tallies

    tallies.rebuild()
    timings["tallies_s"] = time.perf_counter() - began
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze_s"] = time.perf_counter() - began
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
    return {
        **want,
        "figures": figures,
        "projects": projects,
        "shared_writings": shared,
        **{k: round(v, 1) for k, v in timings.items()},
    }


# --- Logins -------------------------------------------------------------------------------------


def _logins(today: date) -> dict[str, int]:
    """Host and home liaison and a cadre with a login; bench_admin is roster_data's."""
    from guazhi.accounts.models import Role, User
    from guazhi.roster.models import Secondment, SecondmentStatus, Unit, UnitKind

    county = Unit.objects.filter(kind=UnitKind.COUNTY).order_by("pk").first()
    department = Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("pk").first()
    host = User.objects.create_user(
        username="bench_host",
        password=PASSWORD,
        role=Role.HOST_LIAISON,
        unit=county,
        full_name="基准接收单位联络员",
        must_change_password=False,
    )
    User.objects.create_user(
        username="bench_home",
        password=PASSWORD,
        role=Role.HOME_LIAISON,
        unit=department,
        full_name="基准派出单位联络员",
        must_change_password=False,
    )
    mine = (
        Secondment.objects.filter(
            status=SecondmentStatus.ACTIVE, host_unit__path__startswith=county.path
        )  # type: ignore[union-attr]
        .order_by("pk")
        .first()
    )
    assert mine is not None, "no secondment on post in the first county"
    User.objects.create_user(
        username="bench_cadre",
        password=PASSWORD,
        role=Role.CADRE,
        cadre_id=mine.cadre_id,
        full_name="基准干部",
        must_change_password=False,
    )
    return {"host": host.pk, "secondment": mine.pk}


# --- Ledger -------------------------------------------------------------------------------------

ENTRY_COLUMNS = (
    "id, secondment_id, date, category_id, place_unit_id, place_text, title, text, tags, status, "
    "confirmed_by_id, confirmed_at, return_comment, version, client_uuid, created_by_id, "
    "created_at, updated_at"
)
RETURNS = ("请补充现场照片。", "数据与台账不一致，请核对后重新提交。", "请写明走访的具体企业名单。")
TAGS = ("营商环境", "乡村振兴", "安全生产", "民生", "基层治理")


def _ledger(rng: random.Random, total: int, logins: dict[str, int], today: date) -> int:
    """`total` entries over the last two years, by the demo ledger's category weights and
    templates; on-post secondments get three times the entries of finished ones. Returns the
    number of figures written."""
    from django.db import connection, transaction
    from django.utils import timezone as djtz

    from guazhi.ledger import demo_data as demo
    from guazhi.ledger.models import Category, FigureField
    from guazhi.roster.models import Secondment, SecondmentStatus

    ops = connection.ops
    native_uuid = connection.features.has_native_uuid_field
    categories = {c.name: c.pk for c in Category.objects.all()}
    fields = {(f.category_id, f.key): (f.pk, f.kind) for f in FigureField.objects.all()}
    names = [n for n in demo.WEIGHTS if n in categories]
    weights = [demo.WEIGHTS[n] for n in names]
    rows = list(
        Secondment.objects.filter(
            status__in=[SecondmentStatus.ACTIVE, SecondmentStatus.COMPLETED]
        ).values_list("pk", "status")
    )
    pool = [pk for pk, status in rows for _ in range(3 if status == SecondmentStatus.ACTIVE else 1)]
    # The bench cadre's secondment gets a long ledger (about 2 years × 3 a week).
    own = logins["secondment"]
    own_every = max(1, total // 300)
    days = 730
    first = today - timedelta(days=days - 1)
    day_values = [ops.adapt_datefield_value(first + timedelta(days=d)) for d in range(days)]

    def at(d: int, hour: int) -> object:
        moment = datetime.combine(first + timedelta(days=d), dtime(hour))
        return ops.adapt_datetimefield_value(djtz.make_aware(moment))

    written_at = [at(d, 20) for d in range(days)]
    confirmed_at = [at(min(d + 2, days - 1), 10) for d in range(days)]
    host = logins["host"]
    entry_sql = f"INSERT INTO ledger_entry ({ENTRY_COLUMNS}) VALUES ({', '.join(['%s'] * 18)})"  # noqa: S608
    figure_sql = (
        "INSERT INTO ledger_entryfigure (id, entry_id, field_id, value) VALUES (%s, %s, %s, %s)"
    )
    slots_fixed = {"enterprise": demo.ENTERPRISES, "bank": demo.BANKS, "project": demo.PROJECTS}
    villages = [f"{v}村" for v in ("柳溪", "白沙", "云台", "石门", "龙泉", "东关", "青山", "安平")]

    entry_id = 0
    figure_id = 0
    while entry_id < total:
        entries, figures = [], []
        for _ in range(min(BATCH, total - entry_id)):
            entry_id += 1
            secondment = own if entry_id % own_every == 0 else pool[rng.randrange(len(pool))]
            name = rng.choices(names, weights)[0]
            category = categories[name]
            template = rng.choice(demo.TEMPLATES[name])
            values: dict[str, Decimal] = {}
            for key, (low, high) in template.figures.items():
                found = fields.get((category, key))
                if found is None:
                    continue
                if found[1] == "decimal":
                    value = Decimal(str(round(rng.uniform(low, high), 1)))
                else:
                    value = Decimal(rng.randint(int(low), int(high)))
                if value:
                    values[key] = value
                    figure_id += 1
                    figures.append((figure_id, entry_id, found[0], value))
            slots = {k: rng.choice(v) for k, v in slots_fixed.items()}
            slots["village"] = rng.choice(villages)
            slots.update({k: demo._fmt(v) for k, v in values.items()})
            d = rng.randrange(days)
            age = days - 1 - d
            roll = rng.random()
            if (age > 14 and roll < 0.9) or (age > 3 and roll < 0.4):
                status, by, when, comment, version = "confirmed", host, confirmed_at[d], "", 2
            elif age > 14 and roll < 0.95:
                status, by, when, comment, version = "returned", None, None, rng.choice(RETURNS), 2
            else:
                status, by, when, comment, version = "pending", None, None, "", 1
            key = uuid.UUID(int=rng.getrandbits(128), version=4)
            entries.append(
                (
                    entry_id,
                    secondment,
                    day_values[d],
                    category,
                    None,
                    rng.choice(demo.PLACES),
                    template.title,
                    template.text.format(**slots),
                    rng.choice(TAGS),
                    status,
                    by,
                    when,
                    comment,
                    version,
                    key if native_uuid else key.hex,
                    None,
                    written_at[d],
                    written_at[d],
                )
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(entry_sql, entries)
            cursor.executemany(figure_sql, figures)
        if entry_id % 500_000 < BATCH:
            print(f"  {entry_id:,} entries, {figure_id:,} figures", file=sys.stderr, flush=True)
    return figure_id


# --- Key projects -------------------------------------------------------------------------------


def _projects(rng: random.Random, milestones: int, today: date) -> int:
    """Projects with the default template's steps as milestones, in every state: done steps
    in order, then one in progress or blocked, the rest not started; planned dates around
    today, so some are overdue."""
    from django.db import transaction

    from guazhi.ledger import demo_data as demo
    from guazhi.projects.models import (
        Milestone,
        MilestoneStatus,
        MilestoneTemplate,
        Project,
    )
    from guazhi.roster.models import Secondment, SecondmentStatus

    template = MilestoneTemplate.objects.filter(is_default=True).first()
    assert template is not None, "no default milestone template (projects migration 0002)"
    steps = list(template.steps.values_list("name", flat=True))
    secondments = list(
        Secondment.objects.filter(status=SecondmentStatus.ACTIVE).values_list("pk", flat=True)
    )
    count = max(1, milestones // len(steps))
    with transaction.atomic():
        projects = Project.objects.bulk_create(
            [
                Project(
                    secondment_id=secondments[rng.randrange(len(secondments))],
                    name=f"{rng.choice(demo.PROJECTS).removesuffix('项目')}（{n + 1}期）项目",
                    investment=Decimal(rng.randrange(500, 550_000)),
                    target_date=today + timedelta(days=rng.randrange(-60, 540)),
                    template=template,
                )
                for n in range(count)
            ],
            batch_size=2000,
        )
        batch: list[Milestone] = []
        for project in projects:
            start = today - timedelta(days=rng.randrange(30, 600))
            done_until = rng.randrange(len(steps) + 1)
            for i, step in enumerate(steps):
                planned = start + timedelta(days=45 * (i + 1))
                if i < done_until:
                    status = MilestoneStatus.DONE
                    done = min(today, planned + timedelta(days=rng.randrange(-20, 30)))
                elif i == done_until:
                    status = rng.choice((MilestoneStatus.IN_PROGRESS, MilestoneStatus.BLOCKED))
                    done = None
                else:
                    status, done = MilestoneStatus.NOT_STARTED, None
                batch.append(
                    Milestone(
                        project=project,
                        name=step,
                        sort_order=i + 1,
                        status=status,
                        planned_date=planned,
                        done_date=done,
                    )
                )
            if len(batch) >= BATCH:
                Milestone.objects.bulk_create(batch)
                batch = []
        Milestone.objects.bulk_create(batch)
    return len(projects)


# --- Writings and the search index (issue 8) -----------------------------------------------------

RARE_TERM = "钠离子电池"
WRITING_TITLES = {
    "reflection": ("挂职锻炼心得体会", "基层一线锻炼的几点体会", "在为民服务中提升本领"),
    "speech": ("在同批次挂职干部交流会上的发言", "扎根基层 服务发展"),
    "quarterly": ("第一季度工作小结", "第二季度工作小结", "第三季度工作小结"),
    "term_summary": ("挂职锻炼工作总结", "挂职期满个人总结"),
}
HEADINGS = ("一、主要工作", "二、收获体会", "三、存在不足", "四、下一步打算")
STOCK = (
    "坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大精神。",
    "始终把群众满意作为工作的出发点和落脚点，主动沉到一线解决实际问题。",
    "在营商环境优化中当好店小二，帮助企业解决融资、用工、用地等难题。",
    "向基层干部学习，向人民群众学习，在急难险重任务中经受考验。",
    "理论学习还不够系统，统筹协调能力有待提高。",
    "下一步将继续聚焦招商引资和项目建设，推动各项工作落地见效。",
)


def _sentences(rng: random.Random) -> list[str]:
    """Ledger template texts with their slots filled, as raw material for writings."""
    from guazhi.ledger import demo_data as demo

    out = []
    for templates in demo.TEMPLATES.values():
        for template in templates:
            for _ in range(20):
                slots: dict[str, object] = {
                    "enterprise": rng.choice(demo.ENTERPRISES),
                    "bank": rng.choice(demo.BANKS),
                    "project": rng.choice(demo.PROJECTS),
                    "village": rng.choice(("柳溪村", "白沙村", "云台村", "石门村")),
                }
                for key, (low, high) in template.figures.items():
                    slots[key] = demo._fmt(Decimal(rng.randint(int(low), int(max(low, high)))))
                out.append(template.text.format(**slots))
    return out


def _writings(rng: random.Random, total: int, today: date) -> int:
    """`total` writings spread over the secondments, a third accepted and shared. Returns the
    number shared."""
    from django.db import transaction
    from django.utils import timezone as djtz

    from guazhi.accounts.models import User
    from guazhi.library.models import Share
    from guazhi.roster.models import Secondment, SecondmentStatus
    from guazhi.writings.models import Writing

    admin = User.objects.get(username="bench_admin")
    secondments = list(
        Secondment.objects.filter(
            status__in=[SecondmentStatus.ACTIVE, SecondmentStatus.COMPLETED]
        ).values_list("pk", "cohort_id")
    )
    sentences = _sentences(rng)
    kinds = list(WRITING_TITLES)
    statuses = ("draft", "submitted", "returned", "accepted")
    made = shared = 0
    while made < total:
        writings, cohorts = [], []
        for _ in range(min(2_000, total - made)):
            made += 1
            secondment, cohort = secondments[rng.randrange(len(secondments))]
            kind = rng.choice(kinds)
            body: list[dict[str, object]] = []
            for heading in HEADINGS:
                body.append({"type": "heading", "level": 1, "text": heading})
                paragraph = "".join(rng.sample(sentences, 2)) + rng.choice(STOCK)
                if made % 1000 == 0 and heading == HEADINGS[0]:
                    paragraph += f"协调引进{RARE_TERM}储能项目。"
                body.append({"type": "paragraph", "text": paragraph})
            moment = djtz.make_aware(
                datetime.combine(today - timedelta(days=rng.randrange(700)), dtime(9))
            )
            status = "accepted" if made % 3 == 0 else rng.choice(statuses[:3])
            writings.append(
                Writing(
                    secondment_id=secondment,
                    kind=kind,
                    title=rng.choice(WRITING_TITLES[kind]),
                    body=body,
                    text="\n".join(str(b["text"]) for b in body),
                    status=status,
                    submitted_at=None if status == "draft" else moment,
                    created_by=admin,
                    created_at=moment,
                )
            )
            cohorts.append(cohort)
        with transaction.atomic():
            Writing.objects.bulk_create(writings)
            shares = [
                Share(
                    writing=w,
                    cohort_id=c,
                    shared_by=admin,
                    shared_at=w.created_at + timedelta(days=20),
                )
                for w, c in zip(writings, cohorts, strict=True)
                if w.status == "accepted"
            ]
            Share.objects.bulk_create(shares)
        shared += len(shares)
        if made % 100_000 < 2_000:
            print(f"  {made:,} writings, {shared:,} shared", file=sys.stderr, flush=True)
    return shared


def _search_index() -> None:
    """Index rows of every entry and every shared writing, as `manage.py search_index --rebuild`
    writes them (SQL batches, no model instances)."""
    from guazhi.search.indexing import rebuild

    def progress(done: int) -> None:
        if done % 500_000 < 5_000:
            print(f"  index: {done:,} entries", file=sys.stderr, flush=True)

    rebuild(progress=progress)


def _reset_sequences() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    from guazhi.ledger.models import Entry, EntryFigure

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Entry, EntryFigure]):
            cursor.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.01)
    args = parser.parse_args()
    _setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    result = populate(args.scale)
    print(f"generated in {time.perf_counter() - began:.1f} s: {result}")


if __name__ == "__main__":
    main()
