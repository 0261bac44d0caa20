from datetime import timedelta
from math import ceil

from pytz import utc

from odoo import api, models

from ..lib import sla


class ServiceSlaClock(models.AbstractModel):
    """The SLA clock on a resource calendar: Odoo fetches the working intervals, lib.sla counts."""

    _name = "service.sla.clock"
    _description = "Service SLA Clock"

    @api.model
    def _fetch_intervals(self, calendar, start, end):
        """The calendar's working intervals (holidays removed) as naive UTC pairs, one fetch.

        Without a calendar the clock runs round the clock."""
        if not calendar:
            return [(start, end)]
        intervals = calendar._work_intervals_batch(utc.localize(start), utc.localize(end))[False]
        return [
            (begin.astimezone(utc).replace(tzinfo=None), stop.astimezone(utc).replace(tzinfo=None))
            for begin, stop, _meta in intervals
        ]

    @api.model
    def _place(self, intervals, requests):
        """lib.sla on ``requests`` of (start, hours, pauses): paused tickets each on their own clock."""
        plain = sla.compute_deadlines(intervals, [(s, h) if not p else (None, None) for s, h, p in requests])
        paused = sla.compute_paused_deadlines(intervals, [r if r[2] else (None, None, []) for r in requests])
        return [q if r[2] else d for r, d, q in zip(requests, plain, paused, strict=True)]

    @api.model
    def _compute_deadlines(self, calendar, requests):
        """Deadlines of ``requests`` ((start naive UTC, hours[, pauses]) tuples) on ``calendar``, batched.

        The working intervals of the calendar (its holidays removed) are fetched once over the window
        the batch needs with resource.calendar._work_intervals_batch, then lib.sla places every ticket
        (its paused periods taken off its clock). Returns naive UTC datetimes (None where hours is None,
        or where an open pause stopped the clock before the target).
        """
        requests = [(r[0], r[1], r[2] if len(r) > 2 else []) for r in requests]
        valid = [s is not None and h is not None and h >= 0 for s, h, _p in requests]
        if not any(valid):
            return [None] * len(requests)
        starts = [r[0] for r, ok in zip(requests, valid, strict=True) if ok]
        paused_days = max(sum(((e or s) - s).days for s, e in r[2]) for r in requests)
        hours_per_day = calendar.hours_per_day or 8.0 if calendar else 24.0
        longest = max(r[1] for r, ok in zip(requests, valid, strict=True) if ok)
        span = timedelta(days=14 + paused_days + 2 * ceil(longest / hours_per_day))
        deadlines = [None] * len(requests)
        for _attempt in range(6):
            intervals = self._fetch_intervals(calendar, min(starts) - timedelta(days=1), max(starts) + span)
            deadlines = self._place(intervals, requests)
            if all(
                d is not None or not ok or any(e is None for _s, e in r[2])
                for d, r, ok in zip(deadlines, requests, valid, strict=True)
            ):
                break
            span *= 4
        return deadlines

    @api.model
    def _working_hours(self, calendar, triples):
        """Working hours between ``(start, end, pauses)`` on ``calendar``, pauses left out (one fetch)."""
        bounds = [d for s, e, _p in triples if s and e for d in (s, e)]
        if not bounds:
            return [None] * len(triples)
        intervals = self._fetch_intervals(calendar, min(bounds), max(bounds))
        plain = sla.working_hours_batch(intervals, [(s, e) for s, e, _p in triples])
        return [
            sla.paused_working_hours(intervals, s, e, p) if p else hours
            for (s, e, p), hours in zip(triples, plain, strict=True)
        ]
