"""A supporter on a 320 px phone, without JavaScript: reads an update on the campaign page, then unsubscribes.

The unsubscribe link is the one the email carries (built by the sending code);
the browser opens it and presses the button, as a person does.
"""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.e2e.pages import assert_accessible, screenshot
from tests.support.factories import make_signature
from updates import sending, services
from updates.models import Unsubscribe

pytestmark = pytest.mark.django_db(transaction=True)

SMALL_PHONE = {"viewport": {"width": 320, "height": 640}}


def test_a_supporter_reads_the_update_and_unsubscribes_in_spanish_on_a_small_phone(
    make_petition, phone, site
):
    petition = make_petition()
    ana = make_signature(petition, email="ana@example.org", opt_in=True, language="es")
    update = services.update_create(
        petition=petition,
        title="We delivered the petition",
        body="Thank you. **The hearing is on Thursday**: call your Representative.",
        title_es="Entregamos la petición",
        body_es="Gracias. **La audiencia es el jueves**: llama a tu representante.",
    )
    services.update_publish(update=update, email=False)

    with translation.override("es"):
        campaign = petition.get_absolute_url()
    # axe-core and the width check run script in the page: a browser with it on.
    checker = phone(**SMALL_PHONE)
    checker.goto(campaign)
    assert checker.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(checker, "campaign page with an update")

    page = phone(**SMALL_PHONE, java_script_enabled=False)
    page.goto(campaign)
    section = page.locator("section.updates")
    expect(section.get_by_role("heading", name="Novedades")).to_be_visible()
    expect(section.get_by_role("link", name="Entregamos la petición")).to_be_visible()
    screenshot(page, "updates-campaign-page-es-320")

    section.get_by_role("link", name="Entregamos la petición").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Entregamos la petición")
    screenshot(page, "updates-update-page-es-320")

    unsubscribe = sending.unsubscribe_url(ana).removeprefix(site.url).removeprefix("http://127.0.0.1:8000")
    checker.goto(unsubscribe)
    assert_accessible(checker, "unsubscribe page")
    page.goto(unsubscribe)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dejar de recibir novedades")
    assert not Unsubscribe.objects.exists()
    screenshot(page, "updates-unsubscribe-es-320")
    page.get_by_role("button", name="Darme de baja").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Te has dado de baja")
    screenshot(page, "updates-unsubscribed-es-320")
    assert Unsubscribe.objects.filter(petition=petition, email_canonical="ana@example.org").exists()
