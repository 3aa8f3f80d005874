"""The case catalogue as filing reads it: every type and minor class, kept per process.

Each report names its type and minor class; looking them up through the ORM cost more than
writing the case row. The catalogue is a few hundred rows edited a few times a year in the
admin, so it is a `core.snapshot.ProcessSnapshot`: saving or deleting a type or class (admin,
loaders, services) tells every process after the commit, and the fingerprint (counts, highest
ids, latest `updated_at` of both tables) catches what is written around them.

The rows are shared by every request of the process: read them, never change them.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save

from meihao.cases.models import CaseCategory, CaseType
from meihao.core.snapshot import ProcessSnapshot


@dataclass(frozen=True)
class _Catalogue:
    types: dict[str, CaseType]  # by code
    minor_by_code: dict[tuple[int, str], CaseCategory]  # by (type id, class code)
    minor_by_id: dict[int, CaseCategory]
    classified: frozenset[int]  # the ids of the types that have classes (active or not)


def _fingerprint() -> tuple:
    def aggregate(model) -> tuple:
        stats = model.objects.aggregate(count=Count("pk"), last=Max("pk"), change=Max("updated_at"))
        return stats["count"], stats["last"], stats["change"]

    return aggregate(CaseType), aggregate(CaseCategory)


def _build() -> _Catalogue:
    types = {t.code: t for t in CaseType.objects.all()}
    by_id = {t.pk: t for t in types.values()}
    minor = list(CaseCategory.objects.filter(parent__isnull=False))
    for category in minor:
        # The class carries its type, as select_related would give it.
        category.case_type = by_id[category.case_type_id]
    return _Catalogue(
        types=types,
        minor_by_code={(c.case_type_id, c.code): c for c in minor},
        minor_by_id={c.pk: c for c in minor},
        classified=frozenset(CaseCategory.objects.values_list("case_type_id", flat=True)),
    )


CATALOGUE = ProcessSnapshot("cases:catalogue", build=_build, fingerprint=_fingerprint)


def active_type(code: str) -> CaseType | None:
    """The active case type with this code, or None."""
    case_type = CATALOGUE.get().types.get(code)
    return case_type if case_type is not None and case_type.is_active else None


def has_classes(case_type: CaseType) -> bool:
    """Whether reports of this type must name a class (it has some, active or not)."""
    return case_type.pk in CATALOGUE.get().classified


def minor_class(case_type: CaseType, *, code: str = "", pk: int | None = None):
    """The type's minor class with this code (or id), active or not, with its `case_type`
    loaded; None when the type has no such minor class. `case_submit` refuses inactive ones."""
    catalogue = CATALOGUE.get()
    if pk is not None:
        category = catalogue.minor_by_id.get(pk)
        return category if category is not None and category.case_type_id == case_type.pk else None
    return catalogue.minor_by_code.get((case_type.pk, code))


def active_minor_classes(type_code: str) -> list[CaseCategory]:
    """What a case of the active type `type_code` may be about: its active minor classes, by
    code (a form's choices; [] when the type is not active)."""
    case_type = active_type(type_code)
    if case_type is None:
        return []
    return list(
        CaseCategory.objects.filter(
            case_type=case_type, parent__isnull=False, is_active=True
        ).order_by("code")
    )


def _catalogue_changed(sender, **kwargs) -> None:
    transaction.on_commit(CATALOGUE.changed)


for _model in (CaseType, CaseCategory):
    post_save.connect(_catalogue_changed, sender=_model, dispatch_uid=f"catalogue-save-{_model}")
    post_delete.connect(
        _catalogue_changed, sender=_model, dispatch_uid=f"catalogue-delete-{_model}"
    )
