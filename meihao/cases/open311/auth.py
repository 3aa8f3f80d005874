"""Open311 `api_key`: a personal API token (people.ApiToken) of the client's account.

An Open311 client (a city app, a hotline system) gets an account of its own, holding the
resident role at the district, and an API token created for it (profile page, or the demo
seed). GeoReport v2 sends the key as the form field `api_key` rather than in a header, so it is
read from the POST body (or, for clients that put it there, the query string). Reports are
filed as that account: case types decide whether it may submit, like for any other user.
"""

from meihao.people.auth import user_for_token


def client_for_request(request):
    """The active account owning the request's api_key, or None (missing, unknown, revoked)."""
    key = request.POST.get("api_key") or request.GET.get("api_key") or ""
    return user_for_token(key.strip())
