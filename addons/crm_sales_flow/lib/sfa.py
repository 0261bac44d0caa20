"""SFA stage to-dos, without Odoo."""

from dateutil.relativedelta import relativedelta

DELAY_UNITS = ("days", "weeks", "months")


def todo_deadline(entered, delay_count, delay_unit="days"):
    """Due date of a stage to-do: ``delay_count`` units after ``entered`` (the day the stage was entered).

    Always forward, whatever a plan template says about "before plan date": a to-do of a stage never
    arrives overdue. A negative or empty delay counts as 0 (due the day the stage was entered).
    """
    if delay_unit not in DELAY_UNITS:
        raise ValueError(f"unknown delay unit {delay_unit!r}")
    return entered + relativedelta(**{delay_unit: max(int(delay_count or 0), 0)})
