from django.urls import path

from guazhi.assessment import views, views_export, views_forms

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/indicators/", views.scheme_indicators, name="scheme_indicators"),
    path("schemes/<int:pk>/copy/", views.scheme_copy, name="scheme_copy"),
    path("schemes/<int:pk>/periods/new/", views.period_create, name="period_create"),
    path("periods/<int:pk>/", views.period_detail, name="period_detail"),
    path("periods/<int:pk>/publish/", views.period_publish, name="period_publish"),
    path("periods/<int:pk>/add-missing/", views.period_add_missing, name="period_add_missing"),
    path("periods/<int:pk>/workbook/", views_export.period_workbook, name="period_workbook"),
    path("periods/<int:pk>/forms/", views_export.period_forms, name="period_forms"),
    path("<int:pk>/", views_forms.assessment_detail, name="assessment_detail"),
    path("<int:pk>/self/", views_forms.assessment_self, name="assessment_self"),
    path("<int:pk>/score/", views_forms.assessment_score, name="assessment_score"),
    path("<int:pk>/home/", views_forms.assessment_home, name="assessment_home"),
    path("<int:pk>/form.docx", views_export.appraisal_word, name="appraisal_docx"),
    path("<int:pk>/form.pdf", views_export.appraisal_pdf, name="appraisal_pdf"),
]
