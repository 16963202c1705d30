from django.urls import path

from guazhi.stats import views

app_name = "stats"

urlpatterns = [
    path("charts/<slug:key>.xlsx", views.chart_export, name="chart_export"),
]
