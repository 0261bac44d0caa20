"""Merge the 360° timeline sources into one page, newest first."""

from datetime import date, datetime, time


def _key(event):
    value = event.get("date")
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, time.min)
    return datetime.min


def merge_page(events, offset=0, limit=20):
    """Sort ``events`` by date (newest first, ties by kind, model and id for a stable order) and cut a page.

    Returns ``(page, has_more)``.
    """
    ordered = sorted(
        events,
        key=lambda e: (_key(e), e.get("kind") or "", e.get("model") or "", e.get("res_id") or 0),
        reverse=True,
    )
    page = ordered[offset : offset + limit]
    return page, len(ordered) > offset + limit
