"""Democratic evaluation changes. The staff actions (open, add codes, void, close) take the
acting user and client address, lock what they change and write the audit record in the same
short transaction. Casting a ballot takes neither: it is anonymous, and audited by nothing but
the code's "used" flag (the round's open, close, void and export are audited, never a vote).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.assessment.models import Period
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.evaluation import codes
from guazhi.evaluation.models import (
    MAX_COMMENT_LENGTH,
    MAX_RATERS_PER_GROUP,
    Code,
    RaterGroup,
    Rating,
    Round,
    RoundStatus,
    Vote,
    min_ballots_floor,
    random_key,
)
from guazhi.roster.models import Secondment, Unit

STALE_MESSAGE = "这次测评在您打开页面之后已有变动（例如已结束），请刷新页面后再操作。"


class EvaluationPermissionError(Exception):
    """The actor may not run this round (views answer 404 before it gets here)."""


class StaleRound(Exception):
    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE)


class BallotRefused(Exception):
    """A code that cannot vote, with the reason in Chinese for the rater. `wrong` is true for
    a code that does not exist (a guess or a typo): only those count against the rate limit."""

    def __init__(self, message: str, *, wrong: bool = False, malformed: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.wrong = wrong
        self.malformed = malformed


MALFORMED_CODE = "测评码应为 8 位，由数字 2–9 和字母组成（没有 I、L、O），请核对后重新输入。"
WRONG_CODE = "测评码不正确，请核对纸条上的 8 位测评码后重新输入。"
USED_CODE = "这个测评码已经投过票了。每个测评码只能投一次票，已投的票不能修改。"
VOIDED_CODE = "这个测评码已被作废，不能投票。如有疑问，请联系测评组织人员。"
CLOSED_ROUND = "本次测评已经结束，不能再投票。"


@dataclass(frozen=True)
class GroupSpec:
    name: str
    size: int
    weight: int | None = None


def may_run(actor: User, secondment: Secondment) -> bool:
    """Who may put a cadre in a round: the programme admin, or the host liaison of the unit
    the cadre is posted to (or of a unit above it)."""
    if actor.is_programme_admin:
        return True
    return (
        actor.is_host_liaison
        and actor.unit is not None
        and secondment.host_unit.path.startswith(actor.unit.path)
    )


def _check_runner(actor: User, round_: Round) -> None:
    if not Round.objects.visible_to(actor).filter(pk=round_.pk).exists():
        raise EvaluationPermissionError


def _common_unit(units: Sequence[Unit]) -> Unit:
    """The lowest unit that holds all of them (the round's 组织单位)."""
    paths = [u.path.strip("/").split("/") for u in units]
    common: list[str] = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return Unit.objects.get(pk=int(common[-1]))


def check_groups(groups: Sequence[GroupSpec]) -> None:
    errors = []
    if not groups:
        errors.append("请至少填写一类测评人。")
    names = [g.name.strip() for g in groups]
    if len(set(names)) != len(names):
        errors.append("测评人类别的名称不能重复。")
    for g in groups:
        if not 1 <= g.size <= MAX_RATERS_PER_GROUP:
            errors.append(f"“{g.name}”的人数应在 1 至 {MAX_RATERS_PER_GROUP} 之间。")
    weighted = [g.weight for g in groups if g.weight is not None]
    if weighted and len(weighted) != len(groups):
        errors.append("权重要么每一类都填写，要么都不填写（不填写时按票数合并计算）。")
    elif weighted and sum(weighted) != 100:
        errors.append(f"各类测评人的权重之和应为 100%，现在是 {sum(weighted)}%。")
    if errors:
        raise ValidationError(errors)


def _new_codes(round_: Round, group: RaterGroup, count: int, batch: int) -> list[Code]:
    """`count` codes whose digests clash with no code stored so far (a clash is astronomically
    rare, but a unique index must never fail half-way through a round)."""
    key = codes.evaluation_key()
    made: dict[str, int] = {}
    while len(made) < count:
        for _ in range(count - len(made)):
            nonce = codes.new_nonce()
            made.setdefault(codes.digest(codes.code_for(nonce, key=key), key=key), nonce)
        taken = set(Code.objects.filter(digest__in=list(made)).values_list("digest", flat=True))
        for d in taken:
            del made[d]
    return [
        Code(round=round_, group=group, nonce=nonce, digest=d, batch=batch)
        for d, nonce in made.items()
    ]


def _groups_text(groups: Sequence[RaterGroup | GroupSpec]) -> str:
    return "、".join(
        f"{g.name} {g.size} 人" + (f"（权重 {g.weight}%）" if g.weight is not None else "")
        for g in groups
    )


def open_round(
    *,
    actor: User,
    title: str,
    secondments: Sequence[Secondment],
    groups: Sequence[GroupSpec],
    min_ballots: int,
    period: Period | None = None,
    period_label: str = "",
    ip: str = "",
) -> Round:
    """Open a round (进行中) and issue one code per rater."""
    if not secondments:
        raise ValidationError({"secondments": "请选择至少一名测评对象。"})
    if not all(may_run(actor, s) for s in secondments):
        raise EvaluationPermissionError
    check_groups(groups)
    if min_ballots < min_ballots_floor():
        raise ValidationError(
            {"min_ballots": f"最少票数不能低于 {min_ballots_floor()} 票（系统设定的下限）。"}
        )
    if not title.strip():
        raise ValidationError({"title": "请填写测评名称。"})
    with transaction.atomic():
        key = codes.new_round_key()
        while Round.objects.filter(key=key).exists():
            key = codes.new_round_key()
        round_ = Round.objects.create(
            title=title.strip(),
            host_unit=_common_unit([s.host_unit for s in secondments]),
            period=period,
            period_label=period_label.strip(),
            min_ballots=min_ballots,
            key=key,
            opened_by=actor,
        )
        round_.secondments.set(secondments)
        new_codes: list[Code] = []
        for order, spec in enumerate(groups):
            group = RaterGroup.objects.create(
                round=round_,
                name=spec.name.strip(),
                size=spec.size,
                weight=spec.weight,
                sort_order=order,
            )
            new_codes += _new_codes(round_, group, spec.size, 1)
        Code.objects.bulk_create(new_codes)
        names = "、".join(s.cadre.name for s in secondments)
        record(
            event=Event.CREATE,
            user=actor,
            ip=ip,
            obj=round_,
            detail=f"发起民主测评：{round_.title}；测评对象：{names}；测评人：{_groups_text(groups)}"[
                :500
            ],
            after={
                "测评名称": round_.title,
                "测评对象": names,
                "测评人": _groups_text(groups),
                "最少票数": min_ballots,
                "测评码": len(new_codes),
            },
        )
    return round_


def _lock_open(actor: User, round_: Round, version: int | None) -> Round:
    _check_runner(actor, round_)
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if not locked.is_open or (version is not None and locked.version != version):
        raise StaleRound
    return locked


def add_codes(
    *, actor: User, round_: Round, group: RaterGroup, count: int, version: int, ip: str = ""
) -> int:
    """Issue `count` more codes to a rater group (more raters than planned, a lost slip).
    Returns the batch number, for printing just those slips."""
    if not 1 <= count <= MAX_RATERS_PER_GROUP:
        raise ValidationError(f"追加的测评码数量应在 1 至 {MAX_RATERS_PER_GROUP} 之间。")
    with transaction.atomic():
        locked = _lock_open(actor, round_, version)
        if group.round_id != locked.pk:
            raise EvaluationPermissionError
        if group.size + count > MAX_RATERS_PER_GROUP:
            raise ValidationError(f"每类测评人最多 {MAX_RATERS_PER_GROUP} 人。")
        batch = (Code.objects.filter(round=locked).aggregate(m=Max("batch"))["m"] or 0) + 1
        Code.objects.bulk_create(_new_codes(locked, group, count, batch))
        RaterGroup.objects.filter(pk=group.pk).update(size=F("size") + count)
        locked.version += 1
        locked.save(update_fields=["version"])
        record(
            event=Event.CREATE,
            user=actor,
            ip=ip,
            obj=locked,
            detail=f"追加测评码 {count} 个（{group.name}，第 {batch} 批）",
        )
    return batch


def void_code(*, actor: User, round_: Round, code_text: str, ip: str = "") -> RaterGroup:
    """Void a code (a lost or misprinted slip). The answer is the same whether or not the code
    has voted: telling would show who has voted. A vote already cast with it stays counted
    (nothing can find which one it was)."""
    code = codes.normalise(code_text)
    if code is None:
        raise ValidationError("测评码应为 8 位，由数字 2–9 和字母（不含 I、L、O）组成。")
    with transaction.atomic():
        locked = _lock_open(actor, round_, None)
        row = (
            Code.objects.select_for_update()
            .select_related("group")
            .filter(round=locked, digest=codes.digest(code))
            .first()
        )
        if row is None:
            raise ValidationError("本次测评中没有这个测评码，请核对后重新输入。")
        if not row.voided:
            row.voided = True
            row.save(update_fields=["voided"])
            # The code itself is not written to the log: the log names the group only.
            record(
                event=Event.EDIT,
                user=actor,
                ip=ip,
                obj=locked,
                detail=f"作废测评码 1 个（{row.group.name}）",
            )
    return row.group


def close_round(*, actor: User, round_: Round, version: int, ip: str = "") -> Round:
    """Close the round for good: no more votes, results shown (when the floor is met). There is
    no way back: a reopened round would let late ballots be matched to late raters."""
    with transaction.atomic():
        locked = _lock_open(actor, round_, version)
        locked.status = RoundStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.version += 1
        locked.save(update_fields=["status", "closed_at", "closed_by", "version"])
        cast = Code.objects.filter(round=locked, used=True).count()
        record(
            event=Event.STATUS_CHANGE,
            user=actor,
            ip=ip,
            obj=locked,
            detail=f"结束民主测评：{locked.title}（共收回 {cast} 张测评票）",
            before={"状态": RoundStatus.OPEN.label},
            after={"状态": RoundStatus.CLOSED.label},
        )
        if connection.vendor == "postgresql":
            _mix(locked)
            # New row versions of every code of the round, all from this one transaction.
            Code.objects.filter(round=locked).update(used=F("used"))
    _forget_physical_history()
    return locked


# --- Casting a ballot -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    rating: str
    comment: str = ""


def cast_ballot(*, round_: Round, code_text: str, choices: Mapping[int, Choice]) -> None:
    """Record one rater's ballot: a rating (and optional comment) for every cadre of the round,
    keyed by secondment id. Raises BallotRefused for a code that cannot vote.

    One transaction sets the code's "used" flag (conditionally: of two submissions of one code,
    the second finds it set and is refused) and inserts the votes with random keys. The votes
    carry nothing that could join them to the code or to each other."""
    code = codes.normalise(code_text)
    if code is None:
        # Not a guess at a code (a guess would be well formed): not counted as one.
        raise BallotRefused(MALFORMED_CODE, malformed=True)
    subjects = set(round_.secondments.values_list("pk", flat=True))
    if set(choices) != subjects:
        raise ValidationError("请对每一位测评对象都作出评价。")
    for choice in choices.values():
        if choice.rating not in Rating.values:
            raise ValidationError("请在“优秀、称职、基本称职、不称职”中选择。")
        if len(choice.comment) > MAX_COMMENT_LENGTH:
            raise ValidationError(f"意见建议不能超过 {MAX_COMMENT_LENGTH} 字。")
    with transaction.atomic():
        # The round's row lock orders ballots and the closing: none slips in after the close,
        # and the PostgreSQL remix below never runs twice at once.
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        row = Code.objects.filter(round=locked, digest=codes.digest(code)).first()
        if row is None:
            raise BallotRefused(WRONG_CODE, wrong=True)
        if not locked.is_open:
            raise BallotRefused(CLOSED_ROUND)
        if row.voided:
            raise BallotRefused(VOIDED_CODE)
        if not Code.objects.filter(pk=row.pk, used=False, voided=False).update(used=True):
            raise BallotRefused(USED_CODE)
        votes = [
            Vote(
                id=random_key(),
                round=locked,
                group_id=row.group_id,
                secondment_id=secondment_id,
                rating=choice.rating,
                comment=choice.comment.strip(),
            )
            for secondment_id, choice in choices.items()
        ]
        secrets.SystemRandom().shuffle(votes)
        Vote.objects.bulk_create(votes)
        if connection.vendor == "postgresql":
            _mix(locked)


def _mix(round_: Round) -> None:
    """PostgreSQL keeps rows in the heap in insertion order (ctid) and stamps each with the id
    of the transaction that wrote it (xmin), which the code's "used" update shares. Rewriting
    all the round's votes in a random order, with new random keys, in the ballot's transaction
    leaves every live vote with the same xmin and a random place: neither the order nor the
    transaction id tells which vote came with which code. (Dead row versions stay in the heap
    until VACUUM; docs/evaluation.md.)"""
    # One statement, no rows through Python: the cost per ballot stays a few milliseconds for
    # a round of 500 raters (1,500 votes), and the round's lock is held that long only.
    table = Vote._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH old AS (DELETE FROM {table} WHERE round_id = %s"  # noqa: S608 (table name)
            " RETURNING group_id, secondment_id, rating, comment)"
            f" INSERT INTO {table} (id, round_id, group_id, secondment_id, rating, comment)"
            " SELECT floor(random() * 4611686018427387903)::bigint + 1, %s,"
            " group_id, secondment_id, rating, comment FROM old ORDER BY random()",
            [round_.pk, round_.pk],
        )


def _forget_physical_history() -> None:
    """After a round closes, drop what the database engine keeps of the order of past writes,
    where the engine lets us: VACUUM on PostgreSQL (dead row versions of votes and codes), a
    truncating WAL checkpoint on SQLite (page images in commit order). Inside an outer
    transaction (tests) there is nothing to do yet; the next close does it."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM {Vote._meta.db_table}, {Code._meta.db_table}")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def check_code(*, round_: Round, code_text: str) -> str:
    """The normalised code if it may vote in this round now; BallotRefused otherwise. Reads
    only: the ballot form is shown, nothing is marked."""
    code = codes.normalise(code_text)
    if code is None:
        # Not a guess at a code (a guess would be well formed): not counted as one.
        raise BallotRefused(MALFORMED_CODE, malformed=True)
    row = Code.objects.filter(round=round_, digest=codes.digest(code)).first()
    if row is None:
        raise BallotRefused(WRONG_CODE, wrong=True)
    if not round_.is_open:
        raise BallotRefused(CLOSED_ROUND)
    if row.voided:
        raise BallotRefused(VOIDED_CODE)
    if row.used:
        raise BallotRefused(USED_CODE)
    return code


def printable_codes(
    round_: Round, *, group: RaterGroup | None = None, batch: int | None = None
) -> list[tuple[RaterGroup, str]]:
    """(group, code) for every code not voided, for the slips and the Excel list. Whether a
    code has voted is not part of it: the list must not tell who has voted."""
    rows = Code.objects.filter(round=round_, voided=False).select_related("group")
    if group is not None:
        rows = rows.filter(group=group)
    if batch is not None:
        rows = rows.filter(batch=batch)
    key = codes.evaluation_key()
    return [
        (row.group, codes.code_for(row.nonce, key=key))
        for row in rows.order_by("group__sort_order", "pk")
    ]
