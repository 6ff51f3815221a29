"""The call step's forms, under /petitions/<slug>/call/ (config/urls.py); the page itself is petition:call."""

from django.urls import path

from lawmakers import views

app_name = "lawmakers"

urlpatterns = [
    path("find/", views.find, name="find"),
    path("report/", views.report, name="report"),
]
