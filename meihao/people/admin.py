"""Back-office screens. Writes that matter (people, roles, new organisations and teams) go
through people.services so that they are validated, scoped and audited like everywhere else."""

from typing import cast

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.utils.translation import gettext_lazy as _

from meihao.core.audit import audit_change
from meihao.core.errors import DomainError
from meihao.people import services
from meihao.people.models import (
    ApiToken,
    Organisation,
    Person,
    PersonQuerySet,
    PersonTag,
    RoleAssignment,
    Team,
    TeamMember,
    User,
)
from meihao.people.validation import clean_person


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("phone", "name")


class UserChangeForm(BaseUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("phone", "password")}),
        (_("Personal details"), {"fields": ("name",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("phone", "name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("phone_masked", "name", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("=phone", "name")
    ordering = ("phone",)
    filter_horizontal = ("groups", "user_permissions")

    @admin.display(description=_("mobile number"), ordering="phone")
    def phone_masked(self, obj):
        return obj.phone_masked


class PersonAdminForm(forms.ModelForm):
    """Edits a person through the same rules as the pages; the ID number is write-only."""

    id_number = forms.CharField(
        label=_("ID-card number"),
        required=False,
        max_length=18,
        help_text=_("Enter it to set or change it; leave empty to keep the stored number."),
    )
    tags = forms.MultipleChoiceField(
        label=_("Tags"),
        choices=PersonTag.Tag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Person
        fields = (
            "real_name",
            "gender",
            "birth_date",
            "phone",
            "home_place",
            "building",
            "address",
            "user",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["tags"].initial = list(self.instance.tags.values_list("tag", flat=True))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        id_number = data.get("id_number") or ""
        if self.instance.pk and not id_number:
            id_number = self.instance.id_number_plain()  # re-checked against a new birth date
        _cleaned, errors = clean_person(
            real_name=data.get("real_name", ""),
            gender=data.get("gender", ""),
            birth_date=data.get("birth_date"),
            id_number=id_number,
            phone=data.get("phone", ""),
            home_place=data.get("home_place"),
            address=data.get("address", ""),
            tags=data.get("tags", []),
        )
        for field, message in errors.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonAdminForm
    list_display = ("real_name", "gender", "phone_masked", "id_number_masked", "home_place")
    list_select_related = ("home_place",)
    list_filter = ("gender", "tags__tag")
    search_fields = ("real_name", "=phone")
    autocomplete_fields = ("user",)
    raw_id_fields = ("home_place", "building")
    readonly_fields = ("id_number_masked",)

    def get_queryset(self, request):
        return cast(PersonQuerySet, super().get_queryset(request)).visible_to(request.user)

    @admin.display(description=_("mobile number"))
    def phone_masked(self, obj):
        return obj.phone_masked

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "real_name": data["real_name"],
            "gender": data.get("gender", ""),
            "birth_date": data.get("birth_date"),
            "phone": data.get("phone", ""),
            "home_place": data.get("home_place"),
            "address": data.get("address", ""),
            "tags": data.get("tags", []),
        }
        if data.get("id_number"):
            fields["id_number"] = data["id_number"]
        try:
            if change:
                saved = services.person_update(actor=request.user, person=obj, **fields)
            else:
                saved = services.person_create(actor=request.user, user=data.get("user"), **fields)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        obj.pk = saved.pk
        # Building and log-in are plain links, not personal data; saved directly.
        Person.objects.filter(pk=saved.pk).update(
            building=data.get("building"), user=data.get("user")
        )

    def save_related(self, request, form, formsets, change):
        # Tags are saved by the service; there are no inlines.
        pass


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ("user", "role", "place", "organisation")

    actor: User  # who assigns: set by RoleAssignmentAdmin.get_form

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        try:
            services.check_role_assign(
                actor=self.actor,
                user=data["user"],
                role=data["role"],
                place=data.get("place"),
                organisation=data.get("organisation"),
            )
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Add and revoke only: a changed scope is a new assignment (and a new audit entry)."""

    form = RoleAssignmentForm
    list_display = ("user", "role", "place", "organisation", "created_at")
    list_select_related = ("user", "place", "organisation")
    list_filter = ("role",)
    search_fields = ("=user__phone", "user__name")
    autocomplete_fields = ("user",)
    raw_id_fields = ("place", "organisation")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        assert issubclass(form, RoleAssignmentForm)  # the admin subclasses `form`
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        saved = services.role_assign(
            actor=request.user,
            user=obj.user,
            role=obj.role,
            place=obj.place,
            organisation=obj.organisation,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.role_revoke(actor=request.user, assignment=obj)

    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("place", "organisation", "user"):
            services.role_revoke(actor=request.user, assignment=assignment)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "place")
    list_select_related = ("place",)
    list_filter = ("kind",)
    search_fields = ("name", "short_name")
    raw_id_fields = ("place",)

    def save_model(self, request, obj, form, change):
        if change:
            obj.place_path = obj.place.path
            super().save_model(request, obj, form, change)
            audit_change(
                actor=request.user,
                action="organisation_update",
                target=obj,
                changes={f: ["", str(form.cleaned_data.get(f))] for f in form.changed_data},
            )
            return
        try:
            saved = services.organisation_create(
                actor=request.user,
                name=obj.name,
                kind=obj.kind,
                place=obj.place,
                short_name=obj.short_name,
                address=obj.address,
                contact_phone=obj.contact_phone,
            )
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        obj.pk = saved.pk
        obj.place_path = saved.place_path


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    raw_id_fields = ("person",)
    fields = ("person", "position", "duty", "joined_on")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "place", "organisation")
    list_select_related = ("place", "organisation")
    list_filter = ("kind",)
    search_fields = ("name",)
    raw_id_fields = ("place", "parent", "organisation")
    filter_horizontal = ("covered_places",)
    inlines = [TeamMemberInline]

    def save_model(self, request, obj, form, change):
        obj.place_path = obj.place.path
        super().save_model(request, obj, form, change)
        audit_change(
            actor=request.user,
            action="team_update" if change else "team_create",
            target=obj,
            changes={f: ["", str(form.cleaned_data.get(f))] for f in form.changed_data},
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for membership in formset.new_objects:
            audit_change(
                actor=request.user,
                action="team_member_add",
                target=form.instance,
                changes={"person": [None, str(membership.person_id)]},
            )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owner on the profile page; here they can only be revoked."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.api_token_revoke(actor=request.user, token=token)
