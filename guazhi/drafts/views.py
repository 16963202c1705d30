"""Draft pages: the cadre generates a term-summary draft from their records, reads it with each
sentence's citations as links, optionally polishes its wording, and starts (or replaces) their
term-summary writing with it.

Objects come through `guazhi.drafts.access`; changes are `guazhi.drafts.actions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from guazhi.accounts.models import User
from guazhi.audit.log import client_ip
from guazhi.contacts.models import Contact, Problem
from guazhi.drafts import actions, llm
from guazhi.drafts.access import get_own_draft, own_secondment
from guazhi.drafts.draft import CONTACT, ENTRY, PROBLEM, PROJECT, SECONDMENT, Draft, Sentence
from guazhi.drafts.models import SummaryDraft
from guazhi.ledger.models import Entry
from guazhi.projects.models import Project
from guazhi.roster.models import Secondment
from guazhi.writings.actions import WritingConflict, WritingPermissionError

LINKS_SHOWN = 3


class ReplaceForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


@dataclass(frozen=True)
class Link:
    url: str
    label: str


@dataclass(frozen=True)
class ShownSentence:
    sentence: Sentence
    links: list[Link]
    more: list[Link]


def _visible_links(draft: Draft, user: User) -> dict[tuple[str, int], Link]:
    """Each cited record as a link, fetched through the viewer's scope: a source the viewer
    may not see (there should be none) is left out rather than linked."""
    wanted: dict[str, set[int]] = {}
    for s in draft.sentences():
        for src in s.sources:
            wanted.setdefault(src.kind, set()).add(src.id)
    links: dict[tuple[str, int], Link] = {}
    if wanted.get(ENTRY):
        for pk, day, title in (
            Entry.objects.visible_to(user)
            .filter(pk__in=wanted[ENTRY])
            .values_list("pk", "date", "title")
        ):
            links[(ENTRY, pk)] = Link(
                reverse("ledger:entry_detail", args=[pk]), f"{day:%Y-%m-%d} {title}"
            )
    scoped: list[tuple[str, Any, str, str]] = [
        (PROJECT, Project.objects.visible_to(user), "projects:project_detail", "name"),
        (PROBLEM, Problem.objects.visible_to(user), "contacts:problem_detail", "description"),
        (CONTACT, Contact.objects.visible_to(user), "contacts:contact_detail", "name"),
        (SECONDMENT, Secondment.objects.visible_to(user), "roster:secondment_detail", "post"),
    ]
    prefixes = {PROJECT: "项目：", PROBLEM: "问题：", CONTACT: "包联：", SECONDMENT: "挂职任职："}
    for kind, queryset, url_name, field in scoped:
        if wanted.get(kind):
            for pk, text in queryset.filter(pk__in=wanted[kind]).values_list("pk", field):
                label = prefixes[kind] + (text if len(text) <= 30 else text[:30] + "…")
                links[(kind, pk)] = Link(reverse(url_name, args=[pk]), label)
    return links


def _shown(draft: Draft, user: User) -> list[dict[str, Any]]:
    links = _visible_links(draft, user)
    sections = []
    for sec in draft.sections:
        paragraphs = []
        for p in sec.paragraphs:
            sentences = []
            for s in p.sentences:
                found = [
                    links[(src.kind, src.id)] for src in s.sources if (src.kind, src.id) in links
                ]
                sentences.append(ShownSentence(s, found[:LINKS_SHOWN], found[LINKS_SHOWN:]))
            paragraphs.append({"heading": p.heading, "sentences": sentences})
        sections.append({"title": sec.title, "paragraphs": paragraphs})
    return sections


def mine(request: HttpRequest) -> HttpResponse:
    """The cadre's latest draft, or the page that offers to generate one."""
    user, secondment = own_secondment(request)
    latest = (
        SummaryDraft.objects.visible_to(user).filter(secondment=secondment).first()
        if secondment
        else None
    )
    if latest is not None:
        return redirect(latest)
    return render(request, "drafts/mine.html", {"secondment": secondment})


@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    user, secondment = own_secondment(request)
    if secondment is None:
        messages.error(request, "您目前没有已报到的挂职任职，无法生成挂职总结初稿。")
        return redirect("drafts:mine")
    draft = actions.generate_draft(actor=user, secondment=secondment, ip=client_ip(request))
    unsupported = sum(len(s.unsupported) for s in draft.draft.facts())
    if unsupported:
        messages.warning(
            request,
            f"已生成初稿。其中 {unsupported} 处数字未能与台账核对一致，已标出，请核实后再使用。",
        )
    else:
        messages.success(
            request, "已根据您的工作纪实、重点项目和问题清单生成初稿，文中数字均与台账一致。"
        )
    return redirect(draft)


def draft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_own_draft(request, pk)
    user = request.user
    assert isinstance(user, User)
    content = draft.draft
    writing = actions.term_summary_of(draft.secondment)
    return render(
        request,
        "drafts/draft_detail.html",
        {
            "draft": draft,
            "content": content,
            "sections": _shown(content, user),
            "writing": writing,
            "period": (
                date.fromisoformat(content.meta["start"]),
                date.fromisoformat(content.meta["end"]),
            )
            if content.meta.get("start")
            else None,
            "llm_enabled": llm.enabled(),
            "prompt_count": sum(1 for s in content.sentences() if s.prompt),
            "flagged": [s for s in content.facts() if s.rejected],
            "unsupported": [s for s in content.facts() if s.unsupported],
        },
    )


@require_POST
def polish(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_own_draft(request, pk)
    if not llm.enabled():
        raise Http404
    user = request.user
    assert isinstance(user, User)
    try:
        polished = actions.polish_draft(actor=user, draft=draft, ip=client_ip(request))
    except llm.LLMError as e:
        messages.error(request, str(e))
        return redirect(draft)
    facts = polished.draft.facts()
    kept = sum(1 for s in facts if s.polished)
    flagged = sum(1 for s in facts if s.rejected)
    text = f"已润色 {kept} 句。"
    if flagged:
        text += f"另有 {flagged} 句润色后数字与台账不符，已保留原句并标出。"
        messages.warning(request, text)
    else:
        messages.success(request, text)
    return redirect(polished)


def write(request: HttpRequest, pk: int) -> HttpResponse:
    """「用此初稿开始写作」: a new term-summary writing, or after confirmation the new body of the
    existing one."""
    draft = get_own_draft(request, pk)
    user = request.user
    assert isinstance(user, User)
    form = ReplaceForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        writing = actions.term_summary_of(draft.secondment)
        return render(request, "drafts/confirm_replace.html", {"draft": draft, "writing": writing})
    try:
        writing = actions.start_writing(
            actor=user,
            draft=draft,
            replace_version=form.cleaned_data.get("version"),
            ip=client_ip(request),
        )
    except actions.ReplaceNeedsConfirmation as e:
        return render(
            request, "drafts/confirm_replace.html", {"draft": draft, "writing": e.writing}
        )
    except WritingConflict as e:
        messages.error(request, e.message)
        return redirect(draft)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect(draft)
    except (actions.DraftPermissionError, WritingPermissionError):
        raise Http404 from None
    messages.success(
        request,
        "已将初稿写入挂职总结。请把“【请……】”提示换成您自己的内容，核对后再提交。",
    )
    return redirect("writings:writing_edit", writing.pk)
