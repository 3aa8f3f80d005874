"""Back-office screens for the place tree. Saving goes through places.services, so the admin
gets the same validation (code rules, GeoJSON) and the same audit trail as every other caller."""

import json
from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from meihao.core.audit import audit_change
from meihao.core.errors import ValidationFailed
from meihao.places import geo, services
from meihao.places.models import Building, Place, Venue


def _raise_as_form_error(form: forms.ModelForm, exc: ValidationFailed) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


class PlaceAdminForm(forms.ModelForm):
    class Meta:
        model = Place
        fields = ["code", "name", "level", "parent", "boundary", "is_demo"]
        widgets = {"boundary": forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"})}

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk is None and not self.errors:
            try:
                services.validate_place_code(
                    code=cleaned.get("code"),
                    level=cleaned.get("level"),
                    parent=cleaned.get("parent"),
                )
            except ValidationFailed as exc:
                _raise_as_form_error(self, exc)
        boundary = cleaned.get("boundary")
        if boundary not in (None, ""):
            try:
                geo.parse_boundary(boundary)
            except ValidationFailed as exc:
                _raise_as_form_error(self, exc)
        return cleaned


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    form = PlaceAdminForm
    list_display = ["code", "name", "level", "parent", "is_demo"]
    list_filter = ["level", "is_demo"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    ordering = ["path"]

    def get_readonly_fields(self, request, obj=None):
        # Code, level and parent make up the path that every scoped record copies: fixed once set.
        if obj is None:
            return ["path", "centroid_lat", "centroid_lon"]
        return ["code", "level", "parent", "path", "centroid_lat", "centroid_lon"]

    def save_model(self, request, obj, form, change):
        boundary = form.cleaned_data.get("boundary") or None
        if isinstance(boundary, str):
            boundary = json.loads(boundary)
        if not change:
            created = services.place_create(
                actor=request.user,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                level=form.cleaned_data["level"],
                parent=form.cleaned_data.get("parent"),
                boundary=boundary,
            )
            obj.pk = created.pk
            obj.refresh_from_db()
            if obj.is_demo != form.cleaned_data.get("is_demo", False):
                Place.objects.filter(pk=obj.pk).update(is_demo=form.cleaned_data["is_demo"])
            return
        stored = Place.objects.get(pk=obj.pk)
        if "name" in form.changed_data:
            services.place_rename(actor=request.user, place=stored, name=obj.name)
        if "boundary" in form.changed_data:
            services.place_update_boundary(actor=request.user, place=stored, boundary=boundary)
        if "is_demo" in form.changed_data:
            Place.objects.filter(pk=obj.pk).update(is_demo=obj.is_demo)

    def has_delete_permission(self, request, obj=None):
        # Everything that belongs somewhere points at a place (PROTECT); removing one is a
        # migration of records, not a click.
        return False


class BuildingAdminForm(forms.ModelForm):
    class Meta:
        model = Building
        fields = ["name", "place", "address", "lat", "lon", "floors", "households"]

    def clean_place(self):
        place = self.cleaned_data["place"]
        if place.level not in services.BUILDING_LEVELS:
            raise forms.ValidationError(_("A building belongs to a grid or a community."))
        return place


class PlacedAdmin(admin.ModelAdmin):
    list_select_related = ["place"]
    search_fields = ["name", "address", "place__name", "place__code"]
    autocomplete_fields = ["place"]
    readonly_fields = ["place_path"]
    create_service: Callable[..., Model]

    def save_model(self, request, obj, form, change):
        if not change:
            fields = {name: form.cleaned_data.get(name) for name in form.fields}
            created = type(self).create_service(actor=request.user, **fields)
            obj.pk = created.pk
            obj.refresh_from_db()
            return
        # place_path is copied from the place so that scoped lists never join the tree.
        obj.place_path = obj.place.path
        with transaction.atomic():
            obj.save()
            audit_change(
                actor=request.user,
                action=f"{obj._meta.model_name}.update",
                target=obj,
                changes={"fields": sorted(form.changed_data)},
            )


@admin.register(Building)
class BuildingAdmin(PlacedAdmin):
    form = BuildingAdminForm
    list_display = ["name", "place", "address", "floors", "households"]
    list_filter = ["place__level"]
    create_service = services.building_create


@admin.register(Venue)
class VenueAdmin(PlacedAdmin):
    fields = [
        "name",
        "kind",
        "place",
        "address",
        "lat",
        "lon",
        "capacity",
        "opening_hours",
        "opens_at",
        "closes_at",
        "bookable",
        "needs_approval",
        "equipment",
        "place_path",
    ]
    list_display = ["name", "kind", "place", "address", "capacity", "bookable"]
    list_filter = ["kind", "bookable"]
    create_service = services.venue_create
