"""The micro-wishes part of the JSON API (mounted at /api/v1/wishes/)."""

from ninja import Router

router = Router()
