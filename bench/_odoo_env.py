"""What the benchmark scripts share: finding Odoo, its command line, and the throwaway database.

* Odoo is the one ``python3`` imports (``import odoo``); the addons path is this repository's ``addons``
  plus ``<odoo root>/addons`` when that folder exists (a source checkout; a pip-installed Odoo keeps its
  addons inside the package), the odoo root being the folder above the ``odoo`` package. ``--addons-path``
  replaces it.
* Each run copies a template database (``CREATE DATABASE ... TEMPLATE``, the template's filestore with it)
  into a throwaway one, installs the benchmarked module from this checkout into the copy with
  ``python3 -m odoo -i <module> --stop-after-init``, hands the script a registry of it, and drops the
  database and its filestore at the end (``--keep`` keeps them).
* The template holds the Odoo modules the suite depends on (their dependencies, with Odoo 18's default
  demo data: the crm_leads bench uses the demo lead tags), not the suite's own modules, so every run
  measures the code of this checkout. When it does not exist it is built once under that name, which
  takes a few minutes, and kept for the next runs (``dropdb <name>`` removes it).
  ``--template ''`` copies no template: each run builds everything in its own database.

Not a benchmark itself (imported by ``bench/*.py``, which run with ``bench/`` on ``sys.path``).
"""

import ast
import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ROOT / "addons"

TEMPLATE_HELP = (
    "template database copied for each run (env ODOO_TEMPLATE_DB, default %(default)s); built once and kept "
    "if it does not exist (Odoo modules the suite depends on, with demo data, a few minutes); '' = none"
)


class BenchError(Exception):
    """A setup failure reported in one line, without a traceback."""


def say(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


EPILOG = """\
Odoo is the one this python imports (`import odoo`, version 18); the script stops with a one-line error
when there is none. The benchmarked module is installed from this checkout into a copy of the template
database; the copy (and its filestore) is dropped at the end unless --keep. When the template does not
exist, the script builds it under that name (the Odoo modules the suite depends on, with Odoo's demo
data; about a minute or a few) and keeps it for later runs of any of the benchmarks: `dropdb <name>`
removes it. See bench/README.md.
"""


def add_arguments(parser, name):
    """The options every benchmark has: database connection, template, throwaway database, addons path."""
    parser.epilog = EPILOG
    group = parser.add_argument_group("Odoo and PostgreSQL")
    group.add_argument(
        "--template", default=os.environ.get("ODOO_TEMPLATE_DB", "crm_tmpl"), help=TEMPLATE_HELP
    )
    group.add_argument(
        "--db", default=f"bench_{name}_{os.getpid()}", help="throwaway database (default %(default)s)"
    )
    group.add_argument("--keep", "--keep-db", action="store_true", help="keep the throwaway database")
    group.add_argument(
        "--db-host", default=os.environ.get("PGHOST", "127.0.0.1"), help="env PGHOST, default %(default)s"
    )
    group.add_argument(
        "--db-port",
        type=int,
        default=int(os.environ.get("PGPORT") or 5432),
        help="env PGPORT, default %(default)s",
    )
    group.add_argument(
        "--db-user",
        default=os.environ.get("ODOO_DB_USER", "odoo"),
        help="env ODOO_DB_USER, default %(default)s",
    )
    group.add_argument(
        "--db-password",
        default=os.environ.get("ODOO_DB_PASSWORD", "odoo"),
        help="env ODOO_DB_PASSWORD, default %(default)s",
    )
    group.add_argument(
        "--addons-path",
        help=f"comma-separated addons folders given to Odoo (default: {ADDONS} plus <odoo root>/addons when "
        "it exists, the odoo root being the folder above the importable odoo package)",
    )


def import_odoo():
    """The importable Odoo 18, or exit with a one-line explanation."""
    try:
        import odoo
    except ImportError as exc:
        sys.exit(
            f"error: Odoo is not importable by {sys.executable} ({exc}). Install Odoo 18 for this Python "
            "(e.g. `pip install -e /path/to/odoo`, or a .pth file naming the checkout) and run again."
        )
    version = odoo.release.version_info[0]
    if version != 18:
        sys.exit(
            f"error: the odoo imported from {odoo.__file__} is version {version}, these benchmarks need 18"
        )
    return odoo


def addons_path(args, odoo):
    if args.addons_path:
        return ",".join(os.path.abspath(p.strip()) for p in args.addons_path.split(",") if p.strip())
    odoo_root = Path(odoo.__file__).resolve().parent.parent
    paths = [ADDONS]
    if (odoo_root / "addons").is_dir():
        paths.append(odoo_root / "addons")
    return ",".join(str(p) for p in paths)


def odoo_args(args, odoo, db):
    """Odoo's command-line options for ``db`` (connection and addons path)."""
    result = [f"--addons-path={addons_path(args, odoo)}"]
    if args.db_host:
        result.append(f"--db_host={args.db_host}")
    return [
        *result,
        f"--db_port={args.db_port}",
        f"--db_user={args.db_user}",
        f"--db_password={args.db_password}",
        f"--database={db}",
    ]


def template_modules():
    """The Odoo modules this suite depends on (the manifests' ``depends`` outside this repository)."""
    manifests = {
        path.parent.name: ast.literal_eval(path.read_text(encoding="utf-8"))
        for path in ADDONS.glob("*/__manifest__.py")
    }
    return sorted({dep for m in manifests.values() for dep in m.get("depends", ()) if dep not in manifests})


@contextlib.contextmanager
def _postgres(args):
    """An autocommit connection to the ``postgres`` database, for CREATE / ALTER / DROP DATABASE."""
    import psycopg2

    try:
        cnx = psycopg2.connect(
            dbname="postgres",
            host=args.db_host or None,
            port=args.db_port,
            user=args.db_user,
            password=args.db_password,
        )
    except psycopg2.OperationalError as exc:
        where = f"{args.db_host or 'the local socket'}:{args.db_port}"
        raise BenchError(f"cannot connect to PostgreSQL at {where} as {args.db_user}: {exc}".strip())
    cnx.autocommit = True
    try:
        yield cnx.cursor()
    finally:
        cnx.close()


def _exists(args, db):
    with _postgres(args) as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
        return bool(cr.fetchone())


def _run_odoo(args, odoo, db, extra, what):
    cmd = [sys.executable, "-m", "odoo", *odoo_args(args, odoo, db), *extra]
    cmd += ["--stop-after-init", "--log-level=warn", "--max-cron-threads=0", "--workers=0"]
    res = subprocess.run(cmd, check=False)
    if res.returncode:
        raise BenchError(f"{what} failed (odoo exited with {res.returncode}, its log is above)")


def drop_db(args, db, filestore):
    """Drop ``db`` (closing this process's connections to it, and ending any other) and its filestore."""
    from psycopg2 import sql

    from odoo.modules.registry import Registry
    from odoo.sql_db import close_db

    Registry.delete(db)
    close_db(db)
    with _postgres(args) as cr:
        force = sql.SQL(" WITH (FORCE)" if cr.connection.server_version >= 130000 else "")
        cr.execute(sql.SQL("DROP DATABASE IF EXISTS {}{}").format(sql.Identifier(db), force))
    shutil.rmtree(filestore(db), ignore_errors=True)


def ensure_template(args, odoo, filestore):
    """Build the template database when it does not exist (under a temporary name, renamed at the end)."""
    import psycopg2
    from psycopg2 import sql

    if not args.template or _exists(args, args.template):
        return
    modules = ",".join(template_modules())
    building = f"{args.template}_building_{os.getpid()}"
    say(
        f"template database {args.template!r} does not exist: building it once (Odoo modules {modules}, "
        f"with demo data; a minute or a few); later runs copy it, `dropdb {args.template}` removes it"
    )
    t0 = time.perf_counter()
    try:
        # Odoo creates the database itself (from template0, C collation) and initialises it.
        _run_odoo(args, odoo, building, ["-i", modules], f"building the template {args.template}")
        with _postgres(args) as cr:
            try:
                cr.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(building), sql.Identifier(args.template)
                    )
                )
            except psycopg2.errors.DuplicateDatabase:
                say(f"template {args.template} was built meanwhile by another run: using that one")
        if os.path.isdir(filestore(building)) and not os.path.exists(filestore(args.template)):
            os.rename(filestore(building), filestore(args.template))
    finally:
        drop_db(args, building, filestore)  # nothing left of it once renamed, the half-built base if not
    say(f"template {args.template} built in {time.perf_counter() - t0:.0f} s")


