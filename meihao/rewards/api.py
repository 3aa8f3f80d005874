"""The rewards part of the JSON API (mounted at /api/v1/rewards/)."""

from ninja import Router

router = Router()
