"""The roster export: the filtered roster as a workbook, personal numbers masked, audited.

Built outside any transaction (see `guazhi.audit.exports.audited_xlsx`): on SQLite a write
transaction locks the whole database, and a 25k-row workbook takes seconds to render.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.views.decorators.http import require_GET

from guazhi.audit.exports import audited_xlsx
from guazhi.audit.log import client_ip
from guazhi.lib.xlsx import Sheet, xlsx_response
from guazhi.roster import exporting
from guazhi.roster.access import programme_admin
from guazhi.roster.forms import RosterFilterForm
from guazhi.roster.models import Secondment

FILTER_PARAMS = ("cohort", "status", "host_unit", "home_unit", "q", "incomplete")


def safe_filename(text: str) -> str:
    return "".join(ch for ch in text if ch not in '\\/:*?"<>|\r\n\t').strip() or "名册"


@require_GET
def roster_export(request: HttpRequest) -> FileResponse:
    """The filtered roster (same GET parameters as the lists) with masked ID and mobile
    numbers; the audit record states the filters and the exact number of rows."""
    user = programme_admin(request)
    form = RosterFilterForm(request.GET or None, user=user)
    secondments = form.filter_secondments(Secondment.objects.visible_to(user))
    filters = form.describe()
    params = {k: request.GET[k][:100] for k in FILTER_PARAMS if request.GET.get(k)}
    data = audited_xlsx(
        actor=user,
        ip=client_ip(request),
        sheet=Sheet(
            exporting.ROSTER_SHEET, exporting.roster_columns(), exporting.roster_rows(secondments)
        ),
        object_type="roster.secondment",
        object_repr="干部名册",
        describe=lambda count: (
            f"导出干部名册 {count} 行（身份证号、手机号已脱敏）；筛选：{filters or '无'}"
        ),
        after={"filters": filters, "params": params, "masked": True},
    )
    name = "干部名册"
    if form.is_bound and form.is_valid() and form.cleaned_data.get("cohort"):
        name = f"干部名册_{form.cleaned_data['cohort'].name}"
    today = timezone.localdate()
    return xlsx_response(data, safe_filename(f"{name}_{today:%Y%m%d}") + ".xlsx")
