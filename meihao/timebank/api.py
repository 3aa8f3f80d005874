"""The time bank part of the JSON API (mounted at /api/v1/timebank/)."""

from ninja import Router

router = Router()
