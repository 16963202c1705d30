"""Changes to the reference corpus and retries of failed checks. Each writes its rows and the
audit record in one short transaction; the index follows after commit, in a background task
(`tasks.update_references`), since it is shared by processes and held under a file lock.

Actions take the acting user (`actor`) and the client address (`ip`), never a request, so the
demo seeder and commands can call them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.similarity import checking
from guazhi.similarity.corpus_files import Essay
from guazhi.similarity.models import ReferenceText, Report


class CorpusPermissionError(Exception):
    """Only the programme admin keeps the reference corpus."""


@dataclass
class UploadOutcome:
    added: list[ReferenceText] = field(default_factory=list)
    # (title, why): duplicates of the corpus or of another essay of the same upload
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _index_later(added: Sequence[int] = (), removed: Sequence[int] = ()) -> None:
    from guazhi.similarity.tasks import update_references

    added_list, removed_list = list(added), list(removed)
    transaction.on_commit(lambda: update_references.enqueue(added_list, removed_list))


def add_reference_texts(
    *,
    actor: User,
    essays: Sequence[Essay],
    source_note: str = "",
    file_name: str = "",
    ip: str = "",
) -> UploadOutcome:
    """Add the essays not already in the corpus; a ValidationError if none is new."""
    if not actor.is_programme_admin:
        raise CorpusPermissionError
    outcome = UploadOutcome()
    seen: dict[str, str] = {}
    with transaction.atomic():
        hashes = {e.sha256 for e in essays}
        existing = dict(
            ReferenceText.objects.active().filter(sha256__in=hashes).values_list("sha256", "title")
        )
        for essay in essays:
            digest = essay.sha256
            if digest in existing:
                outcome.skipped.append((essay.title, f"与参考库中的《{existing[digest]}》内容相同"))
                continue
            if digest in seen:
                outcome.skipped.append((essay.title, f"与本次上传的《{seen[digest]}》内容相同"))
                continue
            seen[digest] = essay.title
            outcome.added.append(
                ReferenceText.objects.create(
                    title=essay.title,
                    source_note=source_note,
                    text=essay.text,
                    chars=essay.chars,
                    sha256=digest,
                    file_name=(essay.file_name or file_name)[:200],
                    uploaded_by=actor,
                )
            )
        if not outcome.added:
            reasons = "；".join(f"《{t}》{why}" for t, why in outcome.skipped[:5])
            raise ValidationError(f"没有新增范文：{reasons}。")
        record(
            event=Event.CREATE,
            user=actor,
            ip=ip,
            object_type="similarity.referencetext",
            object_repr=f"参考范文 {len(outcome.added)} 篇（{file_name}）"[:255],
            detail=f"上传参考范文“{file_name}”：新增 {len(outcome.added)} 篇，"
            f"跳过重复 {len(outcome.skipped)} 篇",
            after={
                "文件": file_name,
                "来源说明": source_note,
                "新增": [r.title for r in outcome.added[:50]],
                "新增篇数": len(outcome.added),
                "跳过篇数": len(outcome.skipped),
            },
        )
        _index_later(added=[r.pk for r in outcome.added])
    return outcome


def remove_reference_text(*, actor: User, reference: ReferenceText, ip: str = "") -> None:
    """Take an essay out of the corpus and the index; reports that found it keep its title."""
    if not actor.is_programme_admin:
        raise CorpusPermissionError
    with transaction.atomic():
        updated = ReferenceText.objects.filter(pk=reference.pk, removed_at__isnull=True).update(
            removed_at=timezone.now(), removed_by=actor
        )
        if not updated:
            return
        record(
            event=Event.DELETE,
            user=actor,
            ip=ip,
            obj=reference,
            detail=f"从参考范文库移除《{reference.title}》",
            before={"标题": reference.title, "来源说明": reference.source_note},
        )
        _index_later(removed=[reference.pk])


def retry_check(*, actor: User, report: Report, ip: str = "") -> bool:
    """Queue a failed check again (the author, the deciding liaison or the admin); False when
    it had not failed."""
    with transaction.atomic():
        reset = checking.reset_failed(report)
        if reset:
            record(
                event=Event.STATUS_CHANGE,
                user=actor,
                ip=ip,
                obj=report,
                detail=f"重新查重《{report.version.title}》（第 {report.version.number} 版）",
            )
    if reset:
        checking.start(report)
    return reset
