from django.http import HttpResponse


def record_list(request):  # type: ignore[no-untyped-def]
    return HttpResponse("待实现")


record_export = record_list
