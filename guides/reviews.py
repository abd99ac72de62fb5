"""Staleness: a guide is flagged when a matter it is built on changed after its last review.

A review is recorded when a guide is published (publishing needs the department reviewer, so
every publication is reviewed) and when a reviewer confirms a guide after its matter changed
without editing it. The flag is computed from the matters' current version and status against
what was recorded, so it appears on the next request after the matter changes, with no job.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from wagtail.models import Page, TaskState

from .models import (
    BundleGuidePage,
    GuidePage,
    GuideReview,
    ReviewedMatter,
    bundle_stale_annotation,
    guide_stale_annotation,
)
from .notice import describe_changes

GUIDE_MODELS = (GuidePage, BundleGuidePage)


def record_review(page, user=None) -> GuideReview:
    """Record that ``page`` (a guide or bundle) now agrees with its matters as they are."""
    page = page.specific
    with transaction.atomic():
        staged = page.staged_matters()
        snapshot = page.build_notice(staged).snapshot()
        review, _ = GuideReview.objects.select_for_update().update_or_create(
            page_id=page.pk,
            defaults={"reviewed_at": timezone.now(), "reviewed_by": user, "snapshot": snapshot},
        )
        ReviewedMatter.objects.filter(page_id=page.pk).delete()
        ReviewedMatter.objects.bulk_create(
            [
                ReviewedMatter(review=review, page_id=page.pk, matter=m, version=m.version, status=m.status)
                for m in {m.pk: m for _, m in staged}.values()
            ]
        )
    return review


def is_stale(page) -> bool:
    """Has any matter of this live guide changed (content or status) since its last review?"""
    page = page.specific
    if not page.live or not isinstance(page, GUIDE_MODELS):
        return False
    annotation = guide_stale_annotation() if isinstance(page, GuidePage) else bundle_stale_annotation()
    return type(page).objects.filter(pk=page.pk).filter(annotation).exists()


def changes_since_review(page) -> list[str]:
    """What the notice says now that it did not say at the last review."""
    page = page.specific
    review = GuideReview.objects.filter(page_id=page.pk).first()
    if review is None:
        return ["尚无核对记录"]
    return describe_changes(review.snapshot, page.build_notice().snapshot())


def stale_guides(pages: QuerySet | None = None) -> list[Page]:
    """Live guides and bundles among ``pages`` whose matters changed since the last review."""
    base = pages if pages is not None else Page.objects.all()
    ids = base.values("pk")
    guides = GuidePage.objects.live().filter(pk__in=ids).filter(guide_stale_annotation()).select_related("matter")
    bundles = BundleGuidePage.objects.live().filter(pk__in=ids).filter(bundle_stale_annotation())
    return sorted([*guides, *bundles], key=lambda p: p.path)


def reviewer_of(revision) -> object | None:
    """Who approved this revision in the workflow, else whoever saved it (a publisher)."""
    state = (
        TaskState.objects.filter(revision=revision, status=TaskState.STATUS_APPROVED)
        .select_related("finished_by")
        .order_by("-finished_at")
        .first()
    )
    if state is not None and state.finished_by_id:
        return state.finished_by
    return revision.user if revision is not None else None


def on_page_published(sender, instance, revision=None, **kwargs) -> None:
    record_review(instance, reviewer_of(revision))


def connect_signals() -> None:
    from wagtail.signals import page_published

    for model in GUIDE_MODELS:
        page_published.connect(on_page_published, sender=model, dispatch_uid=f"guides-review-{model.__name__}")
