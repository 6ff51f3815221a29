"""The signatures admin, one module per concern; importing them registers their ModelAdmins.

signature: the signature list (status changes, search, exports) and the
export log. mail: the outbox. privacy: who may see signers' details, and the
record of each look. comments: comment moderation. lists: filters and the
paginator that stay fast at a million rows. abuse: the allow-list, unusual
activity and invalidation by criteria.
"""

from signatures.admin import abuse, comments, lists, mail, privacy, signature  # noqa: F401
