# Placeholder views; the roster UI fills these in.
from django.http import HttpResponse


def _todo(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("待实现")


cadre_list = cadre_detail = cadre_edit = cadre_reveal = _todo
secondment_list = secondment_detail = secondment_edit = secondment_status = _todo
cohort_list = cohort_create = cohort_detail = unit_list = unit_create = _todo
