"""RFM scoring (recency, frequency, monetary) of customers, without Odoo."""

import math
from bisect import bisect_left, bisect_right

SEGMENTS = (
    ("champion", "Champions"),
    ("loyal", "Loyal"),
    ("potential", "Potential loyalists"),
    ("new", "New customers"),
    ("at_risk", "At risk"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
)


def rank_scores(values, higher_is_better=True, buckets=5):
    """``{key: 1..buckets}`` by rank: the share of the customers whose value this one equals or beats.
    Ties share one score (the best of their group): nine customers who all bought yesterday all get 5."""
    data = sorted(values.values())
    total = len(data)
    scores = {}
    for key, value in values.items():
        equalled = bisect_right(data, value) if higher_is_better else total - bisect_left(data, value)
        scores[key] = max(1, math.ceil(buckets * equalled / total))
    return scores


def _score(value, edges):
    return bisect_right(edges, value) + 1 if edges else 3


def segment(r, f, m):
    """Segment from the three 1..5 scores (classic RFM grid)."""
    if r >= 4 and f >= 4:
        return "champion"
    if r >= 3 and f >= 3:
        return "loyal"
    if r >= 4 and f <= 1:
        return "new"
    if r >= 3:
        return "potential"
    if r == 2 and (f >= 3 or m >= 4):
        return "at_risk"
    if r == 2:
        return "hibernating"
    if f >= 3 or m >= 4:
        return "at_risk"
    return "lost"


def score_customers(stats, today, thresholds=None):
    """Score customers.

    ``stats``: ``{key: (last_date, frequency, monetary)}``. ``thresholds`` optionally gives fixed cut points
    ``{"recency": [days...], "frequency": [...], "monetary": [...]}`` (ascending, 4 values); otherwise
    each dimension is scored by rank among the customers (:func:`rank_scores`). A smaller recency (in
    days) is better. Returns ``{key: {"recency_days", "r", "f", "m", "segment"}}``.
    """
    thresholds = thresholds or {}
    recency = {k: (today - v[0]).days for k, v in stats.items()}
    dimensions = {
        "recency": (recency, False),
        "frequency": ({k: v[1] for k, v in stats.items()}, True),
        "monetary": ({k: v[2] for k, v in stats.items()}, True),
    }
    scores = {}
    for name, (values, higher_is_better) in dimensions.items():
        edges = thresholds.get(name)
        if edges:
            scored = {k: _score(v, edges) for k, v in values.items()}
            scores[name] = scored if higher_is_better else {k: 6 - s for k, s in scored.items()}
        else:
            scores[name] = rank_scores(values, higher_is_better) if values else {}
    result = {}
    for key in stats:
        r, f, m = (scores[name][key] for name in ("recency", "frequency", "monetary"))
        result[key] = {"recency_days": recency[key], "r": r, "f": f, "m": m, "segment": segment(r, f, m)}
    return result
