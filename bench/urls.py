"""The site's URLs plus the two ceiling views of the benchmark (settings: BENCH_VIEWS=1)."""

from django.urls import path

from bench import views
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("bench/fixed/", views.fixed_page),
    path("bench/insert/", views.one_insert),
] + site_urlpatterns
