from . import (
    test_activity_inbox,
    test_contract_report,
    test_cron_concurrency,
    test_customer_stage,
    test_funnel,
    test_install,
    test_payment_plan,
    test_rfm,
    test_sfa,
    test_timeline,
    test_tours,
)
