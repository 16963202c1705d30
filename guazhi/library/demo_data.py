"""Demo shared library: about 30 accepted demo writings shared with their cohort by their authors,
through `guazhi.library.actions` (so audited and indexed), and a few comments from cohort
members, one of them hidden by the programme admin with a reason.

Sharing and commenting are a cadre's own acts, so authors and commenters who have no demo login
get an account without a usable password (nobody can sign in with it; an IT admin may activate
it). The demo cadre 陈思远 shares his exchange speech and keeps his other accepted writings
unshared, so both the comments and the share button show.
Runs once: nothing is added when any writing is shared.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from guazhi.accounts.models import Role, User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.library import actions
from guazhi.library.models import Comment, Share
from guazhi.roster.actions import SERVER_ACTOR
from guazhi.roster.models import Cadre
from guazhi.writings.models import Writing, WritingKind, WritingStatus

SHARES = 30
PER_CADRE = 2
DEMO_CADRE = "chensiyuan"

# (which share it answers: an index into the shared list, comment)
COMMENTS = (
    (
        0,
        "分管工作和我类似，文中“先摸清底数、再分类施策”的思路很受启发。请教一下，走访台账是按行业分还是按片区分？",
    ),
    (0, "把数字写进总结里，比空谈体会更有说服力，学习了。"),
    (1, "第二部分的做法我们镇也在试，难点在部门之间协调，能否在下次交流会上再展开讲讲？"),
    (2, "“存在不足”写得很坦诚，下一步打算也具体，可以作为我们写季度小结的参考。"),
    (3, "感谢分享！基层工作就是这样一件一件抓落实，读完很有共鸣。"),
    (4, "建议把文中提到的工作清单整理成表格，方便同批次干部对照使用。"),
)
HIDDEN = (
    1,
    "我们镇也有类似的信访户，白沙村王某某，电话 139****5678，家里情况我清楚，需要的话私下联系我。",
    "涉及群众个人信息，请勿在交流评论中公开",
)


def seed_library(*, admin: User) -> int:
    """Share the demo writings and add the comments; returns the number shared (0 when the
    library already has shares)."""
    if Share.objects.exists():
        return 0
    writings = _chosen_writings()
    shares: list[Share] = []
    for writing in writings:
        author = _account(writing.secondment.cadre)
        share = actions.share_writing(actor=author, writing=writing)
        # Backdate to a working morning a few days after acceptance, so the library reads like
        # weeks of use.
        decided = timezone.localtime(writing.decided_at or timezone.now() - timedelta(days=30))
        morning = decided.replace(hour=9 + writing.pk % 3, minute=writing.pk * 7 % 60)
        shared_at = min(morning + timedelta(days=2 + writing.pk % 5), timezone.now())
        Share.objects.filter(pk=share.pk).update(shared_at=shared_at)
        share.shared_at = shared_at
        shares.append(share)
    if shares:
        _comment(shares, admin)
    return len(shares)


def _chosen_writings() -> list[Writing]:
    """Accepted writings, the demo cadre's cohort first, every kind in turn, at most two per
    cadre. The demo cadre shares his exchange speech (so his page shows the comments and the
    withdraw button) and keeps his other accepted writings to share himself."""
    accepted = list(
        Writing.objects.filter(status=WritingStatus.ACCEPTED)
        .select_related("secondment__cadre", "secondment__cohort")
        .order_by("-decided_at", "-pk")
    )
    demo = User.objects.filter(username=DEMO_CADRE, role=Role.CADRE).first()
    demo_cadre = demo.cadre_id if demo is not None else None
    own = [w for w in accepted if w.secondment.cadre_id == demo_cadre]
    cohort_id = own[0].secondment.cohort_id if own else None
    by_kind: dict[str, list[Writing]] = {}
    for writing in sorted(accepted, key=lambda w: w.secondment.cohort_id != cohort_id):
        if writing.secondment.cadre_id != demo_cadre:
            by_kind.setdefault(writing.kind, []).append(writing)
    chosen = [w for w in own if w.kind == WritingKind.SPEECH][:1]
    per_cadre: dict[int, int] = {}
    queues = list(by_kind.values())
    while len(chosen) < SHARES and any(queues):
        for queue in queues:
            while queue:
                writing = queue.pop(0)
                cadre_id = writing.secondment.cadre_id
                if per_cadre.get(cadre_id, 0) < PER_CADRE:
                    per_cadre[cadre_id] = per_cadre.get(cadre_id, 0) + 1
                    chosen.append(writing)
                    break
    return chosen[:SHARES]


def _account(cadre: Cadre) -> User:
    """The cadre's login, or a new one without a usable password."""
    user = User.objects.filter(role=Role.CADRE, cadre=cadre).first()
    if user is not None:
        return user
    with transaction.atomic():
        user = User(
            username=f"{cadre.name_initials or 'cadre'}{cadre.pk}",
            role=Role.CADRE,
            full_name=cadre.name,
            cadre=cadre,
            must_change_password=True,
        )
        user.set_unusable_password()
        user.save()
        record(
            event=Event.CREATE,
            user=None,
            username=SERVER_ACTOR,
            obj=user,
            detail="创建演示账号（挂职干部，未设密码）",
        )
    return user


def _comment(shares: list[Share], admin: User) -> None:
    """Comments by cadres of each share's cohort other than its author, a day or two after
    sharing, in working hours; the last one hidden by the admin with a reason."""
    hidden: Comment | None = None
    for n, (index, text) in enumerate([*COMMENTS, HIDDEN[:2]]):
        share = shares[index % len(shares)]
        commenter = _cohort_member(share, skip=n)
        if commenter is None:
            continue
        comment = actions.post_comment(actor=commenter, share=share, text=text)
        at = min(
            share.shared_at + timedelta(days=1 + n % 2, hours=2 + n, minutes=13 * n), timezone.now()
        )
        Comment.objects.filter(pk=comment.pk).update(created_at=at)
        hidden = comment if n == len(COMMENTS) else None
    if hidden is not None:
        hidden.refresh_from_db()
        actions.set_comment_hidden(
            actor=admin, comment=hidden, hidden=True, version=hidden.version, reason=HIDDEN[2]
        )


def _cohort_member(share: Share, *, skip: int) -> User | None:
    """A cadre of the share's cohort, not its author, varied by `skip`."""
    cadres = list(
        Cadre.objects.filter(secondments__cohort_id=share.cohort_id)
        .exclude(pk=share.writing.secondment.cadre_id)
        .order_by("pk")
        .distinct()[:12]
    )
    if not cadres:
        return None
    return _account(cadres[(skip * 5) % len(cadres)])
