"""The ledger export: the entry list's filters, scoped by `Entry.objects.visible_to(user)`.

Up to GUAZHI_EXPORT_SYNC_MAX_ROWS rows (10,000) the workbook is built in the request and
downloaded at once; above that a background job builds it and the user is sent to the job's page
(progress bar, then a download link). Both paths are audited with the exact row count.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from guazhi.audit.log import client_ip
from guazhi.jobs.models import Job
from guazhi.ledger import exporting
from guazhi.ledger.access import business_user
from guazhi.ledger.forms import EntryFilterForm
from guazhi.ledger.tasks import export_ledger
from guazhi.lib.xlsx import xlsx_response


@require_GET
def ledger_export(request: HttpRequest) -> HttpResponseBase:
    user = business_user(request)
    form = EntryFilterForm(request.GET or None, user=user)
    params = exporting.filter_params(request.GET)
    if form.is_bound and not form.is_valid():
        messages.error(request, "筛选条件无效，未导出。请修改筛选条件后再导出。")
        return redirect(f"{reverse('ledger:entry_list')}?{urlencode(params)}")
    total = exporting.filtered_entries(form, user).count()
    if total > exporting.MAX_ROWS:
        messages.error(
            request,
            f"符合条件的纪实有 {total:,} 条，超过一个 Excel 工作表能容纳的 "
            f"{exporting.MAX_ROWS:,} 行。请缩小日期范围或增加筛选条件后再导出。",
        )
        return redirect(f"{reverse('ledger:entry_list')}?{urlencode(params)}")
    if total > settings.GUAZHI_EXPORT_SYNC_MAX_ROWS:
        job = Job.objects.create(
            user=user,
            kind="ledger_export",
            title="导出工作纪实台账",
            message=f"共 {total:,} 行，排队等待生成",
            params={
                "filters": params,
                "ip": client_ip(request),
                "total": total,
                "filename": exporting.export_filename(),
            },
        )
        export_ledger.enqueue(job.pk)
        return redirect(job)
    buffer = io.BytesIO()
    exporting.build_export(actor=user, ip=client_ip(request), form=form, target=buffer)
    return xlsx_response(buffer.getvalue(), exporting.export_filename())
