"""Every write to signatures: one function each, keyword-only arguments, one transaction.

A status change and its count change happen in the same transaction, the
signature row first and the count shard last, or in one statement (a new
counted signature, see _insert and counting.recount).
"""

import functools
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from places import districts, zips
from places.models import ZipDistrict
from signatures import counting, mail, tasks
from signatures.abuse.signals import is_disposable
from signatures.canonical import canonical_email
from signatures.models import (
    CommentFlag,
    Signature,
    SignatureMail,
    SignerDetailsView,
    SignerRequest,
)

UNIQUE_PER_PERSON = "one_signature_per_person"
# The fields signature_create fills in from its own work, not from its arguments.
MADE_HERE = [
    "petition",
    "email_canonical",
    "city",
    "region",
    "district",
    "district_split",
    "comment_hidden",
    "status",
    "created_at",
    "confirmed_at",
    "status_changed_at",
    "status_changed_by",
    "status_reason",
    "email_domain",
    "email_disposable",
    "anonymised_at",
]
# What a signer chooses when signing; what the owner of the address confirms.
CHOICES = ["name", "postal_code", "country", "comment", "public", "opt_in"]
# What a signing attempt with an address that had signed keeps for the task
# (SignerRequest.attempt): the choices and the signals of that request.
ATTEMPT_FIELDS = [*CHOICES, "email", "language", "source", "ip_hash", "user_agent_family", "fill_seconds"]


class PetitionClosed(Exception):
    """Signing was attempted on a petition that does not take signatures now."""


@dataclass(frozen=True)
class SignResult:
    # None when the address had already signed: that row is only read by the
    # background task, so that the request costs the same either way.
    signature: Signature | None
    # False when the address had already signed: the caller shows the same
    # next page either way and must not reveal which one happened.
    created: bool


def signature_submit(*, petition, flagged: bool = False, **choices) -> None:
    """What the signing form does: sign now, or leave the address to the worker.

    On a petition that needs confirmation nothing counts until the owner
    confirms, so the signature is validated here and stored by the worker
    (signer_request_process): a first signature and a repeat with an address
    that signed run the same statements and get the same answer, so neither
    the page nor its timing tells a stranger whether the address signed. A
    petition without confirmation counts at once (signature_create).
    Raises PetitionClosed, or ValidationError for values the form let through.
    """
    if not petition.requires_confirmation:
        signature_create(petition=petition, flagged=flagged, **choices)
        return
    if not petition.is_open:
        raise PetitionClosed(_("This petition is closed and no longer takes signatures."))
    attempt = _new_signature(petition=petition, flagged=flagged, signed_at=timezone.now(), **choices)
    with transaction.atomic():
        _queue_attempt(attempt, flagged=flagged)


def signature_create(*, petition, flagged: bool = False, signed_at=None, **choices) -> SignResult:
    """Store a signature now, unless its address signed (then the worker hears of the attempt).

    The keyword arguments are the signer's choices and the request's signals
    (ATTEMPT_FIELDS). signed_at is when a queued attempt was made (the worker
    passes it; the petition was open then).
    """
    if signed_at is None and not petition.is_open:
        raise PetitionClosed(_("This petition is closed and no longer takes signatures."))
    signature = _new_signature(
        petition=petition, flagged=flagged, signed_at=signed_at or timezone.now(), **choices
    )
    if signature.status == Signature.Status.PENDING:
        with transaction.atomic():
            created = _insert(signature)
            if created:
                _queue_status_mail(signature, cause=SignatureMail.Cause.SIGNED)
            else:
                _queue_attempt(signature, flagged=flagged)
    else:
        created = _insert(signature)
        if not created:
            with transaction.atomic():
                _queue_attempt(signature, flagged=flagged)
    return SignResult(signature=signature if created else None, created=created)


