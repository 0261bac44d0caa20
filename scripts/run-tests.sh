#!/usr/bin/env bash
# The suite's one test command (named in README.md, called by .ci/run).
#
#   bash scripts/run-tests.sh            # Odoo module tests (if Odoo 18 is importable), then pytest tests/
#   MODULES=crm_leads bash scripts/run-tests.sh    # only some modules (their dependencies install too)
#   SKIP_ODOO=1 bash scripts/run-tests.sh          # only the checks that need no Odoo
#   SKIP_CORE=1 bash scripts/run-tests.sh          # without Odoo's own tests and the uninstall check
#
# With Odoo, after the suite's own tests (tours included) on a fresh database with demo data, the same
# database serves two more steps: Odoo's own tests of the modules the suite extends, in the fully loaded
# registry (scripts/odoo_core_tests.py; failures that also happen without the suite are listed in
# scripts/odoo_core_known_failures.txt), then the install pick-up and uninstall check
# (scripts/odoo_uninstall_check.py).
#
# Environment: PYTHON (python3), PGHOST (127.0.0.1), PGPORT (5432), ODOO_DB_USER/ODOO_DB_PASSWORD (odoo/odoo),
# ODOO_TEMPLATE_DB (optional: a database with the dependencies installed, copied instead of an empty one),
# KEEP_DB=1 keeps the throwaway database, ODOO_EXTRA_ARGS are appended to odoo's command line.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
PY=${PYTHON:-python3}
ALL_MODULES=crm_leads,crm_sales_flow,crm_inventory_link,crm_service
MODULES=${MODULES:-$ALL_MODULES}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
DB_USER=${ODOO_DB_USER:-odoo}
DB_PASSWORD=${ODOO_DB_PASSWORD:-odoo}
LOG_DIR="$ROOT/.odoo-test-logs"
status=0

say() { printf '%s\n' "$*"; }

# --- tools the checks need (ruff, pylint-odoo, pytest) -------------------------------------------
if ! "$PY" -c "import pytest, pylint_odoo, ruff, freezegun, yaml, xlwt, xlrd, openpyxl, xlsxwriter, phonenumbers, websocket" >/dev/null 2>&1; then
    say "run-tests: installing the development tools from requirements-dev.txt"
    "$PY" -m pip install -q --disable-pip-version-check -r requirements-dev.txt >/dev/null 2>&1 \
        || "$PY" -m pip install -q --disable-pip-version-check -r requirements-dev.txt
fi

# --- Odoo module tests ----------------------------------------------------------------------------
odoo_ok=0
odoo_why=""
if [ -n "${SKIP_ODOO:-}" ]; then
    odoo_why="SKIP_ODOO is set"
elif ! "$PY" -c "import odoo" >/dev/null 2>&1; then
    odoo_why="python module 'odoo' is not importable by $PY"
elif ! "$PY" -c "import odoo, sys; sys.exit(0 if odoo.release.version_info[0] == 18 else 1)" >/dev/null 2>&1; then
    odoo_why="the importable odoo is not version 18"
else
    odoo_ok=1
fi

pg_admin() {
    # Run psql as a superuser: the postgres role over TCP (trust), else the local socket as postgres.
    psql -h "$PGHOST" -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -tAq "$@" 2>/dev/null \
        || su postgres -c "psql -p $PGPORT -v ON_ERROR_STOP=1 -tAq $(printf '%q ' "$@")" 2>/dev/null
}

ensure_postgres() {
    if ! pg_isready -h "$PGHOST" -p "$PGPORT" -q 2>/dev/null; then
        say "run-tests: PostgreSQL is not answering on $PGHOST:$PGPORT, trying to start the local cluster"
        if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
            pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | tail -n1)" main start >/dev/null 2>&1 || true
        fi
        for _ in $(seq 1 30); do
            pg_isready -h "$PGHOST" -p "$PGPORT" -q 2>/dev/null && break
            sleep 1
        done
    fi
    pg_isready -h "$PGHOST" -p "$PGPORT" -q 2>/dev/null || return 1
    # Odoo gets a role of its own, allowed to create its databases.
    if ! PGPASSWORD="$DB_PASSWORD" psql -h "$PGHOST" -p "$PGPORT" -U "$DB_USER" -d postgres -tAqc 'select 1' >/dev/null 2>&1; then
        pg_admin -d postgres -c "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD'" >/dev/null \
            || pg_admin -d postgres -c "ALTER ROLE \"$DB_USER\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD'" >/dev/null
    fi
    PGPASSWORD="$DB_PASSWORD" psql -h "$PGHOST" -p "$PGPORT" -U "$DB_USER" -d postgres -tAqc 'select 1' >/dev/null 2>&1
}

free_port() {
    "$PY" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()"
}

# Headless Chromium for the tours (HttpCase.start_tour), from the distribution's packages.
ensure_chromium() {
    command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
        || command -v google-chrome >/dev/null 2>&1 && return 0
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        say "run-tests: installing Chromium for the browser tours (apt-get install chromium)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null 2>&1
        apt-get install -y -qq chromium >/dev/null 2>&1
    fi
    command -v chromium >/dev/null 2>&1
}

odoo_common_args() {
    printf '%s\n' -c "$ROOT/odoo.conf" --addons-path="$addons_path" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$DB_USER" --db_password="$DB_PASSWORD" \
        --http-port="$http_port" --gevent-port="$gevent_port" --workers=0 --max-cron-threads=0
}

