from django.urls import path

from . import views

app_name = "claimcheck"

urlpatterns = [
    path("versions/<int:pk>/", views.version_check, name="version_check"),
    path("versions/<int:pk>/status/", views.version_status, name="version_status"),
    path("versions/<int:pk>/recheck/", views.version_recheck, name="version_recheck"),
]
