from django.urls import path

from guazhi.peers import views

app_name = "peers"

urlpatterns = [
    path("", views.index, name="index"),
    path("refresh/", views.refresh_view, name="refresh"),
    path("secondments/<int:pk>/", views.secondment_peers, name="secondment_peers"),
    path("cohorts/<int:pk>/map/", views.cohort_map_view, name="cohort_map"),
    path("cohorts/<int:pk>/map.xlsx", views.cohort_map_export, name="cohort_map_export"),
]
