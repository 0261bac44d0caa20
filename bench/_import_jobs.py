"""What the two import benchmarks share: running a background import to its end, and base_import."""

import base64
import time


def run_job(env, job):
    """Run ``job`` as the import cron does (committed batches) until it is over: seconds spent."""
    t0 = time.perf_counter()
    Job = env["crm.import.job"].with_context(crm_flow_commit=True)
    while job.state in ("queued", "running"):
        Job._cron_run_jobs()
        job.invalidate_recordset()
    return time.perf_counter() - t0


def base_import(env, model, content, fields, header):
    """Odoo's own import of the same CSV (``base_import.import.execute_import``): (seconds, messages)."""
    importer = env["base_import.import"].create(
        {"res_model": model, "file": content, "file_name": "bench.csv", "file_type": "text/csv"}
    )
    options = {
        "quoting": '"',
        "separator": ",",
        "has_headers": True,
        "encoding": "utf-8",
        "date_format": "",
        "datetime_format": "",
        "float_thousand_separator": ",",
        "float_decimal_separator": ".",
        "fields": [],
    }
    t0 = time.perf_counter()
    result = importer.execute_import(fields, header, options)
    env.cr.commit()
    errors = [m for m in result.get("messages", []) if m.get("type") == "error"]
    return time.perf_counter() - t0, len(result.get("ids") or []), len(errors)


def b64(content):
    return base64.b64encode(content)


def report_ratio(theirs, ours, sample, total, unit, label):
    """Print base_import's time scaled from ``sample`` to ``total`` ``unit`` and the ratio to ``ours``."""
    if sample < total:
        theirs *= total / sample
        print(f"  ({sample} {unit} imported: {theirs:.0f} s extrapolated to {total} {unit})")
    ratio = theirs / ours if ours else float("inf")
    verdict = "goal of 5x met" if ratio >= 5 else "goal of 5x NOT met"
    print(f"ratio base_import / {label} = {ratio:.1f}x ({verdict}); job total {ours:.1f} s")
