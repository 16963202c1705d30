from django.urls import path

from guazhi.search import views

app_name = "search"

urlpatterns = [
    path("", views.search, name="search"),
]
