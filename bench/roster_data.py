"""A province-scale roster, generated straight into the configured database (bulk inserts).

Used by bench/roster.py and by the concurrency tests. Call `populate(...)` in a process where
Django is set up and migrated. Everything is deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from guazhi.accounts.models import Role, User
from guazhi.audit.models import GENESIS_HASH, AuditRecord, Event, Result
from guazhi.lib.identity import id_check_char
from guazhi.roster.models import (
    Cadre,
    Cohort,
    Secondment,
    SecondmentStatus,
    Unit,
    UnitKind,
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红文斌宇浩凯鹏飞思远晓东雪梅海燕玉春晨"
)
POSTS = ("镇党委副书记", "副镇长", "街道办事处副主任", "村党组织第一书记", "县发改局副局长")
PASSWORD = "Bench#2026pass"


@dataclass(frozen=True)
class Scale:
    cadres: int
    secondments: int
    audit_records: int
    host_units: int = 200

    @classmethod
    def named(cls, name: str) -> Scale:
        factor = float(name)
        return cls(
            cadres=int(20_000 * factor),
            secondments=int(25_000 * factor),
            audit_records=int(200_000 * factor),
            host_units=max(20, int(200 * factor)),
        )


def _id_number(rng: random.Random, n: int) -> tuple[str, date, str]:
    """A valid, unique ID number: the area code and sequence part carry n (so numbers stay
    unique), the birth date is random, the sequence's last digit gives the gender."""
    born = date(1970, 1, 1) + timedelta(days=rng.randrange(0, 365 * 30))
    first17 = f"{110000 + n // 1000}{born:%Y%m%d}{n % 1000:03d}"
    gender = "M" if int(first17[16]) % 2 else "F"
    return first17 + id_check_char(first17), born, gender


def populate(scale: Scale, *, seed: int = 1) -> dict[str, int]:
    """Units (province → cities → counties → towns), cohorts, cadres, secondments, audit
    records, and two logins: `bench_admin` (programme admin) and `bench_audit` (audit admin)."""
    rng = random.Random(seed)
    with transaction.atomic():
        province = Unit.objects.create(name="省", kind=UnitKind.PROVINCE)
        departments = [
            Unit.objects.create(name=f"省直部门{i:02d}", kind=UnitKind.DEPARTMENT, parent=province)
            for i in range(40)
        ]
        hosts: list[Unit] = []
        city_count = max(2, scale.host_units // 20)
        for c in range(city_count):
            city = Unit.objects.create(name=f"第{c + 1}市", kind=UnitKind.CITY, parent=province)
            county = Unit.objects.create(name=f"第{c + 1}县", kind=UnitKind.COUNTY, parent=city)
            for t in range(scale.host_units // city_count):
                hosts.append(
                    Unit.objects.create(name=f"第{t + 1}镇", kind=UnitKind.TOWN, parent=county)
                )
        cohorts = [
            Cohort.objects.create(
                name=f"{2020 + i}年墩苗历练干部",
                year=2020 + i,
                start_date=date(2020 + i, 3, 1),
                end_date=date(2021 + i, 2, 28),
            )
            for i in range(8)
        ]

    cadres = []
    for n in range(scale.cadres):
        id_number, born, gender = _id_number(rng, n)
        cadre = Cadre(
            name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
            gender=gender,
            birth_date=born,
            id_number=id_number,
            mobile=f"139{n:08d}",
            ethnicity="汉族",
            political_status="cpc",
            education="bachelor",
            home_unit=rng.choice(departments),
            original_post="科长",
            rank="四级调研员",
        )
        cadre.fill_sort_key()
        cadres.append(cadre)
    Cadre.objects.bulk_create(cadres, batch_size=2000)
    cadre_ids = list(Cadre.objects.order_by("pk").values_list("pk", flat=True))

    secondments = []
    pairs: set[tuple[int, int]] = set()
    statuses = list(SecondmentStatus)
    while len(secondments) < scale.secondments:
        cadre_id = cadre_ids[len(secondments) % len(cadre_ids)]
        cohort = rng.choice(cohorts)
        if (cadre_id, cohort.pk) in pairs:
            continue
        pairs.add((cadre_id, cohort.pk))
        status = rng.choice(statuses)
        ended = status in (SecondmentStatus.COMPLETED, SecondmentStatus.ENDED_EARLY)
        secondments.append(
            Secondment(
                cadre_id=cadre_id,
                cohort=cohort,
                host_unit=rng.choice(hosts),
                post=rng.choice(POSTS),
                duties="营商环境\n企业服务",
                start_date=cohort.start_date,
                planned_end_date=cohort.end_date,
                actual_end_date=cohort.end_date if ended else None,
                status=status,
            )
        )
    Secondment.objects.bulk_create(secondments, batch_size=2000)

    admin = User.objects.create_user(
        username="bench_admin",
        password=PASSWORD,
        role=Role.PROGRAMME_ADMIN,
        full_name="基准管理员",
        must_change_password=False,
    )
    User.objects.create_user(
        username="bench_audit",
        password=PASSWORD,
        role=Role.AUDIT_ADMIN,
        full_name="基准审计员",
        must_change_password=False,
    )

    # A valid keyed chain, inserted in bulk: the app refuses bulk_create on audit records
    # (only record() appends), so benchmark data goes through the base QuerySet on purpose.
    events = [Event.LOGIN, Event.EDIT, Event.EXPORT, Event.CREATE, Event.REVEAL]
    start = timezone.now() - timedelta(days=365)
    batch: list[AuditRecord] = []
    prev_hash = GENESIS_HASH
    for seq in range(1, scale.audit_records + 1):
        entry = AuditRecord(
            seq=seq,
            time=start + timedelta(seconds=seq * 60),
            user=admin,
            username=admin.username,
            role=admin.role,
            ip="127.0.0.1",
            event=rng.choice(events),
            object_type="roster.cadre",
            object_id=str(rng.choice(cadre_ids)),
            object_repr="干部",
            result=Result.SUCCESS,
            prev_hash=prev_hash,
        )
        entry.hash = prev_hash = entry.compute_hash()
        batch.append(entry)
        if len(batch) == 5000:
            QuerySet.bulk_create(AuditRecord.objects.all(), batch)
            batch = []
    if batch:
        QuerySet.bulk_create(AuditRecord.objects.all(), batch)
    return {
        "units": Unit.objects.count(),
        "cadres": len(cadres),
        "secondments": len(secondments),
        "audit_records": scale.audit_records,
    }
