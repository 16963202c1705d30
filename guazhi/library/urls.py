from django.urls import path

from guazhi.library import views

app_name = "library"

urlpatterns = [
    path("", views.share_list, name="share_list"),
    path("moderation/", views.moderation, name="moderation"),
    path("writings/<int:pk>/share/", views.share_create, name="share_create"),
    path("<int:pk>/", views.share_detail, name="share_detail"),
    path("<int:pk>/withdraw/", views.share_withdraw, name="share_withdraw"),
    path("<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/hide/", views.comment_hide, name="comment_hide"),
    path("comments/<int:pk>/restore/", views.comment_restore, name="comment_restore"),
]
