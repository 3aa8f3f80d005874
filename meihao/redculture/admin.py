"""Back-office screens for the red-culture map (the Django admin, for the district's staff).
Forms check with the services' own cleaners and saving goes through the services: the same
rules (inside the district; a route's stops published sites, each once) and the same audit
trail as every other caller. Nothing is deleted here: a record is taken off by unpublishing."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from meihao.core.errors import ValidationFailed
from meihao.redculture import services
from meihao.redculture.models import Block, FlagStreet, Route, Site


def _form_error(form: forms.ModelForm, exc: ValidationFailed) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


class _Checked(forms.ModelForm):
    """A form whose `check(data)` is a service's cleaner: its refusal is the form's error."""

    def check(self, data: dict) -> None:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                self.check(data)
            except ValidationFailed as exc:
                _form_error(self, exc)
        return data


class SiteForm(_Checked):
    class Meta:
        model = Site
        fields = ["name", "kind", "description", "lat", "lon", "published"]

    def check(self, data):
        services.site_fields(
            **{k: data.get(k) for k in ("name", "kind", "description")},
            lat=data.get("lat"),
            lon=data.get("lon"),
        )


class BlockForm(_Checked):
    class Meta:
        model = Block
        fields = ["name", "theme", "boundary", "published"]
        widgets = {"boundary": forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"})}

    def check(self, data):
        services.block_fields(
            name=data.get("name"), theme=data.get("theme"), boundary=data.get("boundary")
        )


class FlagStreetForm(_Checked):
    class Meta:
        model = FlagStreet
        fields = ["name", "note", "line", "published"]
        widgets = {"line": forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"})}

    def check(self, data):
        services.flag_street_fields(
            name=data.get("name"), note=data.get("note"), line=data.get("line")
        )


class RouteForm(_Checked):
    stops = forms.CharField(
        label=_("stops"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The sites' codes in the order they are walked, one a line."),
    )

    class Meta:
        model = Route
        fields = ["name", "description", "published"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            codes = self.instance.stops.order_by("order").values_list("site__code", flat=True)
            self.initial["stops"] = "\n".join(codes)

    def check(self, data):
        services.route_fields(name=data.get("name"), description=data.get("description"))
        codes = [line.strip() for line in (data.get("stops") or "").splitlines() if line.strip()]
        found = Site.objects.in_bulk(codes, field_name="code")
        missing = [code for code in codes if code not in found]
        if missing:
            raise ValidationFailed(
                _("No site has the code %(code)s.") % {"code": missing[0]}, field="stops"
            )
        data["stop_sites"] = [found[code] for code in codes]


class _ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "published", "place_path"]
    list_filter = ["published"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {k: v for k, v in form.cleaned_data.items() if k in self.written}
        if change:
            stored = type(obj).objects.get(pk=obj.pk)
            saved = self.update(request.user, stored, data)
        else:
            saved = self.create(request.user, data)
        obj.pk = saved.pk
        self.after(request, saved, form)
        if saved.published != form.cleaned_data["published"]:
            services.set_published(
                actor=request.user, record=saved, published=form.cleaned_data["published"]
            )
        obj.refresh_from_db()

    def after(self, request, saved, form) -> None:
        """Anything written besides the record (a route's stops)."""


@admin.register(Site)
class SiteAdmin(_ServiceAdmin):
    form = SiteForm
    list_display = ["name", "kind", "code", "published", "place_path"]
    list_filter = ["published", "kind"]
    search_fields = ["name", "code"]
    written = ("name", "kind", "description", "lat", "lon")

    def create(self, actor, data):
        return services.site_create(actor=actor, **data)

    def update(self, actor, site, data):
        return services.site_update(actor=actor, site=site, **data)


@admin.register(Block)
class BlockAdmin(_ServiceAdmin):
    form = BlockForm
    written = ("name", "theme", "boundary")

    def create(self, actor, data):
        return services.block_create(actor=actor, **data)

    def update(self, actor, block, data):
        return services.block_update(actor=actor, block=block, **data)


@admin.register(FlagStreet)
class FlagStreetAdmin(_ServiceAdmin):
    form = FlagStreetForm
    written = ("name", "note", "line")

    def create(self, actor, data):
        return services.flag_street_create(actor=actor, **data)

    def update(self, actor, street, data):
        return services.flag_street_update(actor=actor, street=street, **data)


@admin.register(Route)
class RouteAdmin(_ServiceAdmin):
    form = RouteForm
    written = ("name", "description")

    def create(self, actor, data):
        return services.route_create(actor=actor, **data)

    def update(self, actor, route, data):
        return services.route_update(actor=actor, route=route, **data)

    def after(self, request, saved, form):
        sites = form.cleaned_data["stop_sites"]
        if [s.pk for s in sites] != list(
            saved.stops.order_by("order").values_list("site_id", flat=True)
        ):
            services.route_set_stops(actor=request.user, route=saved, sites=sites)
