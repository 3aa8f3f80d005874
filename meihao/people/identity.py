"""Deriving the stored forms of an ID-card number. Used by services and by bulk loaders alike."""

from meihao.core import idcard, pii


def id_number_fields(number: str) -> dict:
    """The encrypted, hashed and masked columns for a validated, normalised ID number."""
    if not number:
        return {"id_number_encrypted": "", "id_number_hash": "", "id_number_masked": ""}
    normalised = idcard.normalise(number)
    return {
        "id_number_encrypted": pii.encrypt(normalised),
        "id_number_hash": pii.search_hash(normalised),
        "id_number_masked": pii.mask_id_number(normalised),
    }
