"""sitemap.xml (django.contrib.sitemaps): the open petitions and the site's pages, in English and Spanish."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from petition.models import Petition


class _BothLanguages(Sitemap):
    # One <url> per language, each listing the other as an alternate.
    i18n = True
    alternates = True
    x_default = True
    protocol = "https" if settings.SITE_URL.startswith("https://") else "http"


class PetitionSitemap(_BothLanguages):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Petition.objects.open().defer("body", "body_es").order_by("-featured", "-created_at")

    def lastmod(self, petition):
        return petition.updated_at


class PageSitemap(_BothLanguages):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return ["home", "petition:index", "petition:closed", "privacy"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"petitions": PetitionSitemap, "pages": PageSitemap}
