"""The activities part of the JSON API (mounted at /api/v1/activities/)."""

from ninja import Router

router = Router()
