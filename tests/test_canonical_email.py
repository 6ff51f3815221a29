import importlib
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from signatures.canonical import canonical_email
from signatures.counting import count_for
from signatures.models import Signature
from tests.conftest import form_fields


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Maria@Example.org", "maria@example.org"),
        ("  maria@example.org \t", "maria@example.org"),
        ("Maria.Jose+petition@gmail.com", "mariajose@gmail.com"),
        ("m.a.r.i.a@googlemail.com", "maria@gmail.com"),
        ("MARIA+x+y@GoogleMail.com", "maria@gmail.com"),
        # Other providers may treat dots as part of the address; tags go everywhere.
        ("maria.jose+tag@example.org", "maria.jose@example.org"),
        ("maria.jose@outlook.com", "maria.jose@outlook.com"),
        # An address that is all tag is kept whole.
        ("+tag@example.org", "+tag@example.org"),
        ("no-at-sign ", "no-at-sign"),
    ],
)
def test_it_folds_what_the_provider_ignores(typed, canonical):
    assert canonical_email(typed) == canonical


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("x@ｇｍａｉｌ.com", "x@gmail.com"),  # fullwidth: mail servers deliver it to gmail.com
        ('"x"@gmail.com', "x@gmail.com"),
        ('"x+q"@gmail.com', "x@gmail.com"),
        ('"x\\+q"@example.org', "x@example.org"),
        ("x@bücher.example", "x@xn--bcher-kva.example"),
        ("x@BÜCHER.example", "x@xn--bcher-kva.example"),
        ("x+tag@outlook.com", "x@outlook.com"),
        ("x+tag@hotmail.com", "x@hotmail.com"),
        ("x+tag@fastmail.com", "x@fastmail.com"),
        ("x+tag@proton.me", "x@proton.me"),
        ("x+tag@icloud.com", "x@icloud.com"),
        ("x-kw@yahoo.com", "x@yahoo.com"),
        ("x-kw+t@yahoo.co.uk", "x@yahoo.co.uk"),
        ("x-kw@ymail.com", "x@ymail.com"),
        ("x-kw@rocketmail.com", "x@rocketmail.com"),
        ("X@Example.COM.", "x@example.com"),
        ("x@gmail。com", "x@gmail.com"),
    ],
)
def test_every_form_of_one_mailbox_has_one_canonical_form(variant, plain):
    assert canonical_email(variant) == canonical_email(plain)
    assert canonical_email(plain) == plain.lower()


def test_a_hyphen_is_part_of_the_address_outside_yahoo():
    assert canonical_email("x-kw@example.org") == "x-kw@example.org"


def test_a_domain_idna_cannot_encode_keeps_its_normalised_text():
    label = "ａ" * 70  # too long for a DNS label
    assert canonical_email(f"x@{label}.org") == f"x@{'a' * 70}.org"


@pytest.mark.parametrize(
    "variants",
    [
        ("x@gmail.com", "x@ｇｍａｉｌ.com"),
        ("x@gmail.com", '"x"@gmail.com'),
        ("x@gmail.com", '"x+q"@gmail.com'),
        ("x@bücher.example", "x@xn--bcher-kva.example"),
        ("x@outlook.com", "x+tag@outlook.com"),
        ("x@yahoo.com", "x-kw@yahoo.com"),
    ],
)
def test_two_forms_of_one_address_sign_once(client, petition, signer_data, variants):
    url = reverse("petition:sign", args=[petition.slug])
    for email in variants:
        response = client.post(url, form_fields(petition, **signer_data(email=email)))
        assert response.status_code == 302
    assert Signature.objects.filter(petition=petition).count() == 1
    assert count_for(petition) == 1


