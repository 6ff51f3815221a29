from tests.support.factories import sign


def sign_and_thank(client, petition, **fields):
    """The thank-you page a signer lands on."""
    response = sign(client, petition, **fields)
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


# Without a call step (call_chambers "none") the page links to the official lists
# of the state's members; with one, tests/lawmakers/test_call_step.py.
def test_it_links_to_the_signers_members_of_congress_by_the_state_of_their_zip(client, make_petition):
    petition = make_petition(call_chambers="none")
    html = sign_and_thank(client, petition, postal_code="78205")
    assert 'href="https://www.house.gov/representatives#state-texas">Representatives from Texas' in html
    assert 'href="https://www.senate.gov/states/TX/intro.htm">Senators from Texas' in html
    # The ZIP and email stay on this site: not in the page, not in any link.
    assert "78205" not in html and "maria@example.org" not in html


def test_a_delegate_only_place_gets_no_senators_link(client, make_petition):
    html = sign_and_thank(client, make_petition(call_chambers="none"), postal_code="20001")
    assert "Representatives from District of Columbia" in html
    assert "Senators from" not in html


def test_without_a_us_state_it_offers_the_general_finders(client, make_petition):
    petition = make_petition()
    html = sign_and_thank(client, petition, postal_code="06600", country="MX")
    assert "Representatives from" not in html
    assert petition.find_representative_url in html and petition.find_senators_url in html


def test_every_share_link_carries_its_channel_code(client, make_petition):
    petition = make_petition(title="Save the river")
    html = sign_and_thank(client, petition)
    page_url = f"http://127.0.0.1:8000/petitions/{petition.slug}/"
    assert "https://wa.me/?text=" in html and "src%3Dwa" in html
    assert "https://www.facebook.com/sharer/sharer.php?u=" in html and "src%3Dfb" in html
    assert "https://x.com/intent/post?" in html and "src%3Dx" in html
    assert "mailto:?subject=Save%20the%20river" in html and "src%3Dem" in html
    assert f'value="{page_url}?src=link" readonly' in html


def test_donate_and_volunteer_links_come_from_the_petition(client, make_petition):
    petition = make_petition(donate_url="https://give.example.org/", volunteer_url="")
    html = sign_and_thank(client, petition)
    assert 'href="https://give.example.org/"' in html
    assert ">Volunteer<" not in html


def test_the_thank_you_page_asks_for_nothing_again(client, petition):
    html = sign_and_thank(client, petition)
    assert 'name="email"' not in html and 'name="postal_code"' not in html and 'name="name"' not in html


def test_the_thank_you_page_is_private_to_the_signer(client, petition):
    response = sign(client, petition)
    page = client.get(response["Location"])
    cache_control = {part.strip() for part in page["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= cache_control and "public" not in cache_control
    assert "Cookie" in page["Vary"]
