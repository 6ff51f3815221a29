"""Keeping abuse out of the count, and away from signers' data.

signals: what a request says about who sends it (keyed hash of the address,
browser family, disposable email domains). bot_trap: the honeypot field and
the form's signed timestamp. ratelimits: the limits on signing, on the forms
that take an address and on admin sign-in. same_origin: refusing cross-site
posts of the forms that carry no CSRF token. invalidation: striking (and
restoring) signatures by criteria, as one batch.
"""
