"""Benchmark: SLA deadlines of many tickets, crm_service's batch engine vs per-ticket plan_hours.

Copies the template database (``--template``) into a throwaway one, installs crm_service, adds a few
holidays to the company calendar, then computes the resolution deadline of N tickets (random
start in a year, random target in working hours):

- batch: service.ticket._sla_compute_deadlines (one _work_intervals_batch fetch + lib/sla.py sweep);
- Odoo: resource.calendar.plan_hours(hours, start, compute_leaves=True), one call per ticket, timed
  on a sample and extrapolated to N (it is far too slow to run 100k times).

The results of both are compared on the sample. The database is dropped at the end.

    python3 bench/crm_service_sla.py --tickets 100000 --sample 2000
"""

import argparse
import random
import time
from datetime import datetime, timedelta

from _odoo_env import add_arguments, import_odoo, throwaway_database


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=100000, help="tickets (default %(default)s)")
    parser.add_argument("--sample", type=int, default=2000, help="tickets timed with plan_hours")
    parser.add_argument("--seed", type=int, default=42)
    add_arguments(parser, "crm_service_sla")
    args = parser.parse_args()

    odoo = import_odoo()
    with throwaway_database(args, "crm_service") as registry:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            calendar = env.company.resource_calendar_id
            calendar_label = f"{calendar.name}, {calendar.tz}"
            year = datetime.now().year
            for month, day in [(1, 1), (5, 1), (10, 1), (10, 2), (10, 3), (12, 25)]:
                env["resource.calendar.leaves"].create(
                    {
                        "name": f"Holiday {month}-{day}",
                        "calendar_id": calendar.id,
                        "date_from": datetime(year, month, day),
                        "date_to": datetime(year, month, day, 23, 59, 59),
                    }
                )
            rnd = random.Random(args.seed)
            start0 = datetime(year, 1, 1)
            requests = [
                (
                    start0 + timedelta(seconds=rnd.randrange(0, 365 * 86400)),
                    rnd.choice([1, 2, 4, 8, 16, 24, 40]),
                )
                for _i in range(args.tickets)
            ]
            Ticket = env["service.ticket"]
            env.invalidate_all()
            t0 = time.perf_counter()
            deadlines = Ticket._sla_compute_deadlines(calendar, requests)
            t_batch = time.perf_counter() - t0

            sample = requests[: min(args.sample, len(requests))]
            env.invalidate_all()
            t0 = time.perf_counter()
            planned = [calendar.plan_hours(h, s, compute_leaves=True) for s, h in sample]
            t_plan = time.perf_counter() - t0
            t_plan_full = t_plan / len(sample) * len(requests)

            mismatches = sum(
                1
                for got, exp in zip(deadlines, planned, strict=False)
                if abs((got - exp).total_seconds()) >= 1
            )
            cr.rollback()
        print(f"tickets: {len(requests)}  (calendar {calendar_label}, 6 holidays)")
        print(f"batch engine (_sla_compute_deadlines): {t_batch:.3f} s")
        print(
            f"plan_hours per ticket: {t_plan:.3f} s for {len(sample)} tickets -> "
            f"{t_plan_full:.1f} s for {len(requests)}"
            + ("" if len(sample) == len(requests) else " (extrapolated from the sample)")
        )
        print(f"mismatches on the sample: {mismatches}/{len(sample)}")
        print(f"ratio plan_hours / batch: {t_plan_full / t_batch:.1f}x")


if __name__ == "__main__":
    main()
