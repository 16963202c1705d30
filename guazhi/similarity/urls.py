from django.urls import path

from guazhi.similarity import views, views_corpus

app_name = "similarity"

urlpatterns = [
    path("", views.cohort_list, name="cohort_list"),
    path("export/", views.cohort_export, name="cohort_export"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/status/", views.report_status, name="report_status"),
    path("reports/<int:pk>/retry/", views.report_retry, name="report_retry"),
    path("reports/<int:pk>/compare/", views.report_compare, name="report_compare"),
    path("reports/<int:pk>/word/", views.report_docx, name="report_docx"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("versions/<int:pk>/", views.version_report, name="version_report"),
    path("corpus/", views_corpus.reference_list, name="reference_list"),
    path("corpus/upload/", views_corpus.reference_upload, name="reference_upload"),
    path("corpus/<int:pk>/", views_corpus.reference_detail, name="reference_detail"),
    path("corpus/<int:pk>/delete/", views_corpus.reference_delete, name="reference_delete"),
]
