"""Helpers for the guide suites: guides and bundles placed and published as editors would."""

from __future__ import annotations

import pytest

from guides.models import BundleGuidePage, BundleMember, GuidePage, GuideSectionPage
from matters.models import Material, Matter


def section_of(department) -> GuideSectionPage:
    return GuideSectionPage.objects.get(department=department)


def make_guide(matter: Matter, *, title: str | None = None, publish: bool = True, body=None) -> GuidePage:
    """A guide for ``matter`` in its department's section, published unless told otherwise."""
    guide = GuidePage(
        title=title or f"{matter.name}办事指南",
        slug=f"g{matter.pk}",
        matter=matter,
        summary="测试指南",
        body=body or [],
        live=False,
    )
    section_of(matter.department).add_child(instance=guide)
    revision = guide.save_revision()
    if publish:
        revision.publish()
        guide.refresh_from_db()
    return guide


def make_bundle(department, members, *, slug: str = "bundle", promised_total=None, windows_note="") -> BundleGuidePage:
    """A published bundle in ``department``'s section; ``members`` are (matter, stage) pairs."""
    bundle = BundleGuidePage(title="测试“一件事”", slug=slug, promised_total=promised_total, windows_note=windows_note)
    bundle.members = [BundleMember(matter=m, stage=stage, sort_order=i) for i, (m, stage) in enumerate(members)]
    section_of(department).add_child(instance=bundle)
    bundle.save_revision().publish()
    bundle.refresh_from_db()
    return bundle


def publish_change(matter: Matter, **fields) -> Matter:
    """Publish a new version of the matter with some fields changed (as a reviewer would)."""
    draft = matter.get_latest_revision_as_object()
    materials = fields.pop("materials", None)
    for name, value in fields.items():
        setattr(draft, name, value)
    if materials is not None:
        draft.materials = materials
    draft.save_revision().publish()
    matter.refresh_from_db()
    return matter


def with_materials(matter: Matter, count: int) -> Matter:
    """Publish the matter with ``count`` distinct materials."""
    return publish_change(matter, materials=[Material(name=f"材料{i:02d}", source="applicant") for i in range(count)])


@pytest.fixture
def guide(world) -> GuidePage:
    return make_guide(world.matters["own"])
