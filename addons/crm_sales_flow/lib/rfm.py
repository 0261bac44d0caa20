"""RFM scoring (recency, frequency, monetary) of customers, without Odoo."""

from bisect import bisect_right

SEGMENTS = (
    ("champion", "Champions"),
    ("loyal", "Loyal"),
    ("potential", "Potential loyalists"),
    ("new", "New customers"),
    ("at_risk", "At risk"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
)


def quintile_edges(values, buckets=5):
    """Cut points splitting ``values`` into ``buckets`` groups of about equal size."""
    data = sorted(values)
    if not data:
        return []
    return [data[min(int(len(data) * k / buckets), len(data) - 1)] for k in range(1, buckets)]


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
    quintiles of the population. A smaller recency (in days) is better, so its score is reversed.
    Returns ``{key: {"recency_days", "r", "f", "m", "segment"}}``.
    """
    thresholds = thresholds or {}
    recency = {k: (today - v[0]).days for k, v in stats.items()}
    r_edges = thresholds.get("recency") or quintile_edges(recency.values())
    f_edges = thresholds.get("frequency") or quintile_edges(v[1] for v in stats.values())
    m_edges = thresholds.get("monetary") or quintile_edges(v[2] for v in stats.values())
    result = {}
    for key, (_last, freq, money) in stats.items():
        r = 6 - _score(recency[key], r_edges) if r_edges else 3
        f = _score(freq, f_edges)
        m = _score(money, m_edges)
        result[key] = {"recency_days": recency[key], "r": r, "f": f, "m": m, "segment": segment(r, f, m)}
    return result