def create_db(args, filestore):
    """``args.db`` as a copy of the template (retried: a template in use by another copy refuses a while)."""
    import psycopg2
    from psycopg2 import sql

    statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
        sql.Identifier(args.db), sql.Identifier(args.template)
    )
    for attempt in range(10):
        try:
            with _postgres(args) as cr:
                cr.execute(statement)
            break
        except psycopg2.errors.ObjectInUse:
            if attempt == 9:
                raise BenchError(f"cannot create {args.db}: template {args.template} stays in use")
            time.sleep(3)
        except psycopg2.Error as exc:
            raise BenchError(f"cannot create {args.db} from template {args.template}: {exc}".strip())
    source, target = filestore(args.template), filestore(args.db)
    if os.path.isdir(source) and not os.path.exists(target):
        shutil.copytree(source, target)


@contextlib.contextmanager
def throwaway_database(args, module, log_args=("--log-level=warn",)):
    """Copy the template into ``args.db``, install ``module`` from this checkout into it, configure this
    process's Odoo for it (``log_args`` are Odoo's logging options here) and yield its registry; drop the
    database at the end unless ``args.keep``. Setup failures exit with a one-line message."""
    odoo = import_odoo()
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config([*odoo_args(args, odoo, args.db), *log_args])
    filestore = config.filestore
    created = False
    try:
        try:
            if _exists(args, args.db):
                raise BenchError(f"database {args.db} already exists: name another with --db")
            ensure_template(args, odoo, filestore)
            if args.template:
                say(f"database {args.db}: a copy of {args.template}, installing {module}")
                create_db(args, filestore)
                created = True
            else:
                say(f"database {args.db}: a new one, installing {module} and its dependencies")
                created = True
            _run_odoo(args, odoo, args.db, ["-i", module], f"installing {module} into {args.db}")
        except BenchError as exc:
            sys.exit(f"error: {exc}")
        yield Registry(args.db)
    finally:
        if created and not args.keep:
            try:
                drop_db(args, args.db, filestore)
                say(f"dropped {args.db}")
            except BenchError as exc:
                say(f"could not drop {args.db}: {exc}")
        elif created:
            say(f"kept {args.db}")
