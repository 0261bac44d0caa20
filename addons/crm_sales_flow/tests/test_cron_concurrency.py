import logging
import threading

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.addons.crm_leads.tests.common import waiting_for_a_lock
from odoo.tests import tagged
from odoo.tests.common import TransactionCase


class RecordingHandler(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@tagged("post_install", "-at_install")
class TestCronConcurrency(TransactionCase):
    """The RFM job and the customer-stage job write the same customer at once, on two database
    connections: the later one meets a serialization failure, retries its batch and finishes."""

    def _committed_env(self, cr, **context):
        return api.Environment(cr, SUPERUSER_ID, dict(context, tracking_disable=True))

    def _make_customer(self):
        """A customer with an open opportunity (so: intentional) and a posted invoice (so: RFM scores),
        committed, its stage put back to potential as if it had never been computed."""
        with self.registry.cursor() as cr:
            env = self._committed_env(cr)
            partner = env["res.partner"].create({"name": "Contested customer", "is_company": True})
            lead = env["crm.lead"].create(
                {"name": "Contested", "type": "opportunity", "partner_id": partner.id}
            )
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": fields.Date.today(),
                    "invoice_line_ids": [Command.create({"name": "Work", "quantity": 1, "price_unit": 100})],
                }
            )
            invoice.action_post()
            cr.flush()
            cr.execute("UPDATE res_partner SET customer_stage = 'potential' WHERE id = %s", [partner.id])
            return partner.id, lead.id, invoice.id

    def _cleanup(self, partner_id, lead_id, invoice_id):
        with self.registry.cursor() as cr:
            env = self._committed_env(cr)
            invoice = env["account.move"].browse(invoice_id)
            invoice.button_draft()
            invoice.with_context(force_delete=True).unlink()
            env["crm.lead"].browse(lead_id).unlink()
            env["crm.customer.stage.history"].search([("partner_id", "=", partner_id)]).unlink()
            env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", partner_id)]
            ).unlink()
            env["res.partner"].browse(partner_id).unlink()
            env["ir.config_parameter"].set_param("crm_sales_flow.stage_cron_last_id", 0)

    def test_stage_job_retries_after_the_rfm_job_wrote_the_same_customer(self):
        partner_id, lead_id, invoice_id = self._make_customer()
        errors = []
        # the environment is made here: the test runner holds the registry lock that a new environment
        # of another thread would wait for
        stage_cr = self.registry.cursor()
        stage_env = self._committed_env(stage_cr, crm_flow_commit=True)

        def stage_job():
            try:
                stage_env["res.partner"]._cron_recompute_customer_stage()
            except Exception as error:  # reported to the test thread
                errors.append(error)
            finally:
                stage_cr.close()

        # the job's log, from the job's thread (assertLogs only hears the test's own thread)
        retries = RecordingHandler()
        logger = logging.getLogger("odoo.addons.crm_leads.models.cron_batch")
        logger.addHandler(retries)
        try:
            with self.registry.cursor() as rfm_cr, self.registry.cursor() as watch_cr:
                # the RFM job has written the customer and not committed yet
                self._committed_env(rfm_cr)["res.partner"]._rfm_cron_batch()
                rfm_cr.flush()
                thread = threading.Thread(target=stage_job, name="stage job")
                thread.start()
                self.assertTrue(waiting_for_a_lock(watch_cr), "the stage job waits on the row")
                rfm_cr.commit()
            thread.join(60)
            self.assertFalse(thread.is_alive())
            self.assertEqual(errors, [])
            self.assertTrue(any("batch retried" in message for message in retries.messages))
            with self.registry.cursor() as cr:
                cr.execute(
                    "SELECT customer_stage, rfm_segment IS NOT NULL FROM res_partner WHERE id = %s",
                    [partner_id],
                )
                self.assertEqual(cr.fetchone(), ("intentional", True), "both jobs' writes are kept")
        finally:
            logger.removeHandler(retries)
            self._cleanup(partner_id, lead_id, invoice_id)
