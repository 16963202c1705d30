from django.urls import path

from guazhi.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.recycle_bin, name="recycle_bin"),
    path("entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("entries/<int:pk>/restore/", views.entry_restore, name="entry_restore"),
    path("writings/<int:pk>/delete/", views.writing_delete, name="writing_delete"),
    path("writings/<int:pk>/restore/", views.writing_restore, name="writing_restore"),
    path("cadres/<int:pk>/delete/", views.cadre_delete, name="cadre_delete"),
    path("cadres/<int:pk>/restore/", views.cadre_restore, name="cadre_restore"),
    path("secondments/<int:pk>/delete/", views.secondment_delete, name="secondment_delete"),
    path("secondments/<int:pk>/restore/", views.secondment_restore, name="secondment_restore"),
]
