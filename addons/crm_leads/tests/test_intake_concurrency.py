import threading

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged
from odoo.tests.common import TransactionCase

from .common import waiting_for_a_lock


@tagged("post_install", "-at_install")
class TestIntakeConcurrency(TransactionCase):
    """Two identical web posts at the same moment, on two database connections, as two requests of
    Odoo's server: exactly one lead is created."""

    def test_two_identical_posts_create_one_lead(self):
        with self.registry.cursor() as cr:
            source_id = (
                api.Environment(cr, SUPERUSER_ID, {})["crm.lead.intake.source"].create({"name": "Race"}).id
            )
        clean = {"name": "Race", "email": "race.condition@example.com"}
        errors, outcomes = [], []
        # environments are made in the test's thread: the test runner holds the registry lock
        second_cr = self.registry.cursor()
        second_env = api.Environment(second_cr, SUPERUSER_ID, {})

        def second_post():
            try:
                source = second_env["crm.lead.intake.source"].browse(source_id)
                # what Odoo's HTTP layer does around a request (odoo.service.model.retrying, whose registry
                # reset would wait for the test runner's registry lock here): on a serialization failure,
                # roll back and run the request again
                for _attempt in range(5):
                    try:
                        outcomes.append(source._intake_submit(clean, "10.0.0.2"))
                        second_cr.commit()
                        break
                    except SerializationFailure:
                        second_cr.rollback()
                        second_env.invalidate_all()
                        outcomes.append("retried")
            except Exception as error:  # reported to the test thread
                errors.append(error)
            finally:
                second_cr.close()

        try:
            with self.registry.cursor() as first_cr, self.registry.cursor() as watch_cr:
                first_env = api.Environment(first_cr, SUPERUSER_ID, {})
                outcome = (
                    first_env["crm.lead.intake.source"].browse(source_id)._intake_submit(clean, "10.0.0.1")
                )
                self.assertEqual(outcome, "created")
                first_cr.flush()
                thread = threading.Thread(target=second_post, name="second post")
                thread.start()
                self.assertTrue(waiting_for_a_lock(watch_cr), "the second post waits for the first")
                first_cr.commit()
            thread.join(60)
            self.assertFalse(thread.is_alive())
            self.assertEqual(errors, [])
            self.assertEqual(outcomes, ["retried", "engaged"], "the second post sees the first one's lead")
            with self.registry.cursor() as cr:
                cr.execute("SELECT count(*) FROM crm_lead WHERE email_normalized = %s", [clean["email"]])
                self.assertEqual(cr.fetchone()[0], 1, "exactly one lead")
        finally:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["crm.lead"].with_context(active_test=False).search(
                    [("email_normalized", "=", clean["email"])]
                ).unlink()
                env["crm.lead.intake.source"].browse(source_id).unlink()
                cr.execute("DELETE FROM crm_lead_intake_lock WHERE key LIKE %s", [f"%{clean['email']}"])
