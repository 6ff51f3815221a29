from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.cache import cache_control

from petition import views as petition_views
from petition.language import switch_language
from petition.sitemaps import SITEMAPS
from signatures.abuse.ratelimits import admin_login

urlpatterns = [
    path("language/<str:code>/", switch_language, name="switch_language"),
    path("robots.txt", petition_views.robots_txt, name="robots_txt"),
    # The same for everyone: shared caches may keep it an hour.
    path(
        "sitemap.xml",
        cache_control(public=True, max_age=3600)(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    # Before admin's own URLs, so that this limited sign-in view answers for them.
    path(f"{settings.ADMIN_URL}login/", admin_login),
    path(settings.ADMIN_URL, admin.site.urls),
]

# Spanish pages live under /es/, English ones unprefixed: each language has its
# own URL, so pages stay cacheable and a shared link keeps its language.
urlpatterns += i18n_patterns(
    path("", petition_views.home, name="home"),
    path("petitions/", include("petition.urls")),
    # The signer's pages after the form (check your email, thanks, confirm, withdraw).
    path("petitions/<slug:slug>/", include("signatures.urls")),
    # The call step's forms; the call page itself is petition:call.
    path("petitions/<slug:slug>/call/", include("lawmakers.urls")),
    # Unsubscribing from a campaign's updates (the link in every update email).
    path("petitions/<slug:slug>/", include("updates.urls")),
    path("privacy/", petition_views.privacy, name="privacy"),
    prefix_default_language=False,
)

# A database outage gets a friendly 503 page, whichever way it surfaces.
handler400 = "ops.views.bad_request"
handler500 = "ops.views.server_error"
