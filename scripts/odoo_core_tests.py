#!/usr/bin/env python3
"""Run Odoo's own tests of the modules the suite extends, in a fully loaded registry.

    python3 scripts/odoo_core_tests.py -d DB [--known FILE] [--report FILE] [-- odoo options]

DB already has the suite (and demo data) installed. The script loads the complete registry first
(no module is installed or updated, so no test runs while modules load), starts Odoo's HTTP server
for the tours, then runs the at_install and then the post_install tests of the modules named by
--tags, through Odoo's public test loader (``odoo.tests.loader.make_suite``). The at_install tests
therefore see every model of the suite, as they would on a live database.

A failure counts only when it is not in the --known file: failures that Odoo's own tests show on
this machine without the suite installed (one test id a line, ``#`` and a reason after it). The
file is made by running this script on a database with only Odoo's modules (``--write-known``).
Exit 1 on any other failure, or when no test ran.
"""

import argparse
import sys
import threading
import time
from collections import Counter
from pathlib import Path

DEFAULT_TAGS = (
    "/crm,/sale_crm,/sale,/sale_stock,/purchase_stock,/mrp,/portal,/rating,/account:TestAccountMoveReconcile"
)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--tags", default=DEFAULT_TAGS, help="Odoo test tags (default: %(default)s)")
    parser.add_argument("--known", type=Path, help="file of known failures without the suite")
    parser.add_argument("--write-known", type=Path, help="write the failures seen to this file and exit 0")
    parser.add_argument("--report", type=Path, help="write a per-module count of tests run and failed")
    parser.add_argument("odoo_args", nargs=argparse.REMAINDER, help="options passed to Odoo's configuration")
    args = parser.parse_args(argv)
    if args.odoo_args[:1] == ["--"]:
        args.odoo_args = args.odoo_args[1:]
    return args


def read_known(path):
    """{test id: reason} of a known-failures file."""
    known = {}
    if not path:
        return known
    for line in path.read_text(encoding="utf-8").splitlines():
        test_id, _sep, reason = line.partition("#")
        if test_id.strip():
            known[test_id.strip()] = reason.strip()
    return known


def module_of(test_id):
    """'odoo.addons.sale.tests.test_x.Class.test_y' -> 'sale'."""
    parts = test_id.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["odoo", "addons"] else "?"


def load_registry(database, odoo_args):
    """The registry of DATABASE, fully loaded, with Odoo's HTTP server listening for the tours."""
    import odoo
    from odoo.service import server
    from odoo.tools import config

    config.parse_config(["-d", database, *odoo_args])
    config["test_enable"] = False  # nothing runs while the modules load
    server.load_server_wide_modules()
    threading.current_thread().dbname = database
    registry = odoo.modules.registry.Registry(database)
    # Odoo's HTTP server, where HttpCase finds it (odoo.service.server.server), for the tours
    server.server = server.ThreadedServer(odoo.http.root)
    server.server.http_spawn()
    return registry


def make_result_class():
    from odoo.tests.result import OdooTestResult

    class RecordingResult(OdooTestResult):
        """Odoo's test result, remembering which tests failed."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.failed_ids = []
            self.run_ids = []

        def startTest(self, test):
            super().startTest(test)
            self.run_ids.append(test.id())

        def addError(self, test, err):
            super().addError(test, err)
            self.failed_ids.append(test.id())

        def addFailure(self, test, err):
            super().addFailure(test, err)
            self.failed_ids.append(test.id())

        def addSubTest(self, test, subtest, err):
            super().addSubTest(test, subtest, err)
            if err is not None:
                self.failed_ids.append(test.id())

    return RecordingResult


def run_tests(registry, tags):
    """Run the at_install then the post_install tests of TAGS; return the recording result."""
    from odoo.tools import config

    config["test_enable"] = True  # before odoo.tests is imported
    config["test_tags"] = tags
    from odoo.modules import module
    from odoo.tests import loader

    modules = sorted({tag.split("/")[1].split(":")[0].split(".")[0] for tag in tags.split(",") if "/" in tag})
    result = make_result_class()(global_report=registry._assertion_report)
    for position in ("at_install", "post_install"):
        suite = loader.make_suite(modules, position)
        module.current_test = True
        threading.current_thread().testing = True
        try:
            suite(result)
        finally:
            threading.current_thread().testing = False
            module.current_test = False
    return result


def write_report(path, result, unexpected, elapsed):
    ran = Counter(module_of(t) for t in result.run_ids)
    failed = Counter(module_of(t) for t in set(result.failed_ids))
    lines = [f"{name}: {count} tests, {failed[name]} failed" for name, count in sorted(ran.items())]
    lines.append(
        f"total: {len(result.run_ids)} tests in {elapsed:.0f} s, {len(unexpected)} unexpected failures"
    )
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if path:
        path.write_text(text, encoding="utf-8")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    t0 = time.time()
    registry = load_registry(args.database, args.odoo_args)
    result = run_tests(registry, args.tags)
    failed = sorted({test_id.split(" (")[0] for test_id in result.failed_ids})  # a subtest counts as its test
    if args.write_known:
        args.write_known.write_text(
            "".join(f"{t}  # fails without the suite\n" for t in failed), encoding="utf-8"
        )
    known = read_known(args.known)
    unexpected = [t for t in failed if t not in known]
    write_report(args.report, result, unexpected, time.time() - t0)
    for test_id in failed:
        print(("known failure (%s): " % known[test_id] if test_id in known else "FAILED: ") + test_id)
    if args.write_known:
        return 0
    if not result.run_ids:
        print("odoo_core_tests: no test ran")
        return 1
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
