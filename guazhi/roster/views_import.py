# Placeholder views; the roster import/export work fills these in.
from django.http import HttpResponse


def _todo(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("待实现")


roster_export = import_upload = import_template = import_detail = import_report = _todo
import_commit = _todo
