"""The factories live with their app's tests (``tests/<app>/factories.py``); this module only
re-exports the most used ones for older imports."""

from __future__ import annotations

from .matters.factories import MatterFactory, term
from .permissions.factories import DepartmentFactory, MembershipFactory, UserFactory

__all__ = ["DepartmentFactory", "MatterFactory", "MembershipFactory", "UserFactory", "term"]