def _new_signature(
    *,
    petition,
    name: str,
    email: str,
    postal_code: str,
    country: str = "US",
    comment: str = "",
    public: bool = False,
    opt_in: bool = False,
    language: str = "en",
    source: str = "",
    ip_hash: str = "",
    user_agent_family: str = "",
    fill_seconds: int | None = None,
    flagged: bool,
    signed_at,
) -> Signature:
    """An unsaved signature from a signer's choices, validated (ValidationError otherwise)."""
    if flagged:
        status = Signature.Status.FLAGGED
    elif petition.requires_confirmation:
        status = Signature.Status.PENDING
    else:
        status = Signature.Status.CONFIRMED
    canonical = canonical_email(email)
    domain = canonical.rpartition("@")[2]
    postal_code = postal_code.strip().upper()
    signature = Signature(
        petition=petition,
        name=name.strip(),
        email=email.strip(),
        email_canonical=canonical,
        postal_code=postal_code,
        country=country,
        **zips.place_fields(postal_code, country),
        comment=comment.strip(),
        public=public,
        opt_in=opt_in,
        language=language,
        source=source,
        status=status,
        created_at=signed_at,
        confirmed_at=signed_at if status == Signature.Status.CONFIRMED else None,
        ip_hash=ip_hash,
        user_agent_family=user_agent_family,
        fill_seconds=fill_seconds,
        email_domain=domain,
        email_disposable=is_disposable(domain),
    )
    # The values the caller gave are validated; the ones made here are not.
    # Uniqueness is left to the database constraint (_insert), the one check
    # that holds under concurrent requests. The petition is the one passed in,
    # so checking that it exists would only cost a query on the busiest write
    # path. The country field's own check walks all ~250 choices, so it runs
    # only when a lookup says it will fail.
    exclude = MADE_HERE if country not in countries else [*MADE_HERE, "country"]
    signature.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    return signature


def _queue_attempt(attempt: Signature, *, flagged: bool) -> None:
    """Leave a signing attempt to the worker, which looks its address up: only its owner hears of it."""
    # The cleaned values, as plain JSON values (the country as its code).
    choices = {
        name: Signature._meta.get_field(name).get_prep_value(getattr(attempt, name))
        for name in ATTEMPT_FIELDS
    }
    _queue_request(
        petition=attempt.petition,
        email=attempt.email,
        kind=SignerRequest.Kind.SIGNED,
        attempt={**choices, "flagged": flagged},
    )


def _queue_request(*, petition, email: str, kind, attempt: dict | None = None) -> None:
    """Store a signer request and its task, in the caller's transaction (as _queue_mail does)."""
    request = SignerRequest.objects.create(
        petition=petition,
        email=email.strip(),
        email_canonical=canonical_email(email),
        kind=kind,
        attempt=attempt,
    )
    tasks.enqueue(request.pk)


def _insert(signature: Signature) -> bool:
    """INSERT a new signature, unless its signer has already signed. True when inserted.

    The unique constraint decides, through ON CONFLICT DO NOTHING: a
    concurrent insert of the same address waits for the other to commit (and
    then inserts nothing) or roll back, and no error aborts the transaction.
    The district is looked up inside the statement (districts.DISTRICT_SQL), and
    a signature that counts adds its +1 to a count shard in the same statement
    (counting.with_increment): outside a transaction, signing is one round trip.
    """
    fields, sql = _insert_statement()
    # Each value as Django's own INSERT prepares it (get_db_prep_save), but
    # without pre_save: created_at is when the attempt was made (signed_at),
    # which auto_now_add's pre_save would replace with the time of the INSERT.
    values = {
        field.attname: field.get_db_prep_save(getattr(signature, field.attname), connection)
        for field in fields
    }
    params = [*values.values(), zips.zip5(values["postal_code"], values["country"])]
    if signature.is_counted:
        sql, params = counting.with_increment(sql, params, petition_id=signature.petition_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    signature.pk, signature.district, signature.district_split = row
    # What Model.save() sets on the instance it inserted: it is now a saved row.
    signature._state.adding, signature._state.db = False, connection.alias
    return True


# The columns of a new signature's row, written out: the INSERT owns its
# column list, and a test fails when a field of Signature is missing from it.
# Each is also its field's attribute name (no field sets db_column). The id
# is the database's; the two PLACE_COLUMNS come from the ZIP table inside the
# statement (districts.DISTRICT_SQL); every other value is the instance's.
INSERT_COLUMNS = (
    "petition_id",
    "name",
    "email",
    "email_canonical",
    "postal_code",
    "country",
    "city",
    "region",
    "comment",
    "public",
    "comment_hidden",
    "opt_in",
    "language",
    "source",
    "status",
    "created_at",
    "confirmed_at",
    "status_changed_at",
    "status_changed_by_id",
    "status_reason",
    "ip_hash",
    "user_agent_family",
    "fill_seconds",
    "email_domain",
    "email_disposable",
    "anonymised_at",
)
PLACE_COLUMNS = ("district", "district_split")


@functools.cache
def _insert_statement() -> tuple[list, str]:
    """The fields of INSERT_COLUMNS, and the SQL of _insert.

    Built once per process, so the SQL is the same text every time, which is
    also what lets the connection prepare the statement (settings: DATABASES
    OPTIONS prepare_threshold).
    """
    fields = [Signature._meta.get_field(attname) for attname in INSERT_COLUMNS]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in (*INSERT_COLUMNS, *PLACE_COLUMNS))
    values = ", ".join(["%s"] * len(INSERT_COLUMNS) + [f"place.{column}" for column in PLACE_COLUMNS])
    sql = (
        f"INSERT INTO {quote(Signature._meta.db_table)} ({columns}) "
        f"SELECT {values} FROM ({districts.DISTRICT_SQL}) AS place "
        f"ON CONFLICT ON CONSTRAINT {UNIQUE_PER_PERSON} DO NOTHING "
        f"RETURNING id, district, district_split"
    )
    return fields, sql


