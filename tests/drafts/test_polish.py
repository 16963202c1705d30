"""The optional wording polish against a fake OpenAI-compatible server: reworded sentences whose
numbers pass the claims check are kept; a changed number falls back to the original, flagged;
errors and timeouts leave the draft as it was, with a Chinese message."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from guazhi.audit.models import AuditRecord
from guazhi.drafts.actions import generate_draft
from guazhi.drafts.models import SummaryDraft
from guazhi.ledger.models import Category, EntryFigure, FigureField


class FakeModel(BaseHTTPRequestHandler):
    """Rewords every numbered line (本人 → 我), and changes 123家 to 300家; `mode` on the
    server switches to failures."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers["Content-Length"])
        request = json.loads(self.rfile.read(length))
        self.server.requests.append((self.path, dict(self.headers), request))  # type: ignore[attr-defined]
        mode = self.server.mode  # type: ignore[attr-defined]
        if mode == "slow":
            time.sleep(2)
        if mode == "error":
            self.send_response(500)
            self.end_headers()
            return
        lines = request["messages"][-1]["content"].splitlines()
        out = []
        for line in lines:
            n, text = re.match(r"\[(\d+)\] (.*)", line).groups()  # type: ignore[union-attr]
            text = text.replace("本人", "我").replace("123家", "300家")
            out.append(f"[{n}] {text}")
        content = "\n".join(out) if mode != "garbage" else "好的，已润色。"
        body = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_model(settings) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeModel)
    server.requests = []  # type: ignore[attr-defined]
    server.mode = "ok"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GUAZHI_LLM_URL = f"http://127.0.0.1:{server.server_port}/v1"
    settings.GUAZHI_LLM_MODEL = "qwen-intranet"
    settings.GUAZHI_LLM_KEY = "secret-key"
    settings.GUAZHI_LLM_TIMEOUT = 1
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def draft_a(cadre_user, secondment_a, make_entry) -> SummaryDraft:
    category = Category.objects.get(name="企业帮扶")
    visits = FigureField.objects.get(category=category, key="enterprises_visited")
    loans = FigureField.objects.get(category=category, key="loans")
    entry = make_entry(secondment_a, cadre_user, date=date(2026, 4, 8), status="confirmed")
    EntryFigure.objects.create(entry=entry, field=visits, value=Decimal(123))
    EntryFigure.objects.create(entry=entry, field=loans, value=Decimal(800))
    return generate_draft(actor=cadre_user, secondment=secondment_a, today=date(2026, 11, 20))


@pytest.mark.django_db
def test_polish_keeps_supported_rewording_and_flags_a_changed_number(
    client_for, cadre_user, draft_a, fake_model
):
    client = client_for(cadre_user)
    assert "润色措辞" in client.get(draft_a.get_absolute_url()).content.decode()
    response = client.post(reverse("drafts:polish", args=[draft_a.pk]), follow=True)
    html = response.content.decode()
    assert "与台账不符，已保留原句并标出" in html

    path, headers, request = fake_model.requests[0]
    assert path == "/v1/chat/completions" and request["model"] == "qwen-intranet"
    assert headers["Authorization"] == "Bearer secret-key"
    sent = request["messages"][-1]["content"]
    assert "【请" not in sent  # only the factual sentences are sent

    draft_a.refresh_from_db()
    facts = draft_a.draft.facts()
    flagged = [s for s in facts if s.rejected]
    assert flagged and all("123家" in s.text and "300家" in s.rejected for s in flagged)
    assert all(s.rejected_numbers == ("300家",) for s in flagged)
    assert all(s.shown == s.text for s in flagged)  # the original goes into the writing
    kept = [s for s in facts if s.polished]
    assert [s.polished[:4] for s in kept] == ["2026"]
    assert kept[0].polished.startswith("2026年3月，我受组织选派") and "本人" in kept[0].text
    assert "300家" not in draft_a.draft.text()
    assert 'data-testid="rejected"' in html and "<mark>300家</mark>" in html
    assert AuditRecord.objects.filter(
        object_type="drafts.summarydraft", object_id=str(draft_a.pk), event="edit"
    ).exists()


@pytest.mark.django_db
def test_a_different_number_that_the_ledger_would_support_is_still_refused(cadre_user, draft_a):
    from guazhi.drafts.actions import checker, review_rewording

    original = next(s for s in draft_a.draft.facts() if "123家" in s.text)
    check = checker(draft_a.secondment, date(2026, 3, 1), date(2026, 11, 20))
    reviewed = review_rewording(original, original.text.replace("123家", "120家"), check)
    assert reviewed.rejected and reviewed.rejected_numbers == ("120家",)
    assert reviewed.shown == original.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("slow", "大模型服务响应超时，初稿保持不变"),
        ("error", "大模型服务返回错误（500），初稿保持不变"),
        ("garbage", "没有按要求逐句答复"),
    ],
)
def test_failures_keep_the_draft(client_for, cadre_user, draft_a, fake_model, mode, message):
    fake_model.mode = mode
    before = draft_a.content
    response = client_for(cadre_user).post(reverse("drafts:polish", args=[draft_a.pk]), follow=True)
    assert message in response.content.decode()
    draft_a.refresh_from_db()
    assert draft_a.content == before and draft_a.polished_at is None


@pytest.mark.django_db
def test_unreachable_server_and_switched_off(client_for, cadre_user, draft_a, settings):
    settings.GUAZHI_LLM_URL = "http://127.0.0.1:9/v1"  # discard port: nothing listens
    response = client_for(cadre_user).post(reverse("drafts:polish", args=[draft_a.pk]), follow=True)
    assert "无法连接大模型服务" in response.content.decode()
    settings.GUAZHI_LLM_URL = ""
    client = client_for(cadre_user)
    assert "润色措辞" not in client.get(draft_a.get_absolute_url()).content.decode()
    assert client.post(reverse("drafts:polish", args=[draft_a.pk])).status_code == 404
