#!/usr/bin/env python3
"""Benchmark: the crm_leads lead import (background job, dedup) vs Odoo's base_import of the same CSV.

Copies the template database (``--template``) into a throwaway one, installs crm_leads, inserts
``--existing`` leads, builds one CSV of ``--rows`` leads (Name, Email, Phone, Company, Country, Employees)
where one row in ten repeats the email of an earlier row of the file and the first ``--existing`` rows
are leads already in the database, then times

* the crm_leads import wizard: a file above the threshold is queued as a background import
  (crm.import.job), run here as the import cron runs it, in committed batches, to its end (job total time:
  reading the file, dedup against the file and the database, bulk creation, completion of the existing
  leads, scoring at each commit);
* ``base_import.import.execute_import`` of the same CSV into crm.lead (Odoo's import: no dedup, every
  row a new lead),

prints both times and the ratio, and drops the database.

    python3 bench/crm_leads_import.py --rows 50000
"""

import argparse
import time

from _import_jobs import b64, base_import, report_ratio, run_job
from _odoo_env import add_arguments, import_odoo, throwaway_database

HEADER = ["Name", "Email", "Phone", "Company", "Country", "Employees"]
COUNTRIES = ["Belgium", "France", "China", "Germany", "United States"]


def build_csv(rows, dup_every=10):
    lines = [",".join(HEADER)]
    for i in range(rows):
        key = i - 1 if i and i % dup_every == 0 else i  # a duplicate of the previous row's email
        lines.append(
            f"Lead {i},imp{key}@example.com,+32 2 {i % 10_000_000:07d},Company {i % 5000},"
            f"{COUNTRIES[i % len(COUNTRIES)]},{i % 500}"
        )
    return ("\n".join(lines) + "\n").encode()


def insert_existing(env, count):
    env.cr.execute(
        """INSERT INTO crm_lead (name, type, active, email_from, email_normalized, company_id, team_id,
                                  create_date, write_date, create_uid, write_uid)
           SELECT 'Existing ' || g, 'lead', true, 'imp' || g || '@example.com', 'imp' || g || '@example.com',
                  (SELECT min(id) FROM res_company), (SELECT min(id) FROM crm_team), now(), now(), 1, 1
             FROM generate_series(0, %s - 1) AS g""",
        [count],
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=50_000, help="rows of the file (default %(default)s)")
    parser.add_argument("--existing", type=int, default=5000, help="rows already leads (default %(default)s)")
    parser.add_argument(
        "--batch", type=int, default=2000, help="rows per committed batch (default %(default)s)"
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=0,
        help="base_import only the first N rows and extrapolate linearly (default: all the rows)",
    )
    parser.add_argument("--skip-base-import", action="store_true", help="time only the crm_leads import")
    add_arguments(parser, "crm_leads_import")
    args = parser.parse_args()

    odoo = import_odoo()
    log_args = ["--log-level=warn"]
    content = build_csv(args.rows)
    with throwaway_database(args, "crm_leads", log_args) as registry:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            insert_existing(env, args.existing)
            env["ir.config_parameter"].set_param("crm_leads.import_batch_size", args.batch)
            env["ir.config_parameter"].set_param("crm_leads.import_background_threshold", 0)
            cr.commit()
        with registry.cursor() as cr:
            admin = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})["res.users"].browse(2)
            env = odoo.api.Environment(cr, admin.id, {})
            t0 = time.perf_counter()
            wizard = env["crm.lead.import.wizard"].create({"file": b64(content), "filename": "leads.csv"})
            wizard.action_load()
            wizard.action_import()
            cr.commit()
            answer = time.perf_counter() - t0
            job = wizard.job_id
            ours = answer + run_job(env, job)
            print(
                f"crm_leads import of {args.rows} rows ({args.existing} already leads, 1 in 10 a "
                f"duplicate in the file): answer in {answer:.2f} s, job total {ours:.1f} s: "
                f"created {job.created_count}, updated {job.updated_count}, rejected {job.rejected_count}"
            )
        if args.skip_base_import:
            return
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, 2, {})
            fields = ["name", "email_from", "phone", "partner_name", "country_id", "employee_count"]
            sample = min(args.sample or args.rows, args.rows)
            theirs, count, errors = base_import(env, "crm.lead", build_csv(sample), fields, HEADER)
            print(
                f"base_import execute_import of the same CSV: {theirs:.1f} s, {count} leads, {errors} errors"
            )
        report_ratio(theirs, ours, sample, args.rows, "rows", "crm_leads import (50k goal < 60 s)")


if __name__ == "__main__":
    main()
