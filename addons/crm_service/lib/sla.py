"""SLA deadlines on working intervals, in one sweep for many tickets (no Odoo import).

A calendar is given as its working intervals ``(start, end)`` over a window (holidays already
removed), the tickets as ``(start, hours)``. The cumulative working time at the start and at the
end of each interval is computed once; each ticket is then placed with two bisections, so a batch
of ``n`` tickets on ``m`` intervals costs ``O(m + n log m)`` instead of one calendar walk per ticket.
"""

from bisect import bisect_left, bisect_right
from datetime import timedelta


def prepare_intervals(intervals):
    """Sort and merge ``(start, end)`` intervals; drop empty ones. Returns a list of tuples."""
    merged = []
    for start, end in sorted((s, e) for s, e in intervals if e > s):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


class WorkTimeline:
    """Cumulative working seconds over merged intervals, for fast 'start + N working hours'."""

    def __init__(self, intervals):
        self.intervals = prepare_intervals(intervals)
        self.starts = [s for s, _e in self.intervals]
        self.ends = [e for _s, e in self.intervals]
        self.cum_start = []  # working seconds before the interval
        self.cum_end = []  # working seconds up to the end of the interval
        total = 0.0
        for start, end in self.intervals:
            self.cum_start.append(total)
            total += (end - start).total_seconds()
            self.cum_end.append(total)

    def worked_before(self, moment):
        """Working seconds of the timeline before ``moment``, and the first interval index ending after it."""
        i = bisect_right(self.ends, moment)
        if i == len(self.intervals):
            return (self.cum_end[-1] if self.cum_end else 0.0), i
        offset = self.cum_start[i]
        if moment > self.starts[i]:
            offset += (moment - self.starts[i]).total_seconds()
        return offset, i

    def add_hours(self, moment, hours):
        """``moment`` plus ``hours`` working hours, or None when the timeline is too short."""
        offset, i = self.worked_before(moment)
        if i == len(self.intervals):
            return None
        target = offset + hours * 3600.0
        j = bisect_left(self.cum_end, target, lo=i)
        if j == len(self.intervals):
            return None
        return self.starts[j] + timedelta(seconds=target - self.cum_start[j])

    def working_hours_between(self, start, end):
        """Working hours between two moments (0 when ``end`` is before ``start``)."""
        if end <= start:
            return 0.0
        return (self.worked_before(end)[0] - self.worked_before(start)[0]) / 3600.0


def compute_deadlines(intervals, requests):
    """Deadlines of many tickets on one calendar.

    :param intervals: iterable of ``(start, end)`` working intervals (datetimes), holidays removed
    :param requests: list of ``(start, hours)``; ``hours`` None or negative gives None
    :return: list of deadlines (same order as ``requests``); None where the intervals do not reach
    """
    timeline = WorkTimeline(intervals)
    result = []
    for start, hours in requests:
        if start is None or hours is None or hours < 0:
            result.append(None)
        else:
            result.append(timeline.add_hours(start, hours))
    return result


def match_policy(policies, team_id, type_id, priority):
    """Pick the SLA policy of a ticket: the most specific match of team, type and priority.

    :param policies: list of dicts ``{"id", "team_id", "type_id" (or None), "priority" (or None),
        "sequence"}``; None on type/priority means "any"
    :return: the policy id, or None
    """
    best = None
    best_key = None
    for policy in policies:
        if policy["team_id"] != team_id:
            continue
        if policy.get("type_id") and policy["type_id"] != type_id:
            continue
        if policy.get("priority") and policy["priority"] != priority:
            continue
        specificity = bool(policy.get("type_id")) + bool(policy.get("priority"))
        key = (-specificity, policy.get("sequence") or 0, policy["id"])
        if best_key is None or key < best_key:
            best, best_key = policy["id"], key
    return best


def is_breached(deadline, done, now):
    """A target is breached when it was met after its deadline, or is still open past it."""
    if not deadline:
        return False
    if done:
        return done > deadline
    return now > deadline


def working_hours_batch(intervals, pairs):
    """Working hours between ``(start, end)`` of many pairs on one calendar (None without both bounds)."""
    timeline = WorkTimeline(intervals)
    return [timeline.working_hours_between(s, e) if s and e else None for s, e in pairs]


def subtract_periods(intervals, periods):
    """Working ``intervals`` minus the ``periods`` ``(start, end)`` (end None: open, up to forever).

    The SLA clock of a ticket runs on its calendar's working intervals, except while it is paused.
    """
    result = prepare_intervals(intervals)
    for p_start, p_end in periods:
        cut = []
        for start, end in result:
            if end <= p_start or (p_end is not None and start >= p_end):
                cut.append((start, end))
                continue
            if start < p_start:
                cut.append((start, p_start))
            if p_end is not None and end > p_end:
                cut.append((p_end, end))
        result = cut
    return result


def compute_paused_deadlines(intervals, requests):
    """Deadlines of tickets whose SLA clock was paused.

    :param requests: list of ``(start, hours, pauses)``; ``pauses`` a list of ``(start, end)``, end None
        while the ticket is still paused
    :return: list of deadlines; None where the target is not reached before an open pause (the clock is
        stopped: the deadline is set again on resume), or when the intervals do not reach
    """
    result = []
    for start, hours, pauses in requests:
        if start is None or hours is None or hours < 0:
            result.append(None)
            continue
        result.append(WorkTimeline(subtract_periods(intervals, pauses)).add_hours(start, hours))
    return result


def paused_working_hours(intervals, start, end, pauses):
    """Working hours between ``start`` and ``end`` on the SLA clock (paused periods left out)."""
    if not (start and end):
        return None
    return WorkTimeline(subtract_periods(intervals, pauses)).working_hours_between(start, end)


def sla_status(deadlines, now, risk_ratio=0.25):
    """``breached``, ``at_risk`` or ``ok`` for the open targets of a ticket.

    :param deadlines: list of ``(start, deadline, done, breached)``: a target is at risk when it is open
        and less than ``risk_ratio`` of the time from its start to its deadline remains
    """
    status = "ok"
    for start, deadline, done, breached in deadlines:
        if breached:
            return "breached"
        if done or not deadline or not start:
            continue
        total = (deadline - start).total_seconds()
        if total > 0 and (deadline - now).total_seconds() < risk_ratio * total:
            status = "at_risk"
    return status
