from django.urls import path

from guazhi.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.recycle_bin, name="recycle_bin"),
    path("entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("entries/<int:pk>/restore/", views.entry_restore, name="entry_restore"),
    path("writings/<int:pk>/delete/", views.writing_delete, name="writing_delete"),
    path("writings/<int:pk>/restore/", views.writing_restore, name="writing_restore"),
]
