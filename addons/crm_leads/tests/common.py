import time

from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase


def waiting_for_a_lock(cr, timeout=15):
    """Whether another connection of this database waits on a lock within ``timeout`` seconds (tests of
    two transactions at once, on real cursors)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        cr.rollback()  # pg_stat_activity is a snapshot per transaction
        cr.execute(
            """SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock'"""
        )
        if cr.fetchone()[0]:
            return True
        time.sleep(0.1)
    return False


class CrmLeadsCommon(TransactionCase):
    """Base class of the crm_leads tests: tracking off, one user per security group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        # a salesperson is a leads user through Odoo's own group
        cls.user = new_test_user(cls.env, login="crm_leads_user", groups="sales_team.group_sale_salesman")
        cls.user2 = new_test_user(cls.env, login="crm_leads_user2", groups="sales_team.group_sale_salesman")
        cls.manager = new_test_user(
            cls.env, login="crm_leads_manager", groups="crm_leads.group_crm_leads_manager"
        )
        # Only the rules of the tests count.
        cls.env["crm.lead.score.rule"].search([]).action_archive()
        cls.env["ir.config_parameter"].sudo().set_param("crm_leads.pls_blend", 0)
        cls.env["ir.config_parameter"].sudo().set_param("crm_leads.half_life_days", 30)
        cls.belgium = cls.env.ref("base.be")
        cls.country_rule = cls.env["crm.lead.score.rule"].create(
            {
                "name": "Belgium",
                "rule_type": "country",
                "points": 30,
                "country_ids": [(6, 0, cls.belgium.ids)],
            }
        )
        cls.email_rule = cls.env["crm.lead.score.rule"].create(
            {"name": "Valid email", "rule_type": "email_valid", "points": 20}
        )
        cls.Lead = cls.env["crm.lead"]

    @classmethod
    def _create_pool(cls, **values):
        vals = {"name": "Test pool", "res_model": "crm.lead", "auto_recycle": True}
        vals.update(values)
        return cls.env["crm.lead.pool"].create(vals)
