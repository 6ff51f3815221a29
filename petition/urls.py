from django.urls import path

from petition import views
from signatures import views as signature_views

app_name = "petition"

urlpatterns = [
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/count.json", views.count_json, name="count_json"),
    path("<slug:slug>/share.png", views.share_png, name="share_png"),
    path("<slug:slug>/sign/", signature_views.sign, name="sign"),
    path("<slug:slug>/comments/<int:pk>/flag/", signature_views.flag_comment, name="flag_comment"),
    path("<slug:slug>/comments/reported/", signature_views.comment_reported, name="comment_reported"),
    path("<slug:slug>/check-email/", signature_views.check_email, name="check_email"),
    path("<slug:slug>/thanks/", signature_views.thanks, name="thanks"),
    path("<slug:slug>/send-again/", signature_views.send_again, name="send_again"),
    path("<slug:slug>/confirm/<str:token>/", signature_views.confirm, name="confirm"),
    path("<slug:slug>/withdraw/", signature_views.withdraw_request, name="withdraw_request"),
    path("<slug:slug>/withdraw/sent/", signature_views.withdraw_requested, name="withdraw_requested"),
    path("<slug:slug>/withdraw/done/", signature_views.withdrawn, name="withdrawn"),
    path("<slug:slug>/withdraw/<str:token>/", signature_views.withdraw, name="withdraw"),
]
