"""The sales funnel in pipeline order, with stage-to-stage conversion rates, without Odoo."""


def funnel_rows(stage_ids, counts):
    """Rows of the funnel for ``stage_ids`` in pipeline order, from ``counts`` ``{stage id: number of
    opportunities in it (open, won and lost alike)}``.

    An opportunity in a stage has passed every stage before it: it *reached* its stage and those before.
    The conversion rate of a stage is the share of the opportunities that reached it that also reached
    the next one (``None`` for the last stage, or when none reached it). Returns ``[{"stage_id",
    "current", "reached", "conversion"}]``.
    """
    rows = []
    reached = 0
    for stage_id in reversed(stage_ids):
        reached += counts.get(stage_id, 0)
        rows.append({"stage_id": stage_id, "current": counts.get(stage_id, 0), "reached": reached})
    rows.reverse()
    for row, following in zip(rows, [*rows[1:], None], strict=True):
        row["conversion"] = (
            round(100.0 * following["reached"] / row["reached"], 1) if following and row["reached"] else None
        )
    return rows
