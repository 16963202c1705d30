from django.urls import path

from guazhi.attendance import views

app_name = "attendance"

urlpatterns = [
    path("checkin/", views.checkin, name="checkin"),
    path("months/", views.month_report, name="month_report"),
    path("months/export.xlsx", views.month_export, name="month_export"),
]
