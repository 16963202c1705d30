"""Issue 8 item 7: a cadre uploads a .docx that copies another cadre's accepted, shared essay
behind a template site's header and with changed punctuation, submits, watches the check run in
the background worker (the database queue, as under `make run`) and sees the copied passage
highlighted with its source (内部材料 and the cohort: the author is not named to them). The host
liaison reads the report summary beside the buttons and returns the writing with a comment; the
cadre replaces the copied part with their own text and resubmits; the new version is clean."""

from __future__ import annotations

import io
import random

import pytest
from django.core.management import call_command
from docx import Document
from playwright.sync_api import expect

from guazhi.library.actions import share_writing
from guazhi.roster.models import SecondmentStatus
from guazhi.similarity.models import Report
from guazhi.writings import actions as writing_actions
from guazhi.writings.models import Writing, WritingStatus

pytestmark = pytest.mark.browser

HEADER = "下面是小编为大家整理的挂职干部心得体会范文，供大家参考。"
_CHARS = (
    "国家发展改革经济社会建设人民政府工作推进加强完善实施提高服务管理制度企业农村城市"
    "教育医疗保障就业创新科技产业结构安全生态环境文化法治监督干部群众基层组织领导重点"
)


def prose(seed: int, sentences: int) -> list[str]:
    """Sentences that only a deliberate copy shares with another seed's."""
    rng = random.Random(seed)
    return [
        "".join(rng.choice(_CHARS) for _ in range(rng.randint(18, 36))) + "。"
        for _ in range(sentences)
    ]


def _docx(paragraphs: list[str]) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def _switch_user(page, log_in, user) -> None:
    page.context.clear_cookies()
    log_in(user)


def test_a_copied_essay_is_found_returned_and_revised(
    page,
    log_in,
    screenshot,
    settings,
    tmp_path,
    programme_admin,
    host_liaison,
    cadre_user,
    other_cadre_user,
    cadre_b,
):
    # Another cadre's essay, accepted and shared with the cohort; checked and indexed at once.
    cadre_b.secondments.update(status=SecondmentStatus.ACTIVE)
    essay = prose(1, 24)
    source = writing_actions.create_writing(
        actor=other_cadre_user,
        secondment=cadre_b.secondments.get(),
        kind="speech",
        title="在挂职干部交流会上的发言",
        blocks=[{"type": "paragraph", "text": "".join(essay[i : i + 6])} for i in (0, 6, 12, 18)],
    )
    source.refresh_from_db()
    source = writing_actions.submit_writing(
        actor=other_cadre_user, writing=source, version=source.version
    ).writing
    source.refresh_from_db()
    writing_actions.accept_writing(actor=programme_admin, writing=source, version=source.version)
    source.refresh_from_db()
    share_writing(actor=other_cadre_user, writing=source)
    assert Report.objects.get(writing=source).status == "done"

    # From here on checks wait in the database queue for the worker, as in production.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }

    # The cadre uploads a template site's copy: its header, half-width punctuation, and a
    # paragraph of their own.
    own_opening = "".join(prose(2, 6))
    copied = [s.replace("。", ". ") for s in essay[:18]]
    upload = tmp_path / "心得体会.docx"
    upload.write_bytes(_docx([HEADER, own_opening, "".join(copied[:9]), "".join(copied[9:])]))
    log_in(cadre_user)
    page.goto("/writings/new/")
    page.get_by_label("材料类型").select_option("reflection")
    page.get_by_label("标题").fill("挂职锻炼心得体会")
    page.get_by_label("上传文件（可选）").set_input_files(str(upload))
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_text("已读取“心得体会.docx”")).to_be_visible()
    page.get_by_role("button", name="保存并去提交").click()
    page.get_by_test_id("submit").click()

    # The submitter lands on the check of the version just submitted; it waits for the worker.
    expect(page.get_by_role("heading", name="查重报告：挂职锻炼心得体会")).to_be_visible()
    expect(page.get_by_test_id("report-status")).to_have_text("排队中")
    screenshot("queued")
    _run_worker()
    writing = Writing.objects.get(title="挂职锻炼心得体会")
    first = Report.objects.get(writing=writing)
    assert first.status == "done" and first.verdict == "red"
    # The polling page reloads itself and shows the report.
    expect(page.get_by_test_id("verdict-box")).to_contain_text("复制比过高", timeout=15_000)
    copied_marks = page.get_by_test_id("report-text").locator("mark.sim-copied")
    expect(copied_marks.first).to_be_visible()
    expect(copied_marks.first).to_contain_text(copied[2][:10])
    sources = page.get_by_test_id("sources")
    expect(sources).to_contain_text(f"内部材料（{cadre_b.secondments.get().cohort.name}）")
    expect(sources).not_to_contain_text(cadre_b.name)
    screenshot("report-red")
    # Passage 1 beside its source.
    page.locator("a.sim-ref").first.click()
    expect(page.locator("body")).to_contain_text(essay[2][:10])
    screenshot("compare")

    # The host liaison sees the summary beside the buttons and returns the writing.
    _switch_user(page, log_in, host_liaison)
    page.goto(writing.get_absolute_url())
    summary = page.get_by_test_id("report-summary")
    expect(summary).to_contain_text("复制比过高")
    expect(summary).to_contain_text("去除引用和常用语后的复制比")
    screenshot("review")
    page.get_by_label("退回意见").fill("与他人材料大段雷同，请用自己的经历重写第二、三部分。")
    page.get_by_test_id("return").click()
    expect(page.get_by_text("已退回，干部修改后可重新提交。")).to_be_visible()
    writing.refresh_from_db()
    assert writing.status == WritingStatus.RETURNED

    # The cadre replaces the copied part with their own text and submits again.
    _switch_user(page, log_in, cadre_user)
    page.goto(writing.get_absolute_url())
    expect(page.get_by_role("status").filter(has_text="退回意见")).to_contain_text(
        "与他人材料大段雷同"
    )
    expect(page.get_by_test_id("report-badge").first).to_contain_text("查重报告")
    page.get_by_test_id("edit").click()
    rewritten = "\n".join([own_opening, "".join(prose(3, 9)), "".join(prose(4, 9))])
    page.get_by_role("textbox", name="正文").fill(rewritten)
    page.get_by_role("button", name="保存并去提交").click()
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("report-status")).to_have_text("排队中")
    _run_worker()
    expect(page.get_by_test_id("verdict-box")).to_contain_text("正常", timeout=15_000)
    expect(page.get_by_test_id("report-text").locator("mark.sim-copied")).to_have_count(0)
    expect(page.get_by_test_id("sources")).to_contain_text("未发现")
    screenshot("report-green")
    second = Report.objects.get(writing=writing, is_current=True)
    assert second.pk != first.pk and second.copy_ratio == 0 and second.verdict == "green"
    # Both versions keep their reports, each linked from the writing's page.
    page.goto(writing.get_absolute_url())
    badges = page.get_by_test_id("version").get_by_test_id("report-badge")
    expect(badges).to_have_count(2)
    screenshot("versions")
