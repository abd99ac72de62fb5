"""The API router: every endpoint under /api/v1/ is registered here."""

from rest_framework.routers import DefaultRouter

from matters.api import MatterViewSet

router = DefaultRouter()
router.register("matters", MatterViewSet, basename="matter")
