from . import (
    test_dedupe,
    test_import,
    test_install,
    test_intake,
    test_intake_concurrency,
    test_pool,
    test_pool_concurrency,
    test_scoring,
    test_scoring_storage,
    test_security,
    test_vies,
    test_views,
)
