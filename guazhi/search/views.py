"""全文检索: ledger entries and shared writings the viewer may see, ranked, with highlighted
snippets. The index is `guazhi.lib.search_index`; the viewer's scope `guazhi.search.scope`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe

from guazhi.accounts.models import User
from guazhi.ledger.models import Entry
from guazhi.lib import search_index
from guazhi.lib.search_text import Term, highlight, query_terms
from guazhi.library.models import Share
from guazhi.roster.access import business_user
from guazhi.search import scope
from guazhi.search.forms import SearchForm

PAGE_SIZE = 20
SNIPPET = 140


@dataclass(frozen=True)
class Result:
    source: str  # 工作纪实 / 交流材料
    url: str
    title: SafeString
    snippet: SafeString
    date: date
    badge: str
    meta: str


def _safe(html: str) -> SafeString:
    # highlight() escapes the text and adds only <mark> tags.
    return mark_safe(html)  # noqa: S308


def _results(user: User, ids: list[int], terms: list[Term]) -> list[Result]:
    """The page's hits read through the pages' own QuerySets, in rank order."""
    wanted = [search_index.source_of(i) for i in ids]
    entry_ids = [pk for source, pk in wanted if source == search_index.ENTRY]
    writing_ids = [pk for source, pk in wanted if source == search_index.WRITING]
    entries = Entry.objects.visible_to(user).with_related().in_bulk(entry_ids)
    shares = {
        s.writing_id: s
        for s in Share.objects.visible_to(user).with_related().filter(writing_id__in=writing_ids)
    }
    results = []
    for source, pk in wanted:
        if source == search_index.ENTRY and pk in entries:
            e = entries[pk]
            s = e.secondment
            results.append(
                Result(
                    "工作纪实",
                    e.get_absolute_url(),
                    _safe(highlight(e.title, terms)),
                    _safe(highlight(f"{e.text} {e.tags}".strip(), terms, width=SNIPPET)),
                    e.date,
                    e.category.name,
                    f"{s.cadre.name} · {s.host_unit.name} · {s.cohort.name}",
                )
            )
        elif source == search_index.WRITING and pk in shares:
            share = shares[pk]
            w, s = share.writing, share.writing.secondment
            results.append(
                Result(
                    "交流材料",
                    share.get_absolute_url(),
                    _safe(highlight(w.title, terms)),
                    _safe(highlight(w.text, terms, width=SNIPPET)),
                    share.shared_at.date(),
                    w.get_kind_display(),
                    f"{s.cadre.name} · {s.host_unit.name} · {share.cohort.name}",
                )
            )
    return results


def search(request: HttpRequest) -> HttpResponse:
    user = business_user(request)
    form = SearchForm(request.GET or None, user=user)
    context: dict[str, Any] = {"form": form, "searched": False}
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        terms = query_terms(form.cleaned_data["q"])
        viewer, chosen = scope.scope(user), scope.filters(form.cleaned_data)
        hits = search_index.search(
            terms, where=[*viewer.where, *chosen.where], within=[*viewer.within, *chosen.within]
        )
        page = Paginator(hits.ids, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(
            searched=True,
            terms=terms,
            page=page,
            capped=hits.capped,
            cap=search_index.CAP,
            results=_results(user, list(page.object_list), terms),
        )
    return render(request, "search/search.html", context)
