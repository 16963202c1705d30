from django.urls import path

from guazhi.drafts import views

app_name = "drafts"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("generate/", views.generate, name="generate"),
    path("<int:pk>/", views.draft_detail, name="draft_detail"),
    path("<int:pk>/polish/", views.polish, name="polish"),
    path("<int:pk>/write/", views.write, name="write"),
]
