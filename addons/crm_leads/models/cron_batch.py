"""Committed batches for the suite's scheduled jobs, retried when a concurrent job wrote the same rows."""

import logging
import random
import time

from psycopg2 import errors as pg_errors

from odoo.modules import module as odoo_module
from odoo.tools import mute_logger

_logger = logging.getLogger(__name__)

# Two jobs writing the same rows (the customer-stage and RFM jobs both write res_partner): the later one
# fails at its write or at its commit; its batch is rolled back and run again in a new transaction.
RETRYABLE_ERRORS = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected, pg_errors.LockNotAvailable)
MAX_RETRIES = 5


def may_commit(env):
    """Whether a job commits between its batches: not inside a test or a module installation (the caller
    says so with ``crm_flow_commit`` in the context), always in a scheduled run."""
    return env.context.get("crm_flow_commit", not odoo_module.current_test)


def run_batch(env, process, *args):
    """``process(*args)`` then commit, as one batch; on a serialization failure or a deadlock the batch is
    rolled back and run again (at most MAX_RETRIES times). Without commits (tests, installation) the
    error is raised: the caller's transaction cannot be rolled back here."""
    commit = may_commit(env)
    for attempt in range(MAX_RETRIES + 1):
        try:
            # a concurrent update is expected here, not a bad query: the exception says what failed
            with mute_logger("odoo.sql_db"):
                result = process(*args)
                if commit:
                    env.cr.commit()  # pylint: disable=invalid-commit
            return result
        except RETRYABLE_ERRORS as error:
            if not commit or attempt == MAX_RETRIES:
                raise
            _logger.info("%s: concurrent update (%s), batch retried", process.__name__, error.pgcode)
            env.cr.rollback()
            env.invalidate_all()
            time.sleep(random.uniform(0.05, 0.25) * (attempt + 1))
    return None
