from django.urls import path

from guazhi.stats import views, views_timeline

app_name = "stats"

urlpatterns = [
    path("charts/<slug:key>.xlsx", views.chart_export, name="chart_export"),
    path(
        "secondments/<int:pk>/timeline/",
        views_timeline.secondment_timeline,
        name="timeline",
    ),
    path("secondments/<int:pk>/digest/", views_timeline.secondment_digest, name="digest"),
    path(
        "secondments/<int:pk>/digest.xlsx",
        views_timeline.secondment_digest_export,
        name="digest_export",
    ),
]
