from django.urls import path

from guazhi.ledger import views, views_categories, views_export, views_import

app_name = "ledger"

urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("pending/", views.pending_queue, name="pending_queue"),
    path("export/", views_export.ledger_export, name="entry_export"),
    path("import/", views_import.import_upload, name="import_upload"),
    path("import/template/", views_import.import_template, name="import_template"),
    path("import/<int:pk>/", views_import.import_detail, name="import_detail"),
    path("import/<int:pk>/report/", views_import.import_report, name="import_report"),
    path("import/<int:pk>/commit/", views_import.import_commit, name="import_commit"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("categories/", views_categories.category_list, name="category_list"),
    path("categories/new/", views_categories.category_create, name="category_create"),
    path("categories/<int:pk>/", views_categories.category_edit, name="category_edit"),
    path("categories/<int:pk>/figures/new/", views_categories.figure_create, name="figure_create"),
    path("figures/<int:pk>/", views_categories.figure_edit, name="figure_edit"),
    path("new/", views.entry_create, name="entry_create"),
    path("<int:pk>/", views.entry_detail, name="entry_detail"),
    path("<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("<int:pk>/confirm/", views.entry_confirm, name="entry_confirm"),
    path("<int:pk>/return/", views.entry_return, name="entry_return"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment_file"),
    path(
        "attachments/<int:pk>/thumbnail/", views.attachment_thumbnail, name="attachment_thumbnail"
    ),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
]
