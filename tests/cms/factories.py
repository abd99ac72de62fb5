"""Wagtail's own models as the site uses them (wagtail-factories underneath): pages saved as
editors save them, the portal's section pages, documents and images.

- ``PublishedPageFactory``: the base of every page factory of the suite. The page is added under
  ``parent`` and saved with a revision, published unless ``published=False`` or ``draft=True``
  (then a draft revision of a page that is not live).
- ``PlainPageFactory(title=...)``: a page of no particular kind under the home page (a portal
  column, say).
- ``SectionPageFactory(body=[block, ...])``: a portal section page under the home page, composed
  of the given blocks (``{"type": ..., "value": ...}``).
- ``DocumentFactory()`` / ``ImageFactory()``: a small PDF ``form.pdf`` / a 40×30 PNG ``step.png``
  in the root collection.
"""

from __future__ import annotations

import json

import factory
import wagtail_factories
from wagtail.models import Collection, Site

from portal.models import SectionPage


def home_page():
    """The default site's root page: the portal's home page."""
    return Site.objects.get(is_default_site=True).root_page.specific


class PublishedPageFactory(wagtail_factories.PageFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"测试页面{n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    parent = factory.LazyFunction(home_page)
    live = False

    class Params:
        # A trait cannot replace a post-generation declaration; it passes it a keyword instead.
        draft = factory.Trait(published__draft=True)

    @factory.post_generation
    def published(obj, create, extracted, draft=False, **kwargs):
        """A revision, published unless ``published=False`` (or ``draft=True``)."""
        if not create:
            return
        revision = obj.save_revision()
        if not (draft or extracted is False):
            revision.publish()
        obj.refresh_from_db()


class PlainPageFactory(PublishedPageFactory):
    class Meta:
        model = "wagtailcore.Page"


class SectionPageFactory(PublishedPageFactory):
    class Meta:
        model = SectionPage

    title = "测试栏目"
    slug = factory.Sequence(lambda n: f"lanmu-{n}")
    body = factory.LazyFunction(list)

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        kwargs["body"] = json.dumps(list(kwargs["body"]), ensure_ascii=False)
        return kwargs


def root_collection() -> Collection:
    return Collection.get_first_root_node()


class DocumentFactory(wagtail_factories.DocumentFactory):
    title = "申请表"
    collection = factory.LazyFunction(root_collection)  # not a second root, as the base class makes
    file = factory.django.FileField(filename="form.pdf", data=b"%PDF-1.4 test")


class ImageFactory(wagtail_factories.ImageFactory):
    title = "示意图"
    collection = factory.LazyFunction(root_collection)
    file = factory.django.ImageField(filename="step.png", width=40, height=30, color="white", format="PNG")