def _queue_mail(signature: Signature, *, kind, cause) -> bool:
    """Put a mail in the outbox, sent by the worker once this transaction commits.

    The caller holds the signature's row lock, so two requests at once
    cannot both pass the daily cap. The task row is written in the same
    transaction as the mail row (the task backend is this database): both
    or neither are committed, and the worker cannot see the task before the
    mail it names.
    """
    if cause != SignatureMail.Cause.SIGNED:
        kinds = (
            [kind]
            if kind == SignatureMail.Kind.WITHDRAW_LINK
            else [SignatureMail.Kind.CONFIRM, SignatureMail.Kind.ALREADY_SIGNED]
        )
        if SignatureMail.objects.repeats_today(signature, kinds) >= settings.REPEAT_MAILS_PER_DAY:
            return False
    queued = SignatureMail.objects.create(signature=signature, kind=kind, cause=cause)
    mail.enqueue(queued.pk)
    return True


def _queue_status_mail(signature: Signature, *, cause) -> bool:
    """A fresh confirmation while pending, "you have already signed" once confirmed.

    Struck and flagged signatures get nothing: a link cannot change them.
    """
    if signature.status == Signature.Status.PENDING:
        return _queue_mail(signature, kind=SignatureMail.Kind.CONFIRM, cause=cause)
    if signature.status == Signature.Status.CONFIRMED:
        return _queue_mail(signature, kind=SignatureMail.Kind.ALREADY_SIGNED, cause=cause)
    return False


@transaction.atomic
def signature_send_again(*, petition, email: str) -> None:
    """A signer asks for their confirmation email again: the task sends it, if the address signed.

    The same statements whether or not it did (signer_request_process looks).
    """
    _queue_request(petition=petition, email=email, kind=SignerRequest.Kind.SEND_AGAIN)


@transaction.atomic
def signature_resend_confirmation(*, signature: Signature) -> bool:
    """An organizer resends the confirmation of a pending signature (same daily cap)."""
    signature = _locked(signature)
    if signature.status != Signature.Status.PENDING:
        return False
    return _queue_mail(signature, kind=SignatureMail.Kind.CONFIRM, cause=SignatureMail.Cause.ORGANIZER)


@transaction.atomic
def signature_request_withdrawal(*, petition, email: str) -> None:
    """Email a withdrawal link to the address, if it signed: the task decides, as for send_again."""
    _queue_request(petition=petition, email=email, kind=SignerRequest.Kind.WITHDRAW_LINK)


