from django.urls import path

from guazhi.matching import views, views_matches

app_name = "matching"

urlpatterns = [
    path("", views_matches.dashboard_page, name="dashboard"),
    path("charts/<slug:key>.xlsx", views_matches.chart_export, name="chart_export"),
    path("needs/", views.need_list, name="need_list"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:pk>/close/", views.need_close, name="need_close"),
    path("needs/<int:pk>/propose/", views.need_propose, name="need_propose"),
    path("resources/", views.resource_list, name="resource_list"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/<int:pk>/", views.resource_detail, name="resource_detail"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<int:pk>/withdraw/", views.resource_withdraw, name="resource_withdraw"),
    path("resources/<int:pk>/propose/", views.resource_propose, name="resource_propose"),
    path("matches/<int:pk>/", views_matches.match_detail, name="match_detail"),
    path("matches/<int:pk>/accept/", views_matches.match_accept, name="match_accept"),
    path("matches/<int:pk>/decline/", views_matches.match_decline, name="match_decline"),
]
