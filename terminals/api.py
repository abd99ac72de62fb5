"""The feeds staff define (数据订阅), served at /api/v1/feeds/<slug>/."""

from __future__ import annotations

from api import collections, registry

from .feeds import FeedResourceViewSet
from .models import Feed

collections.register("feeds", "数据订阅")
collections.track(Feed, ("feeds",), m2m=("departments", "halls", "terms", "matter_types", "classifications"))
registry.register_viewset("feeds", FeedResourceViewSet, basename="feed")
