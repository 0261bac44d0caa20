#!/usr/bin/env python3
"""Check the web intake on a server with several databases, where no host, cookie or option picks one.

    python3 scripts/odoo_intake_db_check.py -d DB [--port PORT] [-- odoo options]

DB has crm_leads installed. The check adds an intake source to DB, makes an empty second database so
that Odoo cannot fall back to its single database, and starts a real Odoo server with crm_leads loaded
server-wide (``--load=base,web,crm_leads``, as README says for such servers). Then, as a website would:

- ``POST /crm_leads/intake`` names no database: Odoo answers 404 (no database is picked);
- ``POST /crm_leads/intake/DB`` with the source's token creates the lead in DB (202 ``{"ok": true}``);
- ``POST /crm_leads/intake/<missing>`` and ``/crm_leads/intake/<the empty database>`` answer a JSON 404.

The server log must hold no ERROR line. The second database, the source and the lead are removed at
the end. Exit 1 on the first problem.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

EMAIL = "intake-db-check@example.com"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--port", type=int, default=0, help="HTTP port of the server (a free one if 0)")
    parser.add_argument("odoo_args", nargs=argparse.REMAINDER, help="options passed to Odoo's configuration")
    args = parser.parse_args(argv)
    if args.odoo_args[:1] == ["--"]:
        args.odoo_args = args.odoo_args[1:]
    return args


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_env(database, func):
    import odoo
    from odoo.modules.registry import Registry

    with Registry(database).cursor() as cr:
        return func(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}))


def make_source(env):
    source = env["crm.lead.intake.source"].create({"name": "Multi-database check"})
    return source.id, source.token


def remove_records(source_id):
    def remove(env):
        env["crm.lead"].with_context(active_test=False).search([("email_from", "=", EMAIL)]).unlink()
        env["crm.lead.intake.source"].browse(source_id).unlink()

    return remove


def lead_names(env):
    return env["crm.lead"].search([("email_from", "=", EMAIL)]).mapped("name")


def admin_sql(sql):
    from odoo import sql_db

    conn = sql_db.db_connect("postgres")
    with conn.cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(sql)


def post(url, token, payload):
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "X-Intake-Token": token},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def start_server(odoo_args, port, logfile):
    command = [sys.executable, "-m", "odoo", *odoo_args, "--load=base,web,crm_leads"]
    command += [f"--http-port={port}", f"--gevent-port={free_port()}", "--workers=0"]
    command += ["--max-cron-threads=0", f"--logfile={logfile}", "--log-level=info"]
    server = subprocess.Popen(command)
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("intake db check: the server did not start")


def expect(label, got, status, error=None):
    code, body = got
    ok = code == status and (error is None or json.loads(body).get("error") == error)
    print(f"intake db check: {label}: {code} {body[:80]!r} ({'ok' if ok else 'UNEXPECTED'})")
    return ok


def run_posts(base, database, other, token):
    payload = {"name": "Lead named by its database", "email": EMAIL}
    return all(
        [
            expect("no database named", post(f"{base}/crm_leads/intake", token, payload), 404),
            expect("database named", post(f"{base}/crm_leads/intake/{database}", token, payload), 202),
            expect(
                "missing database",
                post(f"{base}/crm_leads/intake/{database}_missing", token, payload),
                404,
                "unknown_database",
            ),
            expect(
                "database without the suite",
                post(f"{base}/crm_leads/intake/{other}", token, payload),
                404,
                "unknown_database",
            ),
        ]
    )


def log_errors(logfile):
    with open(logfile, encoding="utf-8", errors="replace") as log:
        return [line for line in log if " ERROR " in line or " CRITICAL " in line]


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from odoo.tools import config

    config.parse_config(args.odoo_args)
    port = args.port or free_port()
    other = f"{args.database}_intake_other"
    logfile = os.path.join(os.environ.get("LOG_DIR", "/tmp"), f"odoo-intake-db-{args.database}.log")
    if os.path.exists(logfile):
        os.remove(logfile)  # Odoo appends to its log file
    source_id, token = with_env(args.database, make_source)
    admin_sql(f'CREATE DATABASE "{other}"')
    server = start_server(args.odoo_args, port, logfile)
    try:
        ok = run_posts(f"http://127.0.0.1:{port}", args.database, other, token)
    finally:
        server.terminate()
        server.wait(30)
        admin_sql(f'DROP DATABASE IF EXISTS "{other}"')
    names = with_env(args.database, lead_names)
    with_env(args.database, remove_records(source_id))
    errors = log_errors(logfile)
    print(f"intake db check: leads in {args.database}: {names}; ERROR lines: {len(errors)} ({logfile})")
    if not ok or names != ["Lead named by its database"] or errors:
        print("".join(errors[:20]))
        print("intake db check: FAILED")
        return 1
    print("intake db check: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
