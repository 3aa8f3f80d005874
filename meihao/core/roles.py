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
    COUNSELLOR = "counsellor", _("Counsellor")


# Roles whose scope is an organisation rather than a place; their place scope is the
# organisation's own place (a district department covers the district).
ORGANISATION_ROLES = frozenset({Role.DEPARTMENT_STAFF, Role.MERCHANT_STAFF, Role.CARE_PROVIDER})

# The groups below are the product's vocabulary: an app names what a group may do in its own
# words (organise, dispatch, review, manage) but uses these sets, so "who runs a place" is
# decided here once.

# The officials of the place tree (社区工作人员, 街道负责人, 区管理员): inside the subtree they
# cover they edit residents, organise activities, dispatch cases, review wishes and look after
# volunteers, time banks and partner merchants.
OFFICIALS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_CHIEF, Role.DISTRICT_ADMIN})
# The officials above the community: they supervise (extensions, parking, voiding, escalations)
# and set up street-level bodies.
SUPERVISORS = frozenset({Role.STREET_CHIEF, Role.DISTRICT_ADMIN})
# The officials and the grid workers (网格员): everyone who works a place on the ground; they see
# its residents and every case in it, and verify what was done.
PLACE_WORKERS = OFFICIALS | {Role.GRID_WORKER}
# Who serves residents at a counter and may file an application for one (代办): the officials
# of the resident's places and the staff of the department competent for the item.
COUNTER_STAFF = OFFICIALS | {Role.DEPARTMENT_STAFF}
# Who cares for the elders of a place (云家庭): registers them, records who may act for them,
# assesses them and reads their health notes — the officials covering the elder's home. Grid
# workers visit but do not read health notes.
ELDER_CARE = OFFICIALS
# Who may edit the place tree itself (boundaries, buildings, venues).
PLACE_EDITORS = frozenset({Role.DISTRICT_ADMIN})
# Who reports problems as part of the role (上报): residents and volunteers about where they live,
# grid workers on patrol, community police from their beat.
REPORTERS = frozenset({Role.RESIDENT, Role.GRID_WORKER, Role.VOLUNTEER, Role.POLICE_OFFICER})
# The roles of people who live in the community rather than work for it: their home page is
# their community's services, not a work list.
COMMUNITY_MEMBERS = frozenset({Role.RESIDENT, Role.VOLUNTEER, Role.PARTY_MEMBER})
