from django.urls import path

from petition import embed, views

app_name = "petition"

urlpatterns = [
    path("", views.index, name="index"),
    # Before the petitions' own addresses: "closed" is a reserved slug (petition.models.RESERVED_SLUGS).
    path("closed/", views.index, {"closed": True}, name="closed"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/count.json", views.count_json, name="count_json"),
    path("<slug:slug>/data.json", views.data_json, name="data_json"),
    path("<slug:slug>/share.png", views.share_png, name="share_png"),
    path("<slug:slug>/sign/", views.sign, name="sign"),
    path("<slug:slug>/call/", views.call, name="call"),
    path("<slug:slug>/embed/", embed.embed, name="embed"),
    path("<slug:slug>/embed/sign/", embed.embed_sign, name="embed_sign"),
    path("<slug:slug>/embed/check-email/", embed.embed_check_email, name="embed_check_email"),
    path("<slug:slug>/embed/thanks/", embed.embed_thanks, name="embed_thanks"),
    path("<slug:slug>/updates/", views.updates, name="updates"),
    path("<slug:slug>/updates/<int:pk>/", views.update, name="update"),
]
