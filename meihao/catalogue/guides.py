"""A guide as one value: what the editor sends, what the demo loads, what a version keeps."""

from dataclasses import asdict, dataclass, field, fields


@dataclass(frozen=True)
class MaterialSpec:
    name: str
    form: str = ""
    note: str = ""
    held: str = ""
    has_form: bool = False


@dataclass(frozen=True)
class Guide:
    name: str
    item_type: str
    department_id: int
    issuer_code: str
    implementing_body: str
    level: str
    legal_basis: str
    statutory_days: int
    promised_days: int
    conditions: str
    steps: str
    fees: str
    place_hours: str
    phone: str
    complaint: str
    aliases: str = ""
    community_assists: bool = False
    route: str = "department:decide"
    certificate: str = ""
    faq: str = ""
    visits: int = 1
    online: bool = False
    is_active: bool = True
    materials: tuple[MaterialSpec, ...] = ()
    life_events: tuple[str, ...] = field(default=())
    # The application form's own fields (cases.formschema's subset of JSON Schema): what the
    # office needs to know beyond the materials (household size, monthly income ...).
    form_schema: dict = field(default_factory=dict)

    def item_values(self) -> dict:
        """The guide's columns of ServiceItem (everything but materials and life events)."""
        skip = {"department_id", "materials", "life_events"}
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        values["department_id"] = self.department_id
        return values

    def snapshot(self) -> dict:
        """The JSON a version stores."""
        data = asdict(self)
        data["materials"] = [asdict(m) for m in self.materials]
        data["life_events"] = sorted(self.life_events)
        return data


def guide_of(item) -> Guide:
    """The guide an item holds now (its materials and life events read from the database)."""
    values = {
        f.name: getattr(item, f.name)
        for f in fields(Guide)
        if f.name not in {"materials", "life_events"}
    }
    materials = tuple(
        MaterialSpec(name=m.name, form=m.form, note=m.note, held=m.held, has_form=m.has_form)
        for m in item.materials.all()
    )
    events = tuple(sorted(e.event for e in item.life_events.all()))
    return Guide(**values, materials=materials, life_events=events)