@transaction.atomic
def signer_request_process(*, request_id: int) -> str:
    """What the worker does with a SignerRequest: look the address up, act, delete the request.

    Idempotent: a request already done (or being done by another worker) is skipped.
    Mails are capped per day as everywhere (_queue_mail).
    """
    request = (
        SignerRequest.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("petition")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return "nothing to do"
    request.delete()
    signature = (
        Signature.objects.select_for_update(of=("self",))
        .select_related("petition")
        .filter(petition_id=request.petition_id, email_canonical=request.email_canonical)
        .first()
    )
    if signature is None and request.kind == SignerRequest.Kind.SIGNED:
        # A first signature (or the row went away meanwhile). A concurrent
        # insert of the same address makes this one a repeat: it is queued again.
        signature_create(petition=request.petition, signed_at=request.created_at, **request.attempt)
        return "signed"
    if signature is None:
        return "no signature"
    if request.kind == SignerRequest.Kind.WITHDRAW_LINK:
        _queue_mail(signature, kind=SignatureMail.Kind.WITHDRAW_LINK, cause=SignatureMail.Cause.REQUESTED)
    elif request.kind == SignerRequest.Kind.SEND_AGAIN:
        _queue_status_mail(signature, cause=SignatureMail.Cause.REQUESTED)
    else:
        _signed_again(signature, attempt=request.attempt)
    return "done"


def _signed_again(signature: Signature, *, attempt: dict) -> None:
    """The owner decides: a proper attempt replaces what an unconfirmed row holds.

    Whoever signed first with an address may not be its owner, so the newest
    choices are the ones the newest confirmation email confirms (and the
    confirmation page shows them). A row flagged by the bot trap becomes
    pending, so the owner who signs properly can confirm. A confirmed or
    struck row is never changed, and an attempt that tripped the trap changes
    nothing.
    """
    replaceable = (Signature.Status.PENDING, Signature.Status.FLAGGED)
    if attempt["flagged"] or signature.status not in replaceable:
        _queue_status_mail(signature, cause=SignatureMail.Cause.SIGNED_AGAIN)
        return
    _set_choices(signature, **{field: attempt[field] for field in ATTEMPT_FIELDS})
    if signature.status == Signature.Status.FLAGGED:
        status = (
            Signature.Status.PENDING
            if signature.petition.requires_confirmation
            else Signature.Status.CONFIRMED
        )
        _set_status(signature, status=status, reason="Signed again without tripping the bot trap")
    if signature.status == Signature.Status.PENDING:
        _queue_mail(signature, kind=SignatureMail.Kind.CONFIRM, cause=SignatureMail.Cause.SIGNED_AGAIN)


def _set_choices(signature: Signature, **values) -> None:
    """Save new signer choices on a locked signature, with the places they imply."""
    values = {**values, "postal_code": values["postal_code"].strip().upper()}
    for field in ("name", "email", "comment"):
        if field in values:
            values[field] = values[field].strip()
    postal_code, country = values["postal_code"], values["country"]
    values.update(city="", region="")
    values.update(zips.place_fields(postal_code, country))
    values.update(districts.district_fields(postal_code, country))
    for field, value in values.items():
        setattr(signature, field, value)
    signature.save(update_fields=list(values))


def required_reason(reason: str, message) -> str:
    """The reason an organizer gives for a change, stripped; ValidationError(message) when there is none."""
    if not reason.strip():
        raise ValidationError(message)
    return reason.strip()


def _locked(signature: Signature) -> Signature:
    return Signature.objects.select_for_update().get(pk=signature.pk)


def _set_status(signature, *, status, by=None, reason="") -> None:
    """Move a locked signature to status and keep the count in step. Inside a transaction."""
    was_counted = signature.is_counted
    signature.status = status
    signature.status_changed_at = timezone.now()
    signature.status_changed_by = by
    signature.status_reason = reason
    fields = ["status", "status_changed_at", "status_changed_by", "status_reason"]
    if status == Signature.Status.CONFIRMED and signature.confirmed_at is None:
        signature.confirmed_at = signature.status_changed_at
        fields.append("confirmed_at")
    signature.save(update_fields=fields)
    if signature.is_counted != was_counted:
        counting.adjust(signature.petition_id, +1 if signature.is_counted else -1)


@transaction.atomic
def signature_confirm(
    *, signature: Signature, by=None, reason: str = "", choices: dict | None = None
) -> bool:
    """Confirm a pending signature (by its owner's link, or by an organizer with a reason).

    The owner confirms with choices: what the confirmation page showed them,
    corrected or not (the CHOICES fields, validated by SignerChoicesForm),
    saved with the confirmation. Returns False when there was nothing to do
    (already confirmed). Struck and flagged signatures are not confirmed by a
    link: an organizer restores them.
    """
    signature = _locked(signature)
    if signature.status == Signature.Status.CONFIRMED:
        return False
    if signature.status != Signature.Status.PENDING:
        raise ValidationError(_("Only a pending signature can be confirmed."))
    if by is not None:
        reason = required_reason(reason, _("Say why you confirm this signature by hand."))
    if choices is not None:
        _set_choices(signature, **{field: choices[field] for field in CHOICES})
    _set_status(signature, status=Signature.Status.CONFIRMED, by=by, reason=reason.strip())
    return True


@transaction.atomic
def signature_strike(*, signature: Signature, by, reason: str) -> bool:
    """Take a signature out of the count (kept for the record). Returns False if already struck."""
    reason = required_reason(reason, _("Say why the signature is struck."))
    signature = _locked(signature)
    if signature.status == Signature.Status.STRUCK:
        return False
    _set_status(signature, status=Signature.Status.STRUCK, by=by, reason=reason)
    return True


@transaction.atomic
def signature_restore(*, signature: Signature, by, reason: str) -> bool:
    """Undo a strike or a flag: back to confirmed if it ever was, else to pending."""
    reason = required_reason(reason, _("Say why the signature is restored."))
    signature = _locked(signature)
    if signature.status not in (Signature.Status.STRUCK, Signature.Status.FLAGGED):
        return False
    was_flagged = signature.status == Signature.Status.FLAGGED
    status = Signature.Status.CONFIRMED if signature.confirmed_at else Signature.Status.PENDING
    _set_status(signature, status=status, by=by, reason=reason)
    if was_flagged and status == Signature.Status.PENDING:
        # A flagged signature was never sent its confirmation: this is its first.
        _queue_mail(signature, kind=SignatureMail.Kind.CONFIRM, cause=SignatureMail.Cause.SIGNED)
    return True


@transaction.atomic
def signature_withdraw(*, signature: Signature) -> None:
    """The signer takes their signature back: the row and its personal data are deleted.

    So are the requests still queued for its address: an attempt made before
    the withdrawal must not sign again after it.
    """
    signature = _locked(signature)
    was_counted = signature.is_counted
    SignerRequest.objects.filter(
        petition_id=signature.petition_id, email_canonical=signature.email_canonical
    ).delete()
    signature.delete()
    if was_counted:
        counting.adjust(signature.petition_id, -1)


def signature_purge_pending(*, older_than: timedelta, batch_size: int = 1000) -> int:
    """Delete signatures still pending after older_than. Returns how many.

    Pending signatures never count, so no count changes. In batches, each its
    own transaction, so signing is never held up behind one long delete; the
    status is checked again by the DELETE itself, so a signature confirmed
    meanwhile stays.
    """
    cutoff = timezone.now() - older_than
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(
                Signature.objects.pending()
                .filter(created_at__lt=cutoff)
                .values_list("pk", flat=True)[:batch_size]
            )
            if not batch:
                return deleted
            _, per_model = Signature.objects.pending().filter(pk__in=batch).delete()
            deleted += per_model.get(Signature._meta.label, 0)


def comment_flag(*, signature: Signature, visitor_hash: str) -> bool:
    """A visitor reports a public comment. Returns False when this visitor had already flagged it.

    Only comments the public can see can be flagged, so the route cannot be
    used to learn which signatures exist.
    """
    if not (signature.public and signature.is_counted and signature.comment):
        raise ValidationError(_("Only a public comment can be flagged."))
    with transaction.atomic():
        _flag, created = CommentFlag.objects.get_or_create(signature=signature, visitor_hash=visitor_hash)
    return created


@transaction.atomic
def comments_set_hidden(*, signatures, hidden: bool) -> int:
    """Hide (or show again) the comments of the given signatures. Returns how many changed."""
    return (
        Signature.objects.filter(pk__in=[s.pk for s in signatures])
        .exclude(comment_hidden=hidden)
        .update(comment_hidden=hidden)
    )


@transaction.atomic
def signer_details_viewed(
    *, user, what: str, signature_id: int | None = None, results: int | None = None
) -> None:
    """Record that user saw signers' personal details (never the details or the search term)."""
    SignerDetailsView.objects.create(
        user=user, username=user.get_username(), what=what, signature_id=signature_id, results=results
    )


@transaction.atomic
def districts_replace(*, by_zip: dict[str, set[str]]) -> int:
    """Replace the ZIP-to-district table and bring every US signature's district up to date.

    Returns the number of signatures whose district changed.
    """
    districts.zip_districts_replace(districts=by_zip)
    signatures, zip_districts = Signature._meta.db_table, ZipDistrict._meta.db_table
    with connection.cursor() as cursor:
        # One statement: a ZIP in one district gets it, a ZIP in several is
        # marked split, a ZIP no longer in the file loses what it had.
        cursor.execute(
            f"""
            WITH per_zip AS (
                SELECT zcta, {districts.DISTRICT_COLUMNS} FROM {zip_districts} GROUP BY zcta
            ), wanted AS (
                SELECT s.id, coalesce(p.district, '') AS district,
                       coalesce(p.district_split, false) AS district_split
                FROM {signatures} s LEFT JOIN per_zip p ON p.zcta = left(s.postal_code, 5)
                WHERE s.country = 'US'
            )
            UPDATE {signatures} s SET district = w.district, district_split = w.district_split
            FROM wanted w
            WHERE s.id = w.id
              AND (s.district, s.district_split) IS DISTINCT FROM (w.district, w.district_split)
            """
        )
        return cursor.rowcount