if [ "$odoo_ok" = 1 ]; then
    if ! ensure_chromium; then
        say "run-tests: FAILED: no Chromium for the browser tours (install the 'chromium' package)"
        exit 1
    fi
    if ! ensure_postgres; then
        say "run-tests: FAILED: PostgreSQL is not reachable on $PGHOST:$PGPORT as role $DB_USER"
        exit 1
    fi
    odoo_root=$("$PY" -c "import odoo, os; print(os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))))")
    addons_path="$ROOT/addons"
    [ -d "$odoo_root/addons/crm" ] && addons_path="$addons_path,$odoo_root/addons"
    db="crm_suite_test_$(date +%s)_$$"
    export PGPASSWORD="$DB_PASSWORD"
    cleanup() {
        if [ -z "${KEEP_DB:-}" ]; then
            dropdb -h "$PGHOST" -p "$PGPORT" -U "$DB_USER" --if-exists "$db" >/dev/null 2>&1 || true
            rm -rf "$HOME/.local/share/Odoo/filestore/$db"
        fi
    }
    trap cleanup EXIT
    template_args=()
    [ -n "${ODOO_TEMPLATE_DB:-}" ] && template_args=(-T "$ODOO_TEMPLATE_DB")
    # A template in use by another copy refuses for a moment: retry.
    for try in 1 2 3 4 5 6 7 8 9 10; do
        createdb -h "$PGHOST" -p "$PGPORT" -U "$DB_USER" "${template_args[@]}" "$db" 2>/dev/null && break
        [ "$try" = 10 ] && { say "run-tests: FAILED: cannot create database $db"; exit 1; }
        sleep 3
    done
    tags=$(printf '%s' "$MODULES" | sed 's/^/\//; s/,/,\//g')
    mkdir -p "$LOG_DIR"
    log="$LOG_DIR/odoo-$db.log"
    http_port=$(free_port)
    gevent_port=$(free_port)
    say "run-tests: installing $MODULES with --test-enable on database $db (odoo from $odoo_root, log $log)"
    t0=$(date +%s)
    # shellcheck disable=SC2086
    "$PY" -m odoo -c "$ROOT/odoo.conf" --addons-path="$addons_path" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$DB_USER" --db_password="$DB_PASSWORD" \
        -d "$db" -i "$MODULES" --test-enable --test-tags="$tags" --stop-after-init \
        --http-port="$http_port" --gevent-port="$gevent_port" --workers=0 --max-cron-threads=0 \
        --log-level=info --logfile= ${ODOO_EXTRA_ARGS:-} >"$log" 2>&1
    rc=$?
    t1=$(date +%s)
    errors=$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log")
    summary=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$log" | tail -n1)
    ran=$(printf '%s' "$summary" | sed -nE 's/.* of ([0-9]+) tests/\1/p')
    failed=$(printf '%s' "$summary" | sed -nE 's/^([0-9]+) failed, ([0-9]+) error.*/\1+\2/p')
    failed=$(( ${failed:-0} ))
    ran=${ran:-0}
    if [ "$rc" != 0 ] || [ "$errors" != 0 ] || [ "$failed" != 0 ] || [ "$ran" = 0 ]; then
        say "run-tests: Odoo module tests FAILED (exit $rc, $errors ERROR/CRITICAL log lines, $failed failed of $ran tests, $((t1 - t0)) s)"
        grep -nE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) |^(FAIL|ERROR): ' "$log" | head -n 60
        say "--- last lines of $log ---"
        tail -n 40 "$log"
        status=1
    else
        say "run-tests: Odoo module tests passed: $ran tests in $((t1 - t0)) s, no ERROR in the log"
        grep -E 'odoo.tests.stats: crm_' "$log" | sed -E 's/^.*odoo.tests.stats: /    /' | head -n 20
    fi
    say "odoo: $((ran - failed)) passed, $failed failed"

    if [ -z "${SKIP_CORE:-}" ] && [ "$MODULES" = "$ALL_MODULES" ]; then
        mapfile -t common_args < <(odoo_common_args)
        core_log="$LOG_DIR/odoo-core-$db.log"
        say "run-tests: Odoo's own tests of the modules the suite extends, suite installed (log $core_log)"
        t0=$(date +%s)
        "$PY" scripts/odoo_core_tests.py -d "$db" --known scripts/odoo_core_known_failures.txt \
            -- "${common_args[@]}" --log-level=info --logfile="$core_log"
        crc=$?
        t1=$(date +%s)
        if [ "$crc" != 0 ]; then
            say "run-tests: Odoo's own tests FAILED with the suite installed ($((t1 - t0)) s)"
            grep -nE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) .*(FAIL|ERROR):' "$core_log" | head -n 40
            status=1
        else
            say "run-tests: Odoo's own tests passed with the suite installed ($((t1 - t0)) s)"
        fi
        # The web intake on a server with several databases and none picked: a real server, the database
        # named in the address (scripts/odoo_intake_db_check.py).
        if ! LOG_DIR="$LOG_DIR" "$PY" scripts/odoo_intake_db_check.py -d "$db" -- "${common_args[@]}"; then
            say "run-tests: intake check on a multi-database server FAILED"
            status=1
        fi
        uninstall_log="$LOG_DIR/odoo-uninstall-$db.log"
        if ! "$PY" scripts/odoo_uninstall_check.py -d "$db" -- "${common_args[@]}" --logfile="$uninstall_log"; then
            say "run-tests: install pick-up or uninstall check FAILED (log $uninstall_log)"
            tail -n 30 "$uninstall_log"
            status=1
        fi
    fi
else
    say "run-tests: SKIPPED the Odoo module tests: $odoo_why (install Odoo 18 into $PY to run them)."
fi

# --- checks that need no Odoo ---------------------------------------------------------------------
"$PY" -m pytest -q tests/
prc=$?
if [ "$prc" != 0 ]; then
    status=1
fi
exit $status
