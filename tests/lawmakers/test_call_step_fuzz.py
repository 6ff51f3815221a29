"""Hostile input at the call step's forms: never a 5xx, nothing counted, no cookie for a bad ZIP."""

from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from lawmakers.models import CallTally
from tests.signatures.test_fuzz import FUZZ, hostile_text
from tests.support.factories import sign

fields = st.dictionaries(st.sampled_from(["zip", "bioguide", "action", "back"]), hostile_text, max_size=4)


@FUZZ
@given(data=fields)
def test_the_zip_form_and_the_report_buttons_survive_anything(petition, congress, data):
    client = Client()
    sign(client, petition, postal_code="05401")
    for name in ("find", "report"):
        response = client.post(reverse(f"lawmakers:{name}", args=[petition.slug]), data)
        assert response.status_code < 500
        if response.status_code != 302:
            assert "reported" not in response.cookies and "signer" not in response.cookies
    # Only a real member of this ZIP with a real action could have been counted.
    assert set(CallTally.objects.values_list("bioguide", flat=True)) <= {"S000033", "W000800", "B001318"}
