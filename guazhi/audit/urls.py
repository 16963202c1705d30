from django.urls import path

from guazhi.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.record_list, name="record_list"),
    path("export.xlsx", views.record_export, name="record_export"),
]
