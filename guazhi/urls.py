from django.urls import include, path

from guazhi.accounts import views as account_views
from guazhi.stats import views as stats_views

urlpatterns = [
    path("", stats_views.home, name="home"),
    path("accounts/login/", account_views.login_view, name="login"),
    path("accounts/", include("guazhi.accounts.urls")),
    path("audit/", include("guazhi.audit.urls")),
    path("roster/", include("guazhi.roster.urls")),
    path("stats/", include("guazhi.stats.urls")),
    path("ledger/", include("guazhi.ledger.urls")),
    path("attendance/", include("guazhi.attendance.urls")),
    path("jobs/", include("guazhi.jobs.urls")),
    path("projects/", include("guazhi.projects.urls")),
    path("fieldwork/", include("guazhi.contacts.urls")),
    path("writings/", include("guazhi.writings.urls")),
    path("drafts/", include("guazhi.drafts.urls")),
    path("library/", include("guazhi.library.urls")),
    path("search/", include("guazhi.search.urls")),
    path("similarity/", include("guazhi.similarity.urls")),
    path("claimcheck/", include("guazhi.claimcheck.urls")),
    path("assessment/", include("guazhi.assessment.urls")),
    path("evaluation/", include("guazhi.evaluation.urls")),
    path("matching/", include("guazhi.matching.urls")),
    path("vote/", include("guazhi.evaluation.urls_ballot")),
    path("peers/", include("guazhi.peers.urls")),
    path("recycle/", include("guazhi.retention.urls")),
]

handler400 = "guazhi.errors.bad_request"
handler403 = "guazhi.errors.permission_denied"
handler404 = "guazhi.errors.page_not_found"
handler500 = "guazhi.errors.server_error"
