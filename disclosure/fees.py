"""信息处理费: 《政府信息公开信息处理费管理办法》(国办函〔2020〕109号), under art. 42 of the Regulations.

Requests are normally free. Where one applicant's requests clearly exceed a reasonable number, the
agency may charge either per request (按件) or per page (按量) — never both for one request:

- per request: one applicant's requests to this agency in one calendar month, counted by the keyed
  hash of the applicant's ID number (so the number itself is never read): up to 10 free, the 11th
  to the 30th 100 元 each, then each further band of 10 requests 100 元 more each;
- per page: up to 30 pages free, pages 31–100 at 10 元, 101–200 at 20 元, beyond 200 at 40 元.

The tiers are settings (``DISCLOSURE_FEE_PER_REQUEST``, ``DISCLOSURE_FEE_PER_PAGE``). A merged
duplicate is not a request of its own, so it is not counted.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from .request_models import DisclosureRequest


def position_in_month(request: DisclosureRequest) -> int:
    """Which request of the month this is for its applicant at this agency (1 for the first).

    Ordered by receipt date, then by entry; the month is the receipt date's calendar month.
    """
    day = request.received_date
    same = DisclosureRequest.objects.filter(
        department_id=request.department_id,
        id_number_hash=request.id_number_hash,
        received_date__year=day.year,
        received_date__month=day.month,
        merged_into__isnull=True,
    ).order_by("received_date", "submitted_at", "pk")
    for position, pk in enumerate(same.values_list("pk", flat=True), start=1):
        if pk == request.pk:
            return position
    return same.count() + 1


def per_request_fee(position: int, tiers: dict | None = None) -> Decimal:
    """The fee of the ``position``-th request of a month (0 within the free allowance)."""
    tiers = tiers or settings.DISCLOSURE_FEE_PER_REQUEST
    if position <= tiers["free"]:
        return Decimal(0)
    if position <= tiers["first_band_end"]:
        return Decimal(tiers["rate"])
    bands_above = (position - tiers["first_band_end"] - 1) // tiers["band"] + 1
    return Decimal(tiers["rate"] + bands_above * tiers["step"])


def per_page_fee(pages: int, tiers: list | None = None) -> Decimal:
    """The fee for ``pages`` pages of one request: each page at the rate of its band."""
    tiers = tiers or settings.DISCLOSURE_FEE_PER_PAGE
    total, lower = Decimal(0), 0
    for upper, rate in tiers:
        top = pages if upper is None else min(pages, upper)
        if top > lower:
            total += Decimal(top - lower) * Decimal(str(rate))
        if upper is None or pages <= upper:
            break
        lower = upper
    return total


def free_pages(tiers: list | None = None) -> int:
    tiers = tiers or settings.DISCLOSURE_FEE_PER_PAGE
    return next((upper for upper, rate in tiers if rate == 0 and upper is not None), 0)


def fee_basis(method: str, position: int, pages: int | None) -> str:
    """The sentence of the fee notice that says how the amount was reached."""
    if method == "per_request":
        tiers = settings.DISCLOSURE_FEE_PER_REQUEST
        return f"您本月向本机关提出的第{position}件政府信息公开申请，超过每月{tiers['free']}件的免费范围，按件计收"
    return f"本申请需提供的政府信息共{pages}页，超过{free_pages()}页的免费范围，按量计收"
