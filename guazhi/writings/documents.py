"""A writing as an official document (GB/T 9704, `guazhi.lib.official_docx`): what is printed,
under which file name.

The document shows what the reader reads on the page: for the author, their working copy; for
everyone else, the last submitted version; on a version's page, that version. Under the title
an official submission carries its author line: the post held in the host unit, marked as a
secondment, then the name ("柳溪镇党委副书记（挂职）　张建国"); the 成文日期 is the day the
version was made (submitted, for a submission).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from guazhi.lib.official_docx import OfficialDocument, blocks_from_dicts
from guazhi.lib.zipdocs import safe_name
from guazhi.roster.models import Secondment
from guazhi.writings.models import Writing, WritingVersion

# Unit words a post may repeat from the unit's name: 柳溪镇 + 镇党委副书记 is 柳溪镇党委副书记.
_UNIT_WORDS = ("街道", "社区", "镇", "乡", "村", "县", "区", "市")
FORMATS = {"docx": "Word", "pdf": "PDF"}


@dataclass(frozen=True)
class WritingText:
    """The text to print: a version, or the author's working copy (number None when it matches
    no saved version, i.e. unsaved autosaved edits)."""

    writing: Writing
    title: str
    body: list[dict[str, Any]]
    number: int | None
    made: date

    @property
    def version_label(self) -> str:
        return f"第{self.number}版" if self.number else "草稿"


def post_line(secondment: Secondment) -> str:
    """The host unit and post as one title: 柳溪镇 + 镇党委副书记 → 柳溪镇党委副书记.

    >>> from guazhi.roster.models import Unit
    >>> post_line(Secondment(host_unit=Unit(name="东关街道"), post="街道办事处副主任"))
    '东关街道办事处副主任'
    >>> post_line(Secondment(host_unit=Unit(name="市发展和改革委员会"), post="副主任"))
    '市发展和改革委员会副主任'
    """
    unit, post = secondment.host_unit.name.strip(), secondment.post.strip()
    for word in _UNIT_WORDS:
        if unit.endswith(word) and post.startswith(word):
            return unit + post[len(word) :]
    return unit + post


def author_line(secondment: Secondment) -> str:
    return f"{post_line(secondment)}（挂职）\u3000{secondment.cadre.name}"


def version_text(version: WritingVersion) -> WritingText:
    return WritingText(
        writing=version.writing,
        title=version.title,
        body=list(version.body or []),
        number=version.number,
        made=timezone.localdate(version.created_at),
    )


def last_submission(writing: Writing) -> WritingVersion | None:
    return (
        WritingVersion.objects.filter(writing=writing, is_submission=True)
        .order_by("-number")
        .first()
    )


def shown_text(writing: Writing, *, is_author: bool) -> WritingText | None:
    """What the writing's page shows this reader, as printable text (None: nothing submitted)."""
    if not is_author:
        version = last_submission(writing)
        return version_text(version) if version is not None else None
    latest = WritingVersion.objects.filter(writing=writing).order_by("-number").first()
    same = latest is not None and latest.title == writing.title and latest.body == writing.body
    return WritingText(
        writing=writing,
        title=writing.title,
        body=list(writing.body or []),
        number=latest.number if same and latest is not None else None,
        made=timezone.localdate(writing.updated_at),
    )


def official_document(text: WritingText) -> OfficialDocument:
    secondment = text.writing.secondment
    return OfficialDocument(
        title=text.title,
        subtitle=author_line(secondment),
        blocks=blocks_from_dicts(text.body),
        date_line=f"{text.made.year}年{text.made.month}月{text.made.day}日",
        author=secondment.cadre.name,
    )


def file_name(text: WritingText, suffix: str) -> str:
    """张建国-挂职锻炼心得体会-第2版.docx: the cadre, the title and the version."""
    cadre = text.writing.secondment.cadre.name
    return safe_name(f"{cadre}-{text.title}-{text.version_label}.{suffix}")
