from django.db import models
from django.utils.translation import gettext_lazy as _


class ZipDistrict(models.Model):
    """One congressional district a ZIP Code Tabulation Area lies in (`manage.py load_districts`)."""

    zcta = models.CharField(_("ZIP code tabulation area"), max_length=5)
    district = models.CharField(_("congressional district"), max_length=8)

    class Meta:
        verbose_name = _("ZIP district")
        verbose_name_plural = _("ZIP districts")
        constraints = [
            models.UniqueConstraint(fields=["zcta", "district"], name="one_row_per_zip_district"),
        ]

    def __str__(self):
        return f"{self.zcta}: {self.district}"
