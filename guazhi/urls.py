from django.urls import include, path

from guazhi.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/login/", account_views.login_view, name="login"),
    path("accounts/", include("guazhi.accounts.urls")),
    path("audit/", include("guazhi.audit.urls")),
    path("roster/", include("guazhi.roster.urls")),
    path("ledger/", include("guazhi.ledger.urls")),
]

handler403 = "guazhi.accounts.views.permission_denied"
handler404 = "guazhi.accounts.views.page_not_found"
