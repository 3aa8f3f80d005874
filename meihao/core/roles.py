"""The roles a person can hold, and which roles may do what: decided here, once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    STREET_CHIEF = "street_chief", _("Street chief")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    VOLUNTEER = "volunteer", _("Volunteer")
    PARTY_MEMBER = "party_member", _("Party member")
    LEGAL_ADVISOR = "legal_advisor", _("Legal advisor")
    POLICE_OFFICER = "police_officer", _("Community police officer")
    MERCHANT_STAFF = "merchant_staff", _("Merchant staff")
    CARE_PROVIDER = "care_provider", _("Care provider")


# Roles whose scope is an organisation rather than a place; their place scope is the
# organisation's own place (a district department covers the district).
ORGANISATION_ROLES = frozenset({Role.DEPARTMENT_STAFF, Role.MERCHANT_STAFF, Role.CARE_PROVIDER})

# Roles that work with residents' records inside their place scope (网格员, 社区, 街道, 区).
PEOPLE_VIEWERS = frozenset(
    {Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_CHIEF, Role.DISTRICT_ADMIN}
)
# Of those, who may edit residents, import them and see an ID number unmasked (audited).
PEOPLE_EDITORS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_CHIEF, Role.DISTRICT_ADMIN})
# Who may edit the place tree itself (boundaries, buildings, venues).
PLACE_EDITORS = frozenset({Role.DISTRICT_ADMIN})
