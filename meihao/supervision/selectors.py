"""Reads of the supervision register, for its keepers and the police of the area alone; every
entry read — on the list or on its own page — is an audit entry."""

from django.utils import timezone

from meihao.core.audit import audit_pii_read, audit_pii_reads
from meihao.core.errors import NotFound
from meihao.core.inputs import parse_id
from meihao.supervision.models import Authority, Supervisee
from meihao.supervision.services import authority_ids, next_visit_due, readable_q

FIELD = "supervision"


def _entries(user):
    return (
        Supervisee.objects.filter(readable_q(user), ended_at__isnull=True)
        .select_related("person", "officer", "authority__organisation")
        .order_by("place_path", "pk")
    )


def register_page(user, entries: list) -> list:
    """The entries shown on a page of the register, each audited and with its next visit."""
    audit_pii_reads(actor=user, targets=entries, field=FIELD)
    today = timezone.localdate()
    for entry in entries:
        entry.due = next_visit_due(entry)
        entry.overdue = entry.due < today
    return entries


def register_of(user):
    return _entries(user)


def entry_get(user, pk) -> Supervisee:
    entry = _entries(user).filter(pk=parse_id(pk)).first()
    if entry is None:
        raise NotFound()
    audit_pii_read(actor=user, target=entry, field=FIELD)
    entry.due = next_visit_due(entry)
    entry.overdue = entry.due < timezone.localdate()
    return entry


def my_authorities(user):
    return Authority.objects.filter(pk__in=authority_ids(user)).select_related("organisation")
