"""The signer's pages after the campaign page's form, under /petitions/<slug>/ (config/urls.py)."""

from django.urls import path

from signatures import views

app_name = "signatures"

urlpatterns = [
    path("comments/<int:pk>/flag/", views.flag_comment, name="flag_comment"),
    path("comments/reported/", views.comment_reported, name="comment_reported"),
    path("check-email/", views.check_email, name="check_email"),
    path("thanks/", views.thanks, name="thanks"),
    path("send-again/", views.send_again, name="send_again"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("withdraw/", views.withdraw_request, name="withdraw_request"),
    path("withdraw/sent/", views.withdraw_requested, name="withdraw_requested"),
    path("withdraw/done/", views.withdrawn, name="withdrawn"),
    path("withdraw/<str:token>/", views.withdraw, name="withdraw"),
]
