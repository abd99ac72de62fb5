"""Service guides and bundles, placed in their department's guide section and published as
editors would (``draft=True`` or ``published=False``: a draft revision only).

- ``GuidePageFactory(matter=m)``: "<matter>办事指南" in the section of the matter's department
  (a new published matter when none is given); ``body=[...]`` a StreamField value.
- ``BundleGuidePageFactory(members=[(matter, stage), ...])``: a “一件事” guide in the section of
  ``department`` (by default the first member's).

``section_of(department)`` is the department's guide section.
"""

from __future__ import annotations

import factory

from guides.models import BundleGuidePage, BundleMember, GuidePage, GuideSectionPage

from ..cms.factories import PublishedPageFactory
from ..matters.factories import MatterFactory


def section_of(department) -> GuideSectionPage:
    return GuideSectionPage.objects.get(department=department)


class GuidePageFactory(PublishedPageFactory):
    class Meta:
        model = GuidePage

    matter = factory.SubFactory(MatterFactory)
    title = factory.LazyAttribute(lambda guide: f"{guide.matter.name}办事指南")
    slug = factory.LazyAttribute(lambda guide: f"g{guide.matter.pk}")
    summary = "测试指南"
    body = factory.LazyFunction(list)
    parent = factory.LazyAttribute(lambda guide: section_of(guide.matter.department))


class BundleGuidePageFactory(PublishedPageFactory):
    class Meta:
        model = BundleGuidePage

    title = "测试“一件事”"
    slug = factory.Sequence(lambda n: f"bundle-{n}")
    members = ()
    parent = factory.LazyAttribute(lambda bundle: section_of(bundle.department))

    class Params:
        department = factory.LazyAttribute(lambda bundle: bundle.members[0][0].department)

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        """``members`` are (matter, stage) pairs, in order."""
        kwargs["members"] = [
            BundleMember(matter=matter, stage=stage, sort_order=i)
            for i, (matter, stage) in enumerate(kwargs["members"])
        ]
        return kwargs
