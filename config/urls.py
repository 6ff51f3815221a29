from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from petition import views as petition_views

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path(settings.ADMIN_URL, admin.site.urls),
]

# Spanish pages live under /es/, English ones unprefixed: each language has its
# own URL, so pages stay cacheable and a shared link keeps its language.
urlpatterns += i18n_patterns(
    path("", petition_views.home, name="home"),
    path("petitions/", include("petition.urls")),
    prefix_default_language=False,
)

# A database outage gets a friendly 503 page, whichever way it surfaces.
handler400 = "ops.views.bad_request"
handler500 = "ops.views.server_error"
