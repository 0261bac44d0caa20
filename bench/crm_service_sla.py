"""Benchmark: SLA deadlines of many tickets, crm_service's batch engine vs per-ticket plan_hours.

Creates a throwaway database from a template (createdb -T), installs crm_service, adds a few
holidays to the company calendar, then computes the resolution deadline of N tickets (random
start in a year, random target in working hours):

- batch: service.ticket._sla_compute_deadlines (one _work_intervals_batch fetch + lib/sla.py sweep);
- Odoo: resource.calendar.plan_hours(hours, start, compute_leaves=True), one call per ticket, timed
  on a sample and extrapolated to N (it is far too slow to run 100k times).

The results of both are compared on the sample. The database is dropped at the end.

    python3 bench/crm_service_sla.py --tickets 100000 --sample 2000
"""

import argparse
import contextlib
import os
import random
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pg_env(args):
    env = dict(os.environ, PGPASSWORD=args.db_password)
    return env


def _pg(args, *cmd):
    base = [cmd[0], "-h", args.db_host, "-p", str(args.db_port), "-U", args.db_user, *cmd[1:]]
    subprocess.run(base, check=True, env=_pg_env(args), capture_output=True)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=100000)
    parser.add_argument("--sample", type=int, default=2000, help="tickets timed with plan_hours")
    parser.add_argument("--template", default="crm_tmpl")
    parser.add_argument("--db", default=f"bench_crm_service_sla_{os.getpid()}")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--db-port", default=5432, type=int)
    parser.add_argument("--db-user", default="odoo")
    parser.add_argument("--db-password", default="odoo")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    import odoo
    from odoo.modules.registry import Registry

    odoo_root = Path(odoo.__file__).resolve().parent.parent
    addons_path = f"{ROOT / 'addons'},{odoo_root / 'addons'}"
    conn = [
        f"--db_host={args.db_host}",
        f"--db_port={args.db_port}",
        f"--db_user={args.db_user}",
        f"--db_password={args.db_password}",
    ]
    _pg(args, "createdb", "-T", args.template, args.db)
    try:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "odoo",
                f"--addons-path={addons_path}",
                *conn,
                "-d",
                args.db,
                "-i",
                "crm_service",
                "--stop-after-init",
                "--http-port=0",
                "--log-level=warn",
                "--max-cron-threads=0",
            ],
            check=True,
        )
        odoo.tools.config.parse_config(
            [f"--addons-path={addons_path}", *conn, "-d", args.db, "--log-level=warn"]
        )
        registry = Registry(args.db)
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
    finally:
        with contextlib.suppress(Exception):
            Registry.delete(args.db)
        with contextlib.suppress(Exception):
            odoo.sql_db.close_db(args.db)
        _pg(args, "dropdb", "--if-exists", args.db)


if __name__ == "__main__":
    main()
