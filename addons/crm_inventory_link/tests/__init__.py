from . import (
    test_core_roles,
    test_gap_access,
    test_gap_engine,
    test_gap_ordering,
    test_gap_procurement,
    test_install,
    test_lead_line_pricing,
    test_lead_lines,
    test_order_import,
    test_order_import_job,
    test_timeline,
    test_tours,
)
