"""Checking in (在岗打卡): one tap, once a day, only where the cohort's rule switches it on."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from guazhi.accounts.models import User
from guazhi.attendance.models import CheckIn
from guazhi.audit.log import record
from guazhi.audit.models import Event
from guazhi.roster.models import Secondment, SecondmentStatus


def active_secondment(user: User) -> Secondment | None:
    """The cadre's posting on post today, if any."""
    if not user.is_cadre or user.cadre_id is None:
        return None
    return (
        Secondment.objects.filter(cadre_id=user.cadre_id, status=SecondmentStatus.ACTIVE)
        .select_related("cohort", "host_unit")
        .order_by("-start_date")
        .first()
    )


def check_in(*, actor: User, ip: str = "", place: str = "") -> CheckIn:
    """Record today's check-in; a second tap the same day returns the first (no duplicate)."""
    secondment = active_secondment(actor)
    if secondment is None:
        raise ValidationError("您当前没有在岗的挂职任职，不能打卡。")
    if not secondment.cohort.checkin_enabled:
        raise ValidationError("本批次未启用在岗打卡。")
    today = timezone.localdate()
    existing = CheckIn.objects.filter(secondment=secondment, date=today).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                secondment=secondment, date=today, place=place.strip()[:100]
            )
            record(
                event=Event.CREATE,
                user=actor,
                ip=ip,
                obj=checkin,
                detail="在岗打卡",
                after={"date": today.isoformat(), "place": checkin.place},
            )
    except IntegrityError:  # two taps at once: the other one won
        return CheckIn.objects.get(secondment=secondment, date=today)
    return checkin
