"""The volunteers part of the JSON API (mounted at /api/v1/volunteers/)."""

from ninja import Router

router = Router()
