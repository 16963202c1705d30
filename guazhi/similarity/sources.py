"""Who may learn where a copied passage came from: the report's source-hiding rule.

A passage copied from a writing the viewer may see (`Writing.objects.visible_to(viewer)`) names
that writing, its author and a link to the version. Any other writing is "内部材料" with its
cohort: never its title, its author or their unit, and its text is shown (in the side-by-side
view) with the author's name masked. A reference text shows its title; only the programme admin,
who keeps the corpus, gets a link to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from guazhi.accounts.models import User
from guazhi.similarity import store
from guazhi.similarity.models import ReferenceText
from guazhi.writings.models import Writing, WritingVersion

WRITING = "writing"
REFERENCE = "reference"
MISSING = "missing"


@dataclass(frozen=True)
class Source:
    doc_id: str
    kind: str
    label: str
    url: str = ""
    hidden: bool = False
    text: str = ""  # the source's text as this viewer may read it (side-by-side view)
    removed: bool = False

    @property
    def is_reference(self) -> bool:
        return self.kind == REFERENCE


def internal_label(cohort_name: str) -> str:
    return f"内部材料（{cohort_name}）"


def _mask(text: str, name: str) -> str:
    return text.replace(name, "×" * len(name)) if name else text


def resolve(doc_ids: Iterable[str], viewer: User) -> dict[str, Source]:
    """{source id: Source} for the ids of a report's passages, as `viewer` may see them."""
    version_pks: set[int] = set()
    reference_pks: set[int] = set()
    for doc_id in doc_ids:
        try:
            kind, pk = store.parse_id(doc_id)
        except ValueError:
            continue
        (version_pks if kind == "v" else reference_pks).add(pk)
    out: dict[str, Source] = {}
    versions = list(
        WritingVersion.objects.filter(pk__in=version_pks).select_related(
            "writing__secondment__cadre", "writing__secondment__cohort"
        )
    )
    visible = set(
        Writing.objects.visible_to(viewer)
        .filter(pk__in={v.writing_id for v in versions})
        .values_list("pk", flat=True)
    )
    for v in versions:
        doc_id = store.version_id(v.pk)
        secondment = v.writing.secondment
        if v.writing_id in visible:
            out[doc_id] = Source(
                doc_id,
                WRITING,
                f"《{v.title}》（{secondment.cadre.name}，{secondment.cohort.name}）",
                url=v.get_absolute_url(),
                text=v.text,
            )
        else:
            out[doc_id] = Source(
                doc_id,
                WRITING,
                internal_label(secondment.cohort.name),
                hidden=True,
                text=_mask(v.text, secondment.cadre.name),
            )
    for ref in ReferenceText.objects.filter(pk__in=reference_pks):
        removed = ref.removed_at is not None
        out[store.reference_id(ref.pk)] = Source(
            store.reference_id(ref.pk),
            REFERENCE,
            f"参考范文《{ref.title}》" + ("（已移出参考库）" if removed else ""),
            url=ref.get_absolute_url() if viewer.is_programme_admin else "",
            text=ref.text,
            removed=removed,
        )
    for doc_id in doc_ids:
        out.setdefault(doc_id, Source(doc_id, MISSING, "来源已不存在"))
    return out
