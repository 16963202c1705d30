"""Anonymity, tested as someone with the whole database in hand would try to break it: no
column, key, time or stored order joins a ballot to its code (or one rater's votes to each
other), the audit log holds no code and no vote, and casting a ballot writes nothing anywhere
but the votes and the code's "used" flag."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from evaluation_helpers import close, codes_of, open_round, vote

from guazhi.audit.models import AuditRecord
from guazhi.evaluation import codes
from guazhi.evaluation.models import Code, RaterGroup, Round, Vote

BALLOTS = 30


def test_a_vote_row_holds_nothing_but_what_it_says(db) -> None:
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, "evaluation_vote")
        }
    assert columns == {"id", "round_id", "group_id", "secondment_id", "rating", "comment"}
    related = {f.related_model for f in Vote._meta.get_fields() if f.is_relation}
    assert related == {Round, RaterGroup, apps.get_model("roster", "Secondment")}
    # Nothing points at a vote either (no ballot table joining a rater's votes).
    assert not [f for f in Vote._meta.get_fields() if f.auto_created and not f.concrete]


def test_no_time_is_kept_on_votes_or_codes() -> None:
    for model in (Vote, Code):
        assert not [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.DateField | models.TimeField)
        ], model


def test_code_and_vote_share_no_column_beyond_round_and_group(round_a, host_liaison) -> None:
    """Two raters of one group: their votes differ only in what they say, so there is nothing
    to join either vote to either code on."""
    first, second = codes_of(round_a)[:2]
    vote(round_a, first, "excellent")
    vote(round_a, second, "basic")
    rows = list(Vote.objects.values("round_id", "group_id", "secondment_id"))
    assert rows[0] == rows[1]
    code_columns = {f.column for f in Code._meta.concrete_fields}
    vote_columns = {f.column for f in Vote._meta.concrete_fields}
    assert code_columns & vote_columns == {"id", "round_id", "group_id"}
    used_ids = set(Code.objects.filter(used=True).values_list("id", flat=True))
    assert not used_ids & set(Vote.objects.values_list("id", flat=True))


def _spearman(order: list[int]) -> float:
    n = len(order)
    d2 = sum((rank - value) ** 2 for rank, value in enumerate(order))
    return 1 - 6 * d2 / (n * (n * n - 1))


def _cast_numbered(round_: Round) -> None:
    for i, code in enumerate(codes_of(round_)[:BALLOTS]):
        vote(round_, code, comment=f"第{i:02d}票")


def _stored_orders() -> dict[str, list[int]]:
    """The casting numbers of the votes as the database hands them out, in every order an
    adversary could read without an ORDER BY on a meaningful column."""
    queries = {
        "table scan": "SELECT comment FROM evaluation_vote",
        "primary key": "SELECT comment FROM evaluation_vote ORDER BY id",
    }
    if connection.vendor == "sqlite":
        queries["rowid"] = "SELECT comment FROM evaluation_vote ORDER BY rowid"
    if connection.vendor == "postgresql":
        queries["ctid"] = "SELECT comment FROM evaluation_vote ORDER BY ctid"
    out = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql)
            out[name] = [int(row[0][1:3]) for row in cursor.fetchall()]
    return out


def test_stored_order_is_not_the_casting_order(host_liaison, cadre_a) -> None:
    round_ = open_round(host_liaison, [cadre_a.secondments.get()], (("干部职工", BALLOTS, None),))
    _cast_numbered(round_)
    for name, order in _stored_orders().items():
        assert sorted(order) == list(range(BALLOTS)), name
        assert order != list(range(BALLOTS)), name
        # For 30 ballots a random order has |ρ| ≥ 0.6 with odds of about 1 in 2,000.
        assert abs(_spearman(order)) < 0.6, (name, order)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL system columns")
def test_postgresql_transaction_ids_do_not_join_votes_to_codes(host_liaison, cadre_a) -> None:
    round_ = open_round(host_liaison, [cadre_a.secondments.get()], (("干部职工", 10, None),))
    for code in codes_of(round_)[:6]:
        vote(round_, code)
    with connection.cursor() as cursor:
        # Every ballot rewrote the round's votes: all live votes carry one transaction id.
        cursor.execute("SELECT count(DISTINCT xmin::text) FROM evaluation_vote")
        assert cursor.fetchone()[0] == 1
    close(round_, host_liaison)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT xmin::text) FROM evaluation_code WHERE round_id = %s",
            [round_.pk],
        )
        assert cursor.fetchone()[0] == 1


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_casting_a_ballot_writes_nothing_but_the_votes_and_the_used_flag(round_a) -> None:
    code = codes_of(round_a)[0]
    before = _row_counts()
    codes_before = list(Code.objects.order_by("pk").values())
    client = Client(REMOTE_ADDR="10.7.7.7")
    client.post(reverse("vote:ballot", args=[round_a.key]), {"code": code})
    data = {"code": code, f"rating_{round_a.secondments.get().pk}": "excellent"}
    assert client.post(reverse("vote:submit", args=[round_a.key]), data).status_code == 200
    after = _row_counts()
    changed = {
        label: after[label] - before[label] for label in after if after[label] != before[label]
    }
    assert changed == {"evaluation.Vote": 1}
    codes_after = list(Code.objects.order_by("pk").values())
    differences = [
        {k for k in a if a[k] != b[k]} for a, b in zip(codes_before, codes_after, strict=True)
    ]
    assert [d for d in differences if d] == [{"used"}]


def test_the_audit_log_holds_no_code_and_no_vote(round_a, host_liaison, client_for) -> None:
    all_codes = codes_of(round_a)
    client = client_for(host_liaison)
    client.get(reverse("evaluation:round_slips", args=[round_a.pk]))
    client.get(reverse("evaluation:round_codes_export", args=[round_a.pk]))
    audited_before_votes = AuditRecord.objects.count()
    for code in all_codes[:5]:
        vote(round_a, code, "basic", comment="希望多下基层走访")
    assert AuditRecord.objects.count() == audited_before_votes
    actions_void = client.post(
        reverse("evaluation:round_void", args=[round_a.pk]), {"code": all_codes[6]}
    )
    assert actions_void.status_code == 302
    close(round_a, host_liaison)
    secrets_ = set(all_codes) | {codes.pretty(c) for c in all_codes}
    secrets_ |= set(Code.objects.values_list("digest", flat=True))
    for record in AuditRecord.objects.all():
        text = f"{record.detail} {record.object_repr} {record.before} {record.after}"
        assert not [s for s in secrets_ if s in text], text
        assert "希望多下基层走访" not in text and "基本称职" not in text


def test_no_page_tells_which_codes_have_voted(round_a, host_liaison, client_for) -> None:
    used = codes_of(round_a)[0]
    vote(round_a, used)
    client = client_for(host_liaison)
    slips = client.get(reverse("evaluation:round_slips", args=[round_a.pk])).content.decode()
    assert codes.pretty(used) in slips  # printed like any other, no mark
    assert slips.count('data-testid="slip-code"') == 8
    detail = client.get(reverse("evaluation:round_detail", args=[round_a.pk])).content.decode()
    assert codes.pretty(used) not in detail and used not in detail
