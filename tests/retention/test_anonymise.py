"""Personal data of secondments that ended more than GUAZHI_ANONYMISE_AFTER_DAYS ago is
anonymised; nothing earlier, nothing of a secondment still running, nothing twice."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection

from guazhi.audit.models import AuditRecord, Event
from guazhi.contacts.models import Contact, ContactKind
from guazhi.retention.anonymise import anonymise_ended, id_placeholder
from guazhi.retention.models import AnonymisedSecondment
from guazhi.roster.models import Cadre, Secondment, SecondmentStatus
from tests.conftest import paired_contact

ENDED = date(2027, 2, 28)
# Three years (1,095 days) after ENDED is 2030-02-27: the day after is the first one due.
DUE = date(2030, 2, 28)
NOT_YET = date(2030, 2, 27)


@pytest.fixture
def ended(cadre_a, cadre_user, settings):
    settings.GUAZHI_ANONYMISE_AFTER_DAYS = 3 * 365
    secondment = cadre_a.secondments.get()
    Secondment.objects.filter(pk=secondment.pk).update(
        status=SecondmentStatus.COMPLETED, actual_end_date=ENDED
    )
    paired_contact(secondment, cadre_user)
    paired_contact(
        secondment,
        cadre_user,
        kind=ContactKind.ENTERPRISE,
        name="柳溪新材料有限公司",
        phone="",
        id_number="",
    )
    return secondment


def _household() -> Contact:
    return Contact.objects.get(kind=ContactKind.HOUSEHOLD)


def test_an_ended_secondment_is_anonymised_after_the_period(ended, cadre_a):
    done = anonymise_ended(operator="retention_run", today=DUE)
    assert (done.secondments, done.cadres, done.contacts) == (1, 1, 1)
    cadre = Cadre.objects.get(pk=cadre_a.pk)
    assert cadre.id_number == id_placeholder(cadre.pk)
    assert cadre.mobile == ""
    assert cadre.birth_date == date(1985, 1, 1)
    # What the department keeps: the name, units, posts.
    assert (cadre.name, cadre.original_post, cadre.rank) == ("张建国", "科长", "四级调研员")
    household = _household()
    assert (household.name, household.phone, household.id_number, household.address) == (
        "王某",
        "",
        "",
        "",
    )
    enterprise = Contact.objects.get(kind=ContactKind.ENTERPRISE)
    assert enterprise.name == "柳溪新材料有限公司"
    audit = AuditRecord.objects.get(event=Event.ANONYMISE)
    assert audit.username == "retention_run" and "干部本人的身份证号、手机号清除" in audit.detail
    assert "110105198504120014" not in str(audit.before) + str(audit.after) + audit.detail


def test_the_old_numbers_are_gone_from_the_database(ended, cadre_a):
    anonymise_ended(operator="retention_run", today=DUE)
    assert not Cadre.objects.filter(id_number="110105198504120014").exists()
    assert not Cadre.objects.search("0014").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM roster_cadre")
        dump = str(cursor.fetchall())
    assert "110105198504120014" not in dump and "13812345678" not in dump


def test_nothing_is_anonymised_a_day_early(ended, cadre_a):
    done = anonymise_ended(operator="retention_run", today=NOT_YET)
    assert done.secondments == 0
    cadre = Cadre.objects.get(pk=cadre_a.pk)
    assert (cadre.id_number, cadre.mobile) == ("110105198504120014", "13812345678")
    assert _household().phone == "13911112222"
    assert not AuditRecord.objects.filter(event=Event.ANONYMISE).exists()


def test_running_secondments_are_never_touched(cadre_a, cadre_b, cadre_user, settings):
    paired_contact(cadre_a.secondments.get(), cadre_user)
    done = anonymise_ended(operator="retention_run", today=date(2040, 1, 1))
    assert done.secondments == 0
    assert Cadre.objects.get(pk=cadre_a.pk).id_number == "110105198504120014"
    assert _household().name == "王德福"


def test_a_cadre_with_a_later_secondment_keeps_their_own_data(ended, cadre_a, units):
    from guazhi.roster.models import Cohort

    later = Cohort.objects.create(
        name="2029年第一批", year=2029, start_date=date(2029, 3, 1), end_date=date(2030, 2, 28)
    )
    Secondment.objects.create(
        cadre=cadre_a,
        cohort=later,
        host_unit=units["town_b"],
        post="街道办事处副主任",
        start_date=date(2029, 3, 1),
        planned_end_date=date(2030, 2, 28),
        status=SecondmentStatus.ACTIVE,
    )
    done = anonymise_ended(operator="retention_run", today=DUE)
    assert (done.secondments, done.cadres, done.contacts) == (1, 0, 1)
    assert Cadre.objects.get(pk=cadre_a.pk).mobile == "13812345678"
    assert _household().name == "王某"
    assert "本人信息暂不匿名化" in AuditRecord.objects.get(event=Event.ANONYMISE).detail


def test_a_second_run_changes_nothing(ended):
    anonymise_ended(operator="retention_run", today=DUE)
    again = anonymise_ended(operator="retention_run", today=DUE)
    assert again.secondments == 0
    assert AnonymisedSecondment.objects.count() == 1
    assert AuditRecord.objects.filter(event=Event.ANONYMISE).count() == 1


def test_the_command_reports_what_it_did(ended, settings):
    settings.GUAZHI_ANONYMISE_AFTER_DAYS = 365
    Secondment.objects.filter(pk=ended.pk).update(
        start_date=date(2023, 3, 1), planned_end_date=date(2024, 2, 29), actual_end_date=None
    )  # ended (by its planned date) more than a year before today
    out = io.StringIO()
    call_command("retention_run", "--skip-audit", stdout=out)
    assert "匿名化：1 名干部、1 个包联对象" in out.getvalue()


def test_a_period_under_a_year_is_refused(db, settings):
    settings.GUAZHI_ANONYMISE_AFTER_DAYS = 200
    assert [e.id for e in run_checks() if e.id.startswith("guazhi.retention")] == [
        "guazhi.retention.E002"
    ]
