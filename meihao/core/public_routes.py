"""Every route needs a log-in (`LoginRequiredMiddleware`) unless it is named here with the reason.

A view is opened with `django.contrib.auth.decorators.login_not_required`, and only together with
an entry here: `core/tests/test_public_routes.py` walks the whole URL resolver and fails for an
opened view that is not listed, and for a listed name that no longer is an open route.

Two kinds of open route:
- PUBLIC: anyone may use it without an account.
- AUTHENTICATES_ITSELF: it needs a user, but answers an anonymous caller itself with a JSON 401
  that a program understands, instead of the log-in page a browser is redirected to.
"""

from django.contrib.auth.decorators import login_not_required

PUBLIC = {
    "login": "the log-in page",
    "admin:login": "the admin site's own log-in form (locked out by axes like the main one)",
    "accounts:register": "a resident's self-registration with an SMS code",
    "accounts:login_code": "log-in with an SMS code, the other way to log in",
    "accounts:password_reset": "password reset with an SMS code: for who cannot log in",
    "accounts:logged_out": "the page saying you are logged out, shown after the session ended",
    "set_language": "the language switch, offered on the log-in page",
    "healthz": "load balancers' probe: an anonymous caller learns only ok or not ok",
    "cases:public": "the public list and map of reviewed cases (审核后公开)",
    "cases:public_detail": "one case of the public list, anonymised",
    "cases:photo": "checks visibility itself: anyone gets the EXIF-free copy of a public case's "
    "photo, everyone else a 404",
    "cases:manifest": "the reporting app's web manifest: browsers fetch it without cookies",
    "cases:service_worker": "the reporting app's service worker: static file names and strings",
    "places:base_map": "the self-drawn base map under every map (the public case map too): "
    "names and outlines of streets, communities and grids, positions of venues and buildings, "
    "as a paper map shows them; no people, no counts",
    "bulletins:list": "the information column (信息公开): published notices, as on a notice board",
    "bulletins:detail": "one published notice; drafts and scheduled ones answer 404",
    "culture:showcases": "the showcases (精品) of the district's cultural life: published "
    "write-ups of events held, no people",
    "culture:photo": "a published showcase's photo, the EXIF-free copy or its thumbnail; a "
    "withdrawn showcase's answer 404",
    "catalogue:list": "the service catalogue (办事指南): guides are public, as on the counter's "
    "leaflets",
    "catalogue:detail": "one published service guide; unpublished items answer 404",
    "catalogue:poster": "a guide's printable poster with its QR code",
    "catalogue:blank_form": "a published guide's blank form to print (a PDF drawn from the "
    "guide, no personal data)",
    "service_short": "the short link of a poster's QR code, redirecting to the guide",
    "egov:publicity": "the public notice (公示) of applications the rules require to be "
    "publicised (低保): family name only, community and item, no ID numbers",
    "document": "an electronic document's verify page, by the token of its QR code: the "
    "standing and a masked summary only; rate-limited per address",
    "petitions:index": "the published questions and answers of online petitions (问政回复), "
    "personal details removed by their publisher, with the petitioner's consent",
    "petitions:track": "following a petition by its query code: kind, topic, title, state and "
    "the reply, never the petitioner or what they wrote; rate-limited per address",
    "redculture:map": "the red-culture map (红色文化地图): published sites, themed blocks, flag "
    "streets and routes, as on the district's signboards",
    "redculture:route": "a published red-culture route: its stops in order and the guided visits",
    "redculture:site": "a published red-culture site: what the QR code on its plaque opens",
    "redculture:site_qr": "the QR code of a published site's page, for the plaque",
    "redculture:photo": "a published site's photo, the EXIF-free copy or its thumbnail; an "
    "unpublished site's answer 404",
    "wall:screen": "the wall screen (数据大屏) a kiosk opens by its display token: counts and "
    "points rounded to about 100 m, no personal data; the token is checked on every request, "
    "an unknown or revoked one draws the refusal; rate-limited per address",
    "volunteers:verify": "certificate verification by the token printed on the certificate",
    "open311:discovery": "GeoReport v2 discovery: public by the spec",
    "open311:services": "GeoReport v2 service list: public by the spec",
    "open311:service": "GeoReport v2 service definition: public by the spec",
    "open311:requests": "GeoReport v2: reads are public (anonymised); a POST needs an api_key",
    "open311:request": "GeoReport v2: one public request, anonymised",
    "open311:token": "GeoReport v2: a submitter follows their token to the request id",
    "api:openapi-json": "the API's description (no data): for integrators and schema tests",
    "api:openapi-view": "the API's interactive documentation (no data)",
    "api:api-root": "Ninja's root: always 404, it only anchors the API's URLs",
    "api:no_such_path": "the rest of the API's address space: a JSON 404, whoever asks",
}

AUTHENTICATES_ITSELF = {
    "api:*": "the JSON API: a bearer token or the session, else a JSON 401 (every operation "
    "declares its auth; the test checks each)",
    "wall:data": "the wall screen's poll, by its display token: a JSON 401 (unknown) or 403 "
    "(revoked) tells the screen to stop; rate-limited per address",
    "patrols:start": "the patrol phone's JSON endpoint: a JSON 401 lets its queue keep the points",
    "patrols:points": "the patrol phone's JSON endpoint: a JSON 401 lets its queue keep the points",
    "patrols:end": "the patrol phone's JSON endpoint: a JSON 401 lets its queue keep the points",
}


def authenticating_itself(urls):
    """Open every route of an included URL configuration (a Ninja API's `api.urls`) to
    anonymous requests, because its views answer them with their own 401."""
    patterns, app_name, namespace = urls
    for pattern in patterns:
        login_not_required(pattern.callback)
    return patterns, app_name, namespace
