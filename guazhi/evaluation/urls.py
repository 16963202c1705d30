from django.urls import path

from guazhi.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("new/", views.round_create, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/slips/", views.round_slips, name="round_slips"),
    path("<int:pk>/codes.xlsx", views.round_codes_export, name="round_codes_export"),
    path("<int:pk>/void/", views.round_void, name="round_void"),
    path("<int:pk>/codes/add/", views.round_add_codes, name="round_add_codes"),
    path("<int:pk>/close/", views.round_close, name="round_close"),
    path("<int:pk>/results/", views.round_results, name="round_results"),
]
