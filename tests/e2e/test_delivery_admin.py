"""An organizer makes a delivery packet in admin on a 320 px phone, with and without JavaScript."""

import pytest

from delivery.models import DeliveryPacket
from places.models import ZipDistrict
from tests.e2e.pages import assert_accessible, screenshot
from tests.support.factories import make_petition, make_signature, make_staff
from tests.support.mailtools import run_worker

NARROW = {"viewport": {"width": 320, "height": 700}}
PASSWORD = "a long organizer password 7"


def organizer():
    return make_staff("deliverer", "view_signature", "view_petition", password=PASSWORD)


def sign_in(page, user):
    page.goto("/admin/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_an_organizer_makes_and_downloads_a_district_packet(phone, javascript):
    ZipDistrict.objects.create(zcta="78205", district="TX-20")
    petition = make_petition(targets="U.S. Immigration and Customs Enforcement")
    make_signature(petition, name="José Peña Nuñez", email="jose@example.org", postal_code="78205")
    page = phone(**NARROW, java_script_enabled=javascript)
    sign_in(page, organizer())
    page.goto(f"/admin/delivery/deliverypacket/petition/{petition.pk}/")
    screenshot(page, f"delivery-page-320-{'js' if javascript else 'nojs'}")
    if javascript:  # axe-core runs in the page
        assert_accessible(page, "delivery page")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.get_by_label("Representative (a district)").check()
    page.get_by_role("textbox", name="District").fill("tx-20")
    page.get_by_role("button", name="Make the packet").click()
    packet = DeliveryPacket.objects.get()
    assert page.get_by_role("status").inner_text().startswith("Waiting to start")
    screenshot(page, f"delivery-progress-320-{'js' if javascript else 'nojs'}")
    if javascript:
        assert_accessible(page, "progress page")

    run_worker()
    if not javascript:
        page.get_by_role("link", name="Check again").click()
    download_link = page.get_by_role(
        "link", name="Download the packet for Office of the Representative for TX-20"
    )
    download_link.wait_for(timeout=15_000)
    screenshot(page, f"delivery-ready-320-{'js' if javascript else 'nojs'}")
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == DeliveryPacket.objects.get(pk=packet.pk).download_name
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
