"""The body of the home page and section pages: editorial blocks and live data blocks."""

from __future__ import annotations

from wagtail import blocks

from .content import BannerBlock, HeadingBlock, QuickLinksBlock, TextBlock
from .disclosure import DisclosureListBlock
from .halls import HallNoticesBlock, HallsBlock
from .matters import BundlesBlock, DepartmentsBlock, MatterListBlock, StatsBlock, ThemesBlock


class PortalStreamBlock(blocks.StreamBlock):
    banner = BannerBlock()
    quick_links = QuickLinksBlock()
    heading = HeadingBlock()
    text = TextBlock()
    matter_list = MatterListBlock()
    themes = ThemesBlock()
    departments = DepartmentsBlock()
    bundles = BundlesBlock()
    stats = StatsBlock()
    disclosure_list = DisclosureListBlock()
    hall_notices = HallNoticesBlock()
    halls = HallsBlock()

    class Meta:
        block_counts = {"banner": {"max_num": 3}}
