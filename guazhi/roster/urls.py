from django.urls import path

from guazhi.roster import views, views_export, views_import, views_manage

app_name = "roster"

urlpatterns = [
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/export.xlsx", views_export.roster_export, name="roster_export"),
    path("cadres/new/", views_manage.cadre_create, name="cadre_create"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path(
        "cadres/<int:pk>/secondments/new/",
        views_manage.secondment_create,
        name="secondment_create",
    ),
    path("cadres/<int:pk>/edit/", views.cadre_edit, name="cadre_edit"),
    path("cadres/<int:pk>/reveal/", views.cadre_reveal, name="cadre_reveal"),
    path("secondments/", views.secondment_list, name="secondment_list"),
    path("secondments/<int:pk>/", views.secondment_detail, name="secondment_detail"),
    path("secondments/<int:pk>/edit/", views.secondment_edit, name="secondment_edit"),
    path("secondments/<int:pk>/status/", views.secondment_status, name="secondment_status"),
    path("secondments/<int:pk>/duties/", views_manage.secondment_duties, name="secondment_duties"),
    path("cohorts/", views.cohort_list, name="cohort_list"),
    path("cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/edit/", views_manage.cohort_edit, name="cohort_edit"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", views_manage.unit_edit, name="unit_edit"),
    path("import/", views_import.import_upload, name="import_upload"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
    path("import/<int:pk>/", views_import.import_detail, name="import_detail"),
    path("import/<int:pk>/report.xlsx", views_import.import_report, name="import_report"),
    path("import/<int:pk>/commit/", views_import.import_commit, name="import_commit"),
]
