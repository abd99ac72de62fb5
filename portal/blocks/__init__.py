"""StreamField blocks editors compose portal pages from (see docs/portal-pages.md)."""

from .base import PortalLinks, SectionBlock, portal_links
from .content import BannerBlock, HeadingBlock, QuickLinksBlock, TextBlock
from .disclosure import DisclosureListBlock
from .halls import HallNoticesBlock, HallsBlock
from .matters import BundlesBlock, DepartmentsBlock, MatterListBlock, StatsBlock, ThemesBlock
from .stream import PortalStreamBlock

__all__ = [
    "BannerBlock",
    "BundlesBlock",
    "DepartmentsBlock",
    "DisclosureListBlock",
    "HallNoticesBlock",
    "HallsBlock",
    "HeadingBlock",
    "MatterListBlock",
    "PortalLinks",
    "PortalStreamBlock",
    "QuickLinksBlock",
    "SectionBlock",
    "StatsBlock",
    "TextBlock",
    "ThemesBlock",
    "portal_links",
]
