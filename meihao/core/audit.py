"""Writing the audit trail. Services call these inside their own transaction."""

from django.db import models

from meihao.core.models import AuditEvent


def _target_fields(target: models.Model) -> dict:
    return {
        "target_type": target._meta.label_lower,
        "target_id": str(target.pk),
        "target_repr": str(target)[:200],
    }


def audit_change(*, actor, action: str, target: models.Model, changes: dict | None = None):
    return AuditEvent.objects.create(
        kind=AuditEvent.Kind.CHANGE,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        changes=changes or {},
        **_target_fields(target),
    )


def audit_pii_read(*, actor, target: models.Model, field: str):
    return AuditEvent.objects.create(
        kind=AuditEvent.Kind.PII_READ,
        actor=actor,
        action=f"read:{field}",
        **_target_fields(target),
    )


def audit_pii_reads(*, actor, targets, field: str) -> None:
    """`audit_pii_read` for each of `targets` (a page listing them), in one insert."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            kind=AuditEvent.Kind.PII_READ,
            actor=actor,
            action=f"read:{field}",
            **_target_fields(target),
        )
        for target in targets
    )


def audit_changes(instance: models.Model, new_values: dict) -> dict:
    """{field: [old, new]} for the fields whose value actually changes, as JSON-safe strings."""
    diff = {}
    for field, new in new_values.items():
        old = getattr(instance, field)
        if old != new:
            diff[field] = [None if old is None else str(old), None if new is None else str(new)]
    return diff
