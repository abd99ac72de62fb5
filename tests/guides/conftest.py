"""Fixtures for the guide suites."""

from __future__ import annotations

import pytest

from guides.models import GuidePage

from .factories import GuidePageFactory


@pytest.fixture
def guide(world) -> GuidePage:
    return GuidePageFactory(matter=world.matters["own"])
