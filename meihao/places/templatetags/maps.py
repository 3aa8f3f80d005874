"""`{% load maps %}`: what every page with a map includes, so that all maps share one script
(places/static/places/maps.js), the self-drawn base map and the optional tile service.

    {% block head %}{% map_head %}{% endblock %}
    {% block scripts %}{% map_scripts %}<script src="…the page's map script…">…{% endblock %}
"""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("places/_map_head.html")
def map_head():
    return {}


@register.inclusion_tag("places/_map_scripts.html")
def map_scripts():
    return {
        "map_config": {
            "baseMapUrl": reverse("places:base_map"),
            "searchUrl": reverse("places:map_search"),
            "tiles": settings.PLACES_TILES.as_config(),
            # Leaflet guesses its image folder from leaflet.css, which fails once the manifest
            # storage has renamed the images (marker-icon.<hash>.png): hand it their names.
            "markerIcon": {
                "iconUrl": static("vendor/leaflet/images/marker-icon.png"),
                "iconRetinaUrl": static("vendor/leaflet/images/marker-icon-2x.png"),
                "shadowUrl": static("vendor/leaflet/images/marker-shadow.png"),
            },
        }
    }