def test_the_data_migration_gives_every_row_the_new_form_and_strikes_and_reports_collisions(
    make_petition, capsys
):
    migration = importlib.import_module("signatures.migrations.0010_canonical_email_v2").Migration
    target = [("signatures", "0010_canonical_email_v2")]
    executor = MigrationExecutor(connection)
    executor.migrate(migration.dependencies)
    old_apps = executor.loader.project_state(migration.dependencies).apps
    OldSignature = old_apps.get_model("signatures", "Signature")
    OldCountShard = old_apps.get_model("signatures", "CountShard")
    one, two = make_petition(), make_petition()
    start = timezone.now() - timedelta(days=1)

    def row(petition, email, canonical, status, minutes, **fields):
        signature = OldSignature.objects.create(
            petition_id=petition.pk, name="N", email=email, email_canonical=canonical,
            email_domain=canonical.rpartition("@")[2], postal_code="78205", status=status,
            confirmed_at=start if status == "confirmed" else None, **fields,
        )
        OldSignature.objects.filter(pk=signature.pk).update(created_at=start + timedelta(minutes=minutes))
        return signature.pk

    # One person twice, both confirmed: the older is kept, though the newer already holds the form.
    newer = row(one, "x@gmail.com", "x@gmail.com", "confirmed", 2)
    older = row(one, "x@ｇｍａｉｌ.com", "x@ｇｍａｉｌ.com", "confirmed", 0)
    # A confirmed row is kept before an older pending one (the malformed old form of "y+q").
    quoted = row(one, '"y+q"@gmail.com', '"y@gmail.com', "pending", 0)
    plain = row(one, "y@gmail.com", "y@gmail.com", "confirmed", 5)
    tagged = row(one, "z+tag@outlook.com", "z+tag@outlook.com", "confirmed", 1)
    idn = row(one, "w@bücher.example", "w@bücher.example", "pending", 1)
    gone = row(one, "", "anonymised:abc", "struck", 1, anonymised_at=start)
    # Another petition: the same person is a signer of its own; two pending tags collide.
    elsewhere = row(two, "x@gmail.com", "x@gmail.com", "confirmed", 0)
    first_tag = row(two, "v+a@outlook.com", "v+a@outlook.com", "pending", 0)
    second_tag = row(two, "v+b@outlook.com", "v+b@outlook.com", "pending", 3)
    OldCountShard.objects.create(petition_id=one.pk, shard=0, count=2)
    OldCountShard.objects.create(petition_id=one.pk, shard=7, count=2)
    OldCountShard.objects.create(petition_id=two.pk, shard=3, count=1)
    capsys.readouterr()

    executor = MigrationExecutor(connection)
    executor.migrate(target)

    rows = {s.pk: s for s in Signature.objects.all()}
    assert {pk: rows[pk].email_canonical for pk in (older, plain, tagged, idn, gone, elsewhere, first_tag)} == {
        older: "x@gmail.com", plain: "y@gmail.com", tagged: "z@outlook.com",
        idn: "w@xn--bcher-kva.example", gone: "anonymised:abc", elsewhere: "x@gmail.com",
        first_tag: "v@outlook.com",
    }
    assert rows[idn].email_domain == "xn--bcher-kva.example"
    assert rows[older].status == rows[plain].status == "confirmed"
    for pk, kept in ((newer, older), (quoted, plain), (second_tag, first_tag)):
        assert rows[pk].status == "struck"
        assert rows[pk].status_reason == (
            f"Duplicate of signature {kept} under the new canonical email form (migration 0010)"
        )
        assert rows[pk].status_changed_at is not None
        assert rows[pk].email_canonical.startswith(f"dup-{pk}:")
    assert rows[older].email == "x@ｇｍａｉｌ.com"  # the address as typed is kept for mail
    assert count_for(one) == 3 == Signature.objects.filter(petition=one).counted().count()
    assert count_for(two) == 1
    out = capsys.readouterr().out
    assert f"petition {one.pk}: kept signature {older}, struck {newer}\n" in out
    assert f"petition {one.pk}: kept signature {plain}, struck {quoted}\n" in out
    assert f"petition {two.pk}: kept signature {first_tag}, struck {second_tag}\n" in out
    assert "3 collision groups, 3 signatures struck, 1 petition counts repaired" in out
    assert "@" not in out
