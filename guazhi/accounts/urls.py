from django.urls import path

from guazhi.accounts import views, views_two_factor

app_name = "accounts"

urlpatterns = [
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/password/", views.user_reset_password, name="user_reset_password"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("users/<int:pk>/role/", views.user_role, name="user_role"),
    path(
        "users/<int:pk>/2fa-reset/",
        views_two_factor.user_two_factor_reset,
        name="user_two_factor_reset",
    ),
    path("2fa/verify/", views_two_factor.two_factor_verify, name="two_factor_verify"),
    path("2fa/setup/", views_two_factor.two_factor_setup, name="two_factor_setup"),
    path("2fa/codes/", views_two_factor.recovery_codes, name="recovery_codes"),
    path(
        "2fa/codes/download/",
        views_two_factor.recovery_codes_download,
        name="recovery_codes_download",
    ),
    path(
        "2fa/codes/new/",
        views_two_factor.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path("2fa/off/", views_two_factor.two_factor_remove, name="two_factor_remove"),
    path("security/", views_two_factor.security, name="security"),
]
