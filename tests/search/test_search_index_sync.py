"""The index follows the data: entries written, edited and imported through the ledger actions,
shares and withdrawals, and `manage.py search_index --rebuild` for what was inserted by hand.
On PostgreSQL its own mechanism (a GIN-indexed tsvector) is checked too."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook
from search_helpers import titles, write_entry

from guazhi.jobs.models import Job
from guazhi.ledger import actions
from guazhi.search.models import SearchDocument
from tests.conftest import ledger_entry
from tests.ledger.ledger_helpers import category, entry_data


def test_an_edit_is_found_by_its_new_words_only(client_for, programme_admin, cadre_user):
    entry = write_entry(cadre_user, title="走访企业", text="了解融资需求。")
    client = client_for(programme_admin)
    assert titles(client, "融资") == ["走访企业"]
    actions.update_entry(
        actor=cadre_user,
        entry=entry,
        version=entry.version,
        data=entry_data(figures={}, title="走访企业", text="了解用工需求。"),
    )
    assert titles(client, "融资") == []
    assert titles(client, "用工") == ["走访企业"]


def test_an_edit_of_the_category_moves_the_entry_between_filters(
    client_for, programme_admin, cadre_user
):
    entry = write_entry(cadre_user, title="接待群众", text="接待来访。")
    petitions = category("信访接待")
    client = client_for(programme_admin)
    assert titles(client, "接待", category=petitions.pk) == []
    actions.update_entry(
        actor=cadre_user,
        entry=entry,
        version=entry.version,
        data=entry_data(figures={}, title="接待群众", text="接待来访。", category=petitions),
    )
    assert titles(client, "接待", category=petitions.pk) == ["接待群众"]


def test_the_edit_page_reindexes(client_for, programme_admin, cadre_user):
    entry = write_entry(cadre_user, title="走访企业", text="了解融资需求。")
    client = client_for(cadre_user)
    response = client.post(
        reverse("ledger:entry_edit", args=[entry.pk]),
        {
            "version": entry.version,
            "date": "2026-05-06",
            "category": entry.category_id,
            "title": "走访企业",
            "text": "协调土地指标。",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert titles(client_for(programme_admin), "土地") == ["走访企业"]


def test_an_import_is_indexed(client_for, programme_admin, cadre_a, cadre_b):
    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "干部姓名", "接收单位", "类别", "标题", "工作内容", "地点", "标签"])
    ws.append([date(2026, 5, 6), "张建国", None, "企业帮扶", "园区走访", "协调光伏项目用地。"])
    data = io.BytesIO()
    wb.save(data)
    admin = client_for(programme_admin)
    admin.post(
        reverse("ledger:import_upload"),
        {"file": SimpleUploadedFile("纪实.xlsx", data.getvalue())},
    )
    job = Job.objects.get(kind="ledger_import")
    admin.post(reverse("ledger:import_commit", args=[job.pk]))
    assert titles(admin, "光伏") == ["园区走访"]


def test_rebuild_indexes_what_was_inserted_by_hand(
    client_for, programme_admin, cadre_a, cadre_user, capsys
):
    from tests.library.library_helpers import shared_writing

    shared_writing(cadre_a.secondments.get(), cadre_user, title="体会", text="数字乡村建设。")
    ledger_entry(cadre_a.secondments.get(), cadre_user, title="手工插入", text="数字乡村试点。")
    client = client_for(programme_admin)
    assert titles(client, "数字乡村") == ["体会"]
    call_command("search_index", "--rebuild")
    assert set(titles(client, "数字乡村")) == {"体会", "手工插入"}
    assert "工作纪实 1 条，交流材料 1 篇" in capsys.readouterr().out
    assert SearchDocument.objects.count() == 2


def test_rebuild_needs_the_flag():
    with pytest.raises(CommandError, match="--rebuild"):
        call_command("search_index")


def test_the_databases_own_index_holds_the_tokens(cadre_user):
    entry = write_entry(cadre_user, title="招商", text="引资")
    doc, scope = entry.pk * 8, f"s{entry.secondment_id} g{entry.category_id}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tsv::text FROM search_document WHERE id = %s", [doc])
            lexemes = " ".join(f"'#{t}'" for t in sorted(scope.split()))
            assert cursor.fetchone()[0] == f"{lexemes} '商':2 '引资':3 '招商':1 '资':4"
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_document_tsv'"
            )
            assert "USING gin (tsv)" in cursor.fetchone()[0]
        else:
            cursor.execute("SELECT tokens, scope FROM search_fts WHERE rowid = %s", [doc])
            assert cursor.fetchone() == ("招商 商 引资 资", scope)


def test_a_shared_writing_names_its_secondment_cohort_and_kind(cadre_a, cadre_user):
    from tests.library.library_helpers import shared_writing

    share = shared_writing(cadre_a.secondments.get(), cadre_user, title="体会", text="招商")
    doc = share.writing_id * 8 + 1
    kind = share.writing.kind.replace("_", "")
    scope = {f"s{share.writing.secondment_id}", "w", f"c{share.cohort_id}", f"k{kind}"}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tsv::text FROM search_document WHERE id = %s", [doc])
            lexemes = set(cursor.fetchone()[0].split())
            assert {f"'#{t}'" for t in scope} <= lexemes
        else:
            cursor.execute("SELECT scope FROM search_fts WHERE rowid = %s", [doc])
            assert set(cursor.fetchone()[0].split()) == scope


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_phrase_and_prefix_queries(cadre_user):
    from guazhi.lib import search_postgresql
    from guazhi.lib.search_text import query_terms

    write_entry(cadre_user, title="招商引资", text="签约。")
    with connection.cursor() as cursor:
        for q, found in (("招商引资", True), ("商引", True), ("招资", False), ("签", True)):
            cursor.execute(
                "SELECT count(*) FROM search_document WHERE tsv @@ %s::tsquery",
                [search_postgresql.tsquery_literal(query_terms(q))],
            )
            assert (cursor.fetchone()[0] == 1) is found, q
