"""What the host unit does about a cadre posted to it: confirm arrival (报到), assign duties and
paired villages, and call the cadre (an audited look at the mobile number)."""

from __future__ import annotations

from django.urls import reverse

from guazhi.audit.models import AuditRecord, Event
from guazhi.roster.models import SecondmentStatus, Unit, UnitKind


def test_host_liaison_confirms_arrival(client_for, host_liaison, cadre_a, cadre_b):
    s = cadre_a.secondments.get()
    s.status = SecondmentStatus.PENDING
    s.save()
    client = client_for(host_liaison)
    page = client.get(reverse("roster:secondment_detail", args=[s.pk])).content.decode()
    assert "确认报到" in page and 'data-testid="to-ended_early"' not in page
    client.post(
        reverse("roster:secondment_status", args=[s.pk]), {"status": "active", "on": "2026-03-03"}
    )
    s.refresh_from_db()
    assert s.status == SecondmentStatus.ACTIVE
    audit = AuditRecord.objects.get(event=Event.STATUS_CHANGE)
    assert audit.username == host_liaison.username


def test_host_liaison_cannot_end_a_posting(client_for, host_liaison, cadre_a):
    s = cadre_a.secondments.get()  # 在岗: nothing the host liaison may do with its status
    response = client_for(host_liaison).post(
        reverse("roster:secondment_status", args=[s.pk]),
        {"status": "ended_early", "on": "2026-06-01", "reason": "召回"},
    )
    assert response.status_code == 404
    s.refresh_from_db()
    assert s.status == SecondmentStatus.ACTIVE


def test_host_liaison_cannot_skip_arrival(client_for, host_liaison, cadre_a):
    s = cadre_a.secondments.get()
    s.status = SecondmentStatus.PENDING
    s.save()
    response = client_for(host_liaison).post(
        reverse("roster:secondment_status", args=[s.pk]),
        {"status": "completed", "on": "2026-06-01"},
        follow=True,
    )
    assert "不能进行这项状态变更" in response.content.decode()
    s.refresh_from_db()
    assert s.status == SecondmentStatus.PENDING


def test_other_towns_liaison_cannot_confirm_arrival(client_for, host_liaison, cadre_b):
    s = cadre_b.secondments.get()  # 待报到 at 东关街道, not the liaison's town
    response = client_for(host_liaison).post(
        reverse("roster:secondment_status", args=[s.pk]), {"status": "active"}
    )
    assert response.status_code == 404
    s.refresh_from_db()
    assert s.status == SecondmentStatus.PENDING


def test_ending_early_needs_a_reason(client_for, programme_admin, cadre_a):
    s = cadre_a.secondments.get()
    url = reverse("roster:secondment_status", args=[s.pk])
    client = client_for(programme_admin)
    response = client.post(url, {"status": "ended_early", "on": "2026-06-01"}, follow=True)
    assert "须填写原因" in response.content.decode()
    client.post(url, {"status": "ended_early", "on": "2026-06-01", "reason": "工作需要提前召回"})
    s.refresh_from_db()
    assert (s.status, s.end_reason) == (SecondmentStatus.ENDED_EARLY, "工作需要提前召回")
    audit = AuditRecord.objects.get(event=Event.STATUS_CHANGE)
    assert audit.after["end_reason"] == "工作需要提前召回"


def test_host_liaison_assigns_duties_and_paired_villages(client_for, host_liaison, units, cadre_a):
    s = cadre_a.secondments.get()
    other_village = Unit.objects.create(
        name="河口村", kind=UnitKind.VILLAGE, parent=units["town_b"]
    )
    url = reverse("roster:secondment_duties", args=[s.pk])
    client = client_for(host_liaison)
    form_page = client.get(url).content.decode()
    assert "石桥村" in form_page and "河口村" not in form_page  # only villages of the host town
    client.post(
        url,
        {
            "duties": "营商环境\n项目帮办",
            "paired_units": [units["village_a"].pk],
            "version": s.version,
        },
    )
    s.refresh_from_db()
    assert s.duty_list == ["营商环境", "项目帮办"]
    assert list(s.paired_units.all()) == [units["village_a"]]
    audit = AuditRecord.objects.get(event=Event.EDIT)
    assert audit.after == {"duties": "营商环境\n项目帮办", "paired_units": "石桥村"}
    # A village outside the host town is refused.
    response = client.post(
        url, {"duties": "x", "paired_units": [other_village.pk], "version": s.version}
    )
    assert response.status_code == 200 and "不在可选范围内" in response.content.decode()


def test_host_liaison_sees_the_mobile_only_after_an_audited_reveal(
    client_for, host_liaison, cadre_a
):
    client = client_for(host_liaison)
    detail = client.get(reverse("roster:cadre_detail", args=[cadre_a.pk])).content.decode()
    assert "13812345678" not in detail and "显示手机号" in detail
    revealed = client.post(reverse("roster:cadre_reveal", args=[cadre_a.pk])).content.decode()
    assert "13812345678" in revealed
    assert "110105198504120014" not in revealed  # the ID number stays masked
    audit = AuditRecord.objects.get(event=Event.REVEAL)
    assert audit.detail == "查看手机号"


def test_home_liaison_cannot_reveal_the_mobile(client_for, home_liaison, cadre_a):
    response = client_for(home_liaison).post(reverse("roster:cadre_reveal", args=[cadre_a.pk]))
    assert response.status_code == 404
