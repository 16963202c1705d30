"""Days on post per month: a day counts when the cadre wrote a ledger entry or checked in;
the admin sees who falls short of the cohort's minimum."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from guazhi.attendance.models import CheckIn
from guazhi.attendance.months import month_rows
from guazhi.audit.models import AuditRecord, Event
from guazhi.roster.models import Secondment
from tests.conftest import ledger_entry


def test_entries_and_checkins_count_once_per_day(cadre_user, cadre_a, cohort):
    s = cadre_a.secondments.get()
    for day in (4, 4, 5, 6):  # two entries on the 4th: one day
        ledger_entry(s, cadre_user, date=date(2026, 5, day))
    CheckIn.objects.create(secondment=s, date=date(2026, 5, 6))  # same day as an entry
    CheckIn.objects.create(secondment=s, date=date(2026, 5, 7))
    (row,) = month_rows(Secondment.objects.filter(pk=s.pk), year=2026, month=5)
    assert (row.days, row.entry_days, row.checkin_days) == (4, 3, 2)


def test_minimum_is_scaled_to_the_part_of_the_month_on_post(cadre_a, cohort):
    cohort.min_days_per_month = 20
    cohort.save()
    s = cadre_a.secondments.get()  # starts 2026-03-01
    s.start_date = date(2026, 3, 25)
    s.save()
    (row,) = month_rows(Secondment.objects.filter(pk=s.pk), year=2026, month=3)
    assert row.possible == 7 and row.required_here == 7 and row.short


def test_admin_report_lists_who_falls_short(
    client_for, programme_admin, cadre_user, cadre_a, cadre_b, cohort
):
    cohort.min_days_per_month = 2
    cohort.save()
    ledger_entry(cadre_a.secondments.get(), cadre_user, date=date(2026, 5, 4))
    ledger_entry(cadre_a.secondments.get(), cadre_user, date=date(2026, 5, 5))
    response = client_for(programme_admin).get(
        reverse("attendance:month_report"), {"month": "2026-05", "short_only": "on"}
    )
    names = [r.secondment.cadre.name for r in response.context["page"]]
    assert names == ["李秀英"]


def test_host_liaison_report_is_scoped(client_for, host_liaison, cadre_a, cadre_b):
    response = client_for(host_liaison).get(
        reverse("attendance:month_report"), {"month": "2026-05"}
    )
    assert [r.secondment.cadre.name for r in response.context["page"]] == ["张建国"]


def test_a_bad_month_reads_naturally(client_for, programme_admin):
    response = client_for(programme_admin).get(
        reverse("attendance:month_report"), {"month": "2026-13"}
    )
    assert "月份请按“年-月”填写" in response.content.decode()


def test_report_export_is_audited(client_for, programme_admin, cadre_a, cadre_b):
    response = client_for(programme_admin).get(
        reverse("attendance:month_export"), {"month": "2026-05"}
    )
    assert response.status_code == 200
    assert AuditRecord.objects.get(event=Event.EXPORT).after == {"rows": 2}


def test_check_in_only_where_the_cohort_switched_it_on(client_for, cadre_user, cadre_a, cohort):
    client = client_for(cadre_user)
    response = client.post(reverse("attendance:checkin"), follow=True)
    assert "本批次未启用在岗打卡" in response.content.decode()
    assert not CheckIn.objects.exists()

    cohort.checkin_enabled = True
    cohort.save()
    assert "在岗打卡" in client.get(reverse("home")).content.decode()
    client.post(reverse("attendance:checkin"), {"place": "石桥村村委会"})
    client.post(reverse("attendance:checkin"), {"place": "又点了一次"})
    (checkin,) = CheckIn.objects.all()
    assert (checkin.date, checkin.place) == (timezone.localdate(), "石桥村村委会")
    assert "今天已打卡" in client.get(reverse("home")).content.decode()
    assert AuditRecord.objects.filter(event=Event.CREATE, detail="在岗打卡").count() == 1


def test_a_pending_cadre_cannot_check_in(client_for, other_cadre_user, cadre_b, cohort):
    cohort.checkin_enabled = True
    cohort.save()
    response = client_for(other_cadre_user).post(reverse("attendance:checkin"), follow=True)
    assert "没有在岗的挂职任职" in response.content.decode()


def test_cadre_home_shows_days_on_post_this_month(client_for, cadre_user, cadre_a):
    today = timezone.localdate()
    ledger_entry(cadre_a.secondments.get(), cadre_user, date=today)
    ledger_entry(cadre_a.secondments.get(), cadre_user, date=today - timedelta(days=today.day))
    (posting,) = client_for(cadre_user).get(reverse("home")).context["my_secondments"]
    assert posting["month_days"] == 1
