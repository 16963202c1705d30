"""The runner's pages: open a round through the form, print slips with QR codes, the audited
Excel list of codes, void and add codes; another town's liaison gets 404 everywhere."""

from __future__ import annotations

import io

from django.urls import reverse
from evaluation_helpers import codes_of
from openpyxl import load_workbook

from guazhi.accounts.models import Role, User
from guazhi.audit.models import AuditRecord, Event
from guazhi.evaluation import codes
from guazhi.evaluation.models import Code, Round


def _form(secondment_pk: int, **extra: str) -> dict[str, str]:
    data = {
        "title": "2026年度挂职干部民主测评",
        "period_label": "2026年度",
        "secondments": str(secondment_pk),
        "min_ballots": "5",
        "groups-TOTAL_FORMS": "3",
        "groups-INITIAL_FORMS": "0",
        "groups-0-name": "领导班子",
        "groups-0-size": "5",
        "groups-0-weight": "40",
        "groups-1-name": "干部职工",
        "groups-1-size": "12",
        "groups-1-weight": "60",
        "groups-2-name": "",
    }
    data.update(extra)
    return data


def test_the_liaison_opens_a_round(host_liaison, cadre_a, client_for) -> None:
    client = client_for(host_liaison)
    page = client.get(reverse("evaluation:round_create")).content.decode()
    assert "张建国" in page and "领导班子" in page
    response = client.post(reverse("evaluation:round_create"), _form(cadre_a.secondments.get().pk))
    round_ = Round.objects.get()
    assert response.status_code == 302 and response["Location"] == round_.get_absolute_url()
    assert round_.host_unit.name == "柳溪镇"
    assert [(g.name, g.size, g.weight) for g in round_.groups.all()] == [
        ("领导班子", 5, 40),
        ("干部职工", 12, 60),
    ]
    assert Code.objects.filter(round=round_).count() == 17
    audit = AuditRecord.objects.filter(event=Event.CREATE, object_type="evaluation.round").get()
    assert "领导班子 5 人" in audit.detail


def test_the_form_refuses_a_floor_below_the_settings_floor(host_liaison, cadre_a, client_for):
    client = client_for(host_liaison)
    data = _form(cadre_a.secondments.get().pk, min_ballots="2")
    page = client.post(reverse("evaluation:round_create"), data).content.decode()
    assert "不能低于 5 票" in page
    assert not Round.objects.exists()


def test_a_liaison_cannot_put_another_towns_cadre_in_a_round(host_liaison, cadre_b, client_for):
    client = client_for(host_liaison)
    page = client.post(reverse("evaluation:round_create"), _form(cadre_b.secondments.get().pk))
    assert page.status_code == 200
    assert not Round.objects.exists()


def test_another_towns_liaison_gets_404(round_a, units, client_for) -> None:
    other = User.objects.create_user(
        username="dongguan",
        role=Role.HOST_LIAISON,
        unit=units["town_b"],
        must_change_password=False,
    )
    client = client_for(other)
    for name in ("round_detail", "round_slips", "round_codes_export", "round_results"):
        assert client.get(reverse(f"evaluation:{name}", args=[round_a.pk])).status_code == 404
    code = codes_of(round_a)[0]
    response = client.post(reverse("evaluation:round_void", args=[round_a.pk]), {"code": code})
    assert response.status_code == 404
    assert not Code.objects.filter(voided=True).exists()
    assert round_a.title not in client.get(reverse("evaluation:round_list")).content.decode()


def test_slips_carry_a_qr_code_the_code_and_the_address(round_a, host_liaison, client_for):
    client = client_for(host_liaison)
    page = client.get(reverse("evaluation:round_slips", args=[round_a.pk])).content.decode()
    assert page.count("<svg") == 8
    for code in codes_of(round_a):
        assert codes.pretty(code) in page
    assert f"http://testserver/vote/{round_a.key}/" in page
    record = AuditRecord.objects.filter(event=Event.EXPORT).get()
    assert "打印测评码纸条 8 张" in record.detail


def test_the_excel_list_of_codes_is_audited(round_a, host_liaison, client_for) -> None:
    client = client_for(host_liaison)
    response = client.get(reverse("evaluation:round_codes_export", args=[round_a.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "测评人类别", "测评码", "扫码地址（含测评码）")
    assert {r[2] for r in rows[1:]} == {codes.pretty(c) for c in codes_of(round_a)}
    assert rows[1][3] == f"http://testserver/vote/{round_a.key}/#{rows[1][2]}"
    record = AuditRecord.objects.filter(event=Event.EXPORT).get()
    assert record.after["rows"] == 8 and "导出测评码清单 8 个" in record.detail


def test_void_and_add_codes_through_the_page(round_a, host_liaison, client_for) -> None:
    client = client_for(host_liaison)
    code = codes_of(round_a)[3]
    client.post(reverse("evaluation:round_void", args=[round_a.pk]), {"code": code.lower()})
    assert Code.objects.filter(voided=True).count() == 1
    page = client.get(reverse("evaluation:round_slips", args=[round_a.pk])).content.decode()
    assert codes.pretty(code) not in page and page.count("<svg") == 7
    group = round_a.groups.get()
    response = client.post(
        reverse("evaluation:round_add_codes", args=[round_a.pk]),
        {"group": group.pk, "count": 2, "version": round_a.version},
    )
    assert response["Location"].endswith("?batch=2")
    group.refresh_from_db()
    assert group.size == 10
    batch = client.get(reverse("evaluation:round_slips", args=[round_a.pk]) + "?batch=2")
    assert batch.content.decode().count("<svg") == 2


def test_the_admin_picks_the_host_unit_first(programme_admin, cadre_a, cadre_b, client_for):
    client = client_for(programme_admin)
    page = client.get(reverse("evaluation:round_create")).content.decode()
    assert "请先选择接收单位" in page
    unit = cadre_b.secondments.get().host_unit
    page = client.get(reverse("evaluation:round_create") + f"?unit={unit.pk}").content.decode()
    assert "李秀英" not in page  # 待报到: not yet rateable
    unit = cadre_a.secondments.get().host_unit
    page = client.get(reverse("evaluation:round_create") + f"?unit={unit.pk}").content.decode()
    assert "张建国" in page
    data = _form(cadre_a.secondments.get().pk, unit=str(unit.pk))
    assert client.post(reverse("evaluation:round_create"), data).status_code == 302
