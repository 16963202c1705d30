"""The public ballot addresses, short enough to type from a slip: /vote/<round key>/."""

from django.urls import path

from guazhi.evaluation import views_ballot

app_name = "vote"

urlpatterns = [
    path("<str:key>/", views_ballot.ballot, name="ballot"),
    path("<str:key>/submit/", views_ballot.ballot_submit, name="submit"),
]
