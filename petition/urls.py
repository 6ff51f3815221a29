from django.urls import path

from petition import views

app_name = "petition"

urlpatterns = [
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/count.json", views.count_json, name="count_json"),
    path("<slug:slug>/share.png", views.share_png, name="share_png"),
    path("<slug:slug>/sign/", views.sign, name="sign"),
    path("<slug:slug>/updates/", views.updates, name="updates"),
    path("<slug:slug>/updates/<int:pk>/", views.update, name="update"),
]
