from django.urls import path

from guazhi.writings import views, views_documents, views_export, views_lists

app_name = "writings"

urlpatterns = [
    path("", views_lists.mine, name="mine"),
    path("all/", views_lists.writing_list, name="writing_list"),
    path("review/", views_lists.review_queue, name="review_queue"),
    path("overdue/", views_lists.overdue, name="overdue"),
    path("export/", views_export.batch_export_view, name="batch_export"),
    path("cohorts/<int:pk>/requirements/", views_lists.requirement_list, name="requirement_list"),
    path("requirements/<int:pk>/", views_lists.requirement_edit, name="requirement_edit"),
    path(
        "requirements/<int:pk>/delete/", views_lists.requirement_delete, name="requirement_delete"
    ),
    path("new/", views.writing_create, name="writing_create"),
    path("<int:pk>/", views.writing_detail, name="writing_detail"),
    path("<int:pk>/edit/", views.writing_edit, name="writing_edit"),
    path("<int:pk>/autosave/", views.writing_autosave, name="writing_autosave"),
    path("<int:pk>/upload/", views.writing_upload, name="writing_upload"),
    path("<int:pk>/submit/", views.writing_submit, name="writing_submit"),
    path("<int:pk>/return/", views.writing_return, name="writing_return"),
    path("<int:pk>/accept/", views.writing_accept, name="writing_accept"),
    path("<int:pk>/docx/", views_documents.writing_docx, name="writing_docx"),
    path("<int:pk>/pdf/", views_documents.writing_pdf, name="writing_pdf"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/docx/", views_documents.version_docx, name="version_docx"),
    path("versions/<int:pk>/pdf/", views_documents.version_pdf, name="version_pdf"),
]
