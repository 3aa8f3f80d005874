"""The one Open311 write: file a service request as a case (cases.services.case_submit)."""

from django.db import transaction

from meihao.cases.models import Case, CaseEvent
from meihao.cases.open311.selectors import NOTE_ACTION, Service
from meihao.cases.services import case_submit


@transaction.atomic
def open311_request_submit(
    *,
    actor,
    service: Service,
    description: str,
    lat: float | None = None,
    lon: float | None = None,
    place=None,
    address: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    data: dict | None = None,
    media_url: str = "",
    email: str = "",
    device_id: str = "",
) -> Case:
    """File the request through `case_submit` (channel: transfer), as the api_key's account.

    What the client sent beyond the case's fields (the photo's media_url, the reporter's email,
    the device id) is kept on the case's timeline as a note, in the same transaction; staff see
    it there. Open311 never shows it back: its media_url is a photo staff made public.
    """
    case = case_submit(
        actor=actor,
        case_type=service.case_type,
        category=service.category,
        description=description,
        lat=lat,
        lon=lon,
        place=place,
        address=address,
        channel=Case.Channel.TRANSFER,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        data=data,
    )
    details = {
        key: value
        for key, value in (("media_url", media_url), ("email", email), ("device_id", device_id))
        if value
    }
    if details:
        CaseEvent.objects.create(
            case=case,
            actor=actor,
            created_at=case.created_at,
            action=NOTE_ACTION,
            from_status=case.status,
            to_status=case.status,
            note="\n".join(f"{key}: {value}" for key, value in details.items()),
            data={"source": "open311", **details},
        )
    return case
