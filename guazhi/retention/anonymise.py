"""Anonymising the personal data of secondments that ended long ago
(GUAZHI_ANONYMISE_AFTER_DAYS after the actual, or else the planned, end date).

What goes and what stays follows what an organisation department keeps: the cadre's file (name,
units, posts, ledger, writings, assessment results) is kept for years; what identifies or
reaches the person — ID number, mobile, exact birth date — and the households' and
petitioners' own data are not needed once the term is long over.

- cadre (only when every secondment of theirs is past the period): ID number replaced by a
  unique placeholder (the column is unique), mobile cleared, birth date cut to 1 January of the
  year (age brackets in statistics still work);
- paired households and petitioners of the secondment: name cut to surname + 某 (the usual
  Chinese anonymisation, as in published judgements), phone, ID number and address cleared.

Values are assigned and saved through the models, so the encryption of those columns (or its
absence) is the models' business. One short transaction per secondment, each audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.contacts.models import PERSONAL_KINDS, Contact
from guazhi.retention.models import AnonymisedSecondment
from guazhi.roster.models import Cadre, Secondment, SecondmentStatus

PLACEHOLDER_PREFIX = "已匿名化"
ENDED = (SecondmentStatus.COMPLETED, SecondmentStatus.ENDED_EARLY)


@dataclass
class Anonymised:
    secondments: int
    cadres: int
    contacts: int
    ended_before: date


def anonymise_after_days() -> int:
    return int(getattr(settings, "GUAZHI_ANONYMISE_AFTER_DAYS", 3 * 365))


def id_placeholder(cadre_id: int) -> str:
    return f"{PLACEHOLDER_PREFIX}{cadre_id:06d}"


def is_anonymised(cadre: Cadre) -> bool:
    return str(cadre.id_number or "").startswith(PLACEHOLDER_PREFIX)


def _ended_before(cutoff: date) -> Q:
    return Q(status__in=ENDED) & Q(end__lt=cutoff)


def due_secondments(cutoff: date) -> list[int]:
    """Ended before `cutoff` and not anonymised yet, oldest first."""
    done = AnonymisedSecondment.objects.values("secondment_id")
    return list(
        Secondment._base_manager.annotate(end=Coalesce("actual_end_date", "planned_end_date"))
        .filter(_ended_before(cutoff))
        .exclude(pk__in=done)
        .order_by("end", "pk")
        .values_list("pk", flat=True)
    )


def anonymise_ended(*, operator: str, today: date | None = None) -> Anonymised:
    cutoff = (today or timezone.localdate()) - timedelta(days=anonymise_after_days())
    result = Anonymised(0, 0, 0, cutoff)
    for pk in due_secondments(cutoff):
        cadre_done, contacts = anonymise_secondment(
            secondment_id=pk, cutoff=cutoff, operator=operator
        )
        result.secondments += 1
        result.cadres += int(cadre_done)
        result.contacts += contacts
    return result


def anonymise_secondment(*, secondment_id: int, cutoff: date, operator: str) -> tuple[bool, int]:
    """Anonymise one secondment's contacts, and its cadre once all of theirs are due. Returns
    (cadre anonymised now, contacts anonymised)."""
    with transaction.atomic():
        secondment = (
            Secondment._base_manager.select_for_update()
            .annotate(end=Coalesce("actual_end_date", "planned_end_date"))
            .get(pk=secondment_id)
        )
        if AnonymisedSecondment.objects.filter(secondment_id=secondment_id).exists():
            return False, 0  # another run got here first
        contacts = _anonymise_contacts(secondment)
        # The cadre's own data stays while any secondment of theirs is current or recent.
        still_needed = (
            Secondment._base_manager.filter(cadre_id=secondment.cadre_id)
            .annotate(end=Coalesce("actual_end_date", "planned_end_date"))
            .exclude(_ended_before(cutoff))
            .exists()
        )
        cadre = Cadre._base_manager.select_for_update().get(pk=secondment.cadre_id)
        cadre_now = not still_needed and not is_anonymised(cadre)
        if cadre_now:
            cadre.id_number = id_placeholder(cadre.pk)
            cadre.mobile = ""
            cadre.birth_date = date(cadre.birth_date.year, 1, 1)
            cadre.version += 1
            # A whole save, not update_fields: an encrypted column may keep derived columns
            # (a blind index) that must change with it.
            cadre.save()
        AnonymisedSecondment.objects.create(
            secondment_id=secondment_id,
            anonymised_at=timezone.now(),
            cadre_anonymised=cadre_now,
            contacts=contacts,
        )
        parts = []
        if cadre_now:
            parts.append("干部本人的身份证号、手机号清除，出生日期只保留年份")
        elif still_needed:
            parts.append("干部另有未到期的挂职任职，本人信息暂不匿名化")
        parts.append(f"包联农户、信访人 {contacts} 个的姓名、电话、身份证号、地址匿名化")
        record(
            event=Event.ANONYMISE,
            username=operator,
            obj=secondment,
            detail=(
                f"挂职结束于 {secondment.end:%Y-%m-%d}，已超过 {anonymise_after_days()} 天："
                + "；".join(parts)
            ),
            after={"cadre_anonymised": cadre_now, "contacts": contacts},
        )
    return cadre_now, contacts


def _anonymise_contacts(secondment: Secondment) -> int:
    count = 0
    for contact in (
        Contact._base_manager.select_for_update()
        .filter(secondment=secondment, kind__in=PERSONAL_KINDS)
        .order_by("pk")
    ):
        contact.name = _surname_only(contact.name)
        contact.phone = ""
        contact.id_number = ""
        contact.address = ""
        contact.version += 1
        contact.save()
        count += 1
    return count


def _surname_only(name: str) -> str:
    name = name.strip()
    if not name or name.endswith("某"):
        return name or "某"
    # Two-character compound surnames are rare enough that the first character will do.
    return f"{name[0]}某"
