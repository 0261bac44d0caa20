from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CrmSalesFlowCommon


@tagged("post_install", "-at_install")
class TestCustomerStage(CrmSalesFlowCommon):
    def test_new_customer_is_potential(self):
        self.assertEqual(self.customer.customer_stage, "potential")
        self.assertFalse(self.customer.customer_stage_history_ids)

    def test_opportunity_makes_intentional_then_order_signs(self):
        lead = (
            self.env["crm.lead"]
            .with_user(self.user)
            .create({"name": "Big deal", "type": "opportunity", "partner_id": self.contact.id})
        )
        self.assertEqual(self.customer.customer_stage, "potential", "restaged when the transaction ends")
        self.env.cr.flush()
        self.assertEqual(
            self.customer.customer_stage, "intentional", "a contact's opportunity qualifies its company"
        )
        history = self.customer.customer_stage_history_ids
        self.assertEqual(len(history), 1)
        self.assertEqual(
            (history.old_stage, history.new_stage, history.origin), ("potential", "intentional", "automation")
        )
        self.assertEqual(history.user_id, self.user)

        self._create_order(partner=self.contact, confirm=True)
        self.assertEqual(self.customer.customer_stage, "signed")
        last = self.env["crm.customer.stage.history"].search([("partner_id", "=", self.customer.id)], limit=1)
        self.assertEqual(last.new_stage, "signed")
        self.assertIn("confirmed", last.reason)

        # the lead is lost: the customer stays signed (the order is a fact)
        lead.action_set_lost()
        self.env.cr.flush()
        self.assertEqual(self.customer.customer_stage, "signed")

    def test_lost_opportunity_keeps_intentional(self):
        # issue 11: stages never go backwards automatically (it went back to potential)
        lead = self.env["crm.lead"].create(
            {"name": "Maybe", "type": "opportunity", "partner_id": self.customer.id}
        )
        self.env.cr.flush()
        self.assertEqual(self.customer.customer_stage, "intentional")
        lead.action_set_lost()
        self.env.cr.flush()
        self.assertEqual(self.customer.customer_stage, "intentional")
        self.assertEqual(len(self.customer.customer_stage_history_ids), 1)

    def test_won_opportunity_without_order_keeps_intentional(self):
        # issue 11: marking an opportunity Won without a sale order demoted its customer to potential
        lead = (
            self.env["crm.lead"]
            .with_user(self.user)
            .create(
                {"name": "Won", "type": "opportunity", "partner_id": self.contact.id, "user_id": self.user.id}
            )
        )
        self.env.cr.flush()
        self.assertEqual(self.customer.customer_stage, "intentional")
        lead.with_user(self.user).action_set_won()
        self.env.cr.flush()
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.with_user(self.user).customer_stage, "intentional")
        self.assertEqual(
            self.customer.customer_stage_history_ids.mapped("new_stage"), ["intentional"], "no step back"
        )

    def test_cancelled_order_keeps_signed(self):
        # issue 11: never backwards automatically (a cancelled order unsigned the customer)
        order = self._create_order(confirm=True)
        self.assertEqual(self.customer.customer_stage, "signed")
        order._action_cancel()
        self.assertEqual(self.customer.customer_stage, "signed")

    def test_manager_override_locks_stage(self):
        self.customer.with_user(self.manager).action_override_customer_stage("signed", "Paper contract")
        self.assertTrue(self.customer.customer_stage_locked)
        history = self.customer.customer_stage_history_ids
        self.assertEqual(
            (history.new_stage, history.origin, history.user_id, history.reason),
            ("signed", "manual", self.manager, "Paper contract"),
        )
        # facts no longer move it
        self.env["crm.lead"].create({"name": "x", "type": "opportunity", "partner_id": self.customer.id})
        self.env.cr.flush()
        self.assertEqual(self.customer.customer_stage, "signed")
        # release gives it back to automation: an explicit transition, which may take it back
        self.customer.with_user(self.manager).action_release_customer_stage()
        self.assertFalse(self.customer.customer_stage_locked)
        self.assertEqual(self.customer.customer_stage, "intentional")

    def test_override_wizard_requires_reason_and_logs(self):
        action = self.contact.with_user(self.manager).action_open_customer_stage_override()
        self.assertEqual(action["res_model"], "crm.customer.stage.override")
        Wizard = (
            self.env["crm.customer.stage.override"].with_user(self.manager).with_context(**action["context"])
        )
        form = Form(Wizard)
        form.new_stage = "signed"
        with self.assertRaises(AssertionError):
            form.save()  # no reason: the form refuses to save
        with self.assertRaises(UserError):
            Wizard.create({"new_stage": "intentional", "reason": "   "}).action_apply()
        self.assertEqual(self.customer.customer_stage, "potential")
        form = Form(Wizard)
        self.assertEqual(form.partner_ids[:], self.customer, "the company of the contact")
        form.new_stage = "intentional"
        form.reason = "Met at the fair, budget confirmed"
        form.save().action_apply()
        self.assertEqual(self.customer.customer_stage, "intentional")
        self.assertTrue(self.customer.customer_stage_locked)
        history = self.customer.with_user(self.manager).customer_stage_history_ids
        self.assertEqual(
            (history.old_stage, history.new_stage, history.origin, history.reason),
            ("potential", "intentional", "manual", "Met at the fair, budget confirmed"),
        )
        self.assertIn(
            "Met at the fair, budget confirmed",
            self.customer.message_ids[:1].body,
            "the chatter says who set it and why",
        )

    def test_user_cannot_override(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user).write({"customer_stage": "signed"})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user).action_override_customer_stage("signed", "because")
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user).action_open_customer_stage_override()
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user).write({"customer_stage_locked": True})
        # a context key sent by a JSON-RPC client opens no door
        for key in ("crm_sales_flow_stage_transition", "crm_sales_flow_auto_stage"):
            with self.assertRaises(AccessError):
                self.customer.with_user(self.user).with_context(**{key: True}).write(
                    {"customer_stage": "signed"}
                )
        self.assertEqual(self.customer.customer_stage, "potential")
        self.assertFalse(self.customer.customer_stage_history_ids)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user).action_release_customer_stage()

    def test_salesman_cannot_create_signed_partner(self):
        # issue 11: a salesman could create a partner directly as signed (JSON-RPC create, import)
        Partner = self.env["res.partner"].with_user(self.user)
        with self.assertRaises(AccessError):
            Partner.create({"name": "Fake signed", "is_company": True, "customer_stage": "signed"})
        result = Partner.load(["name", "customer_stage"], [["Imported signed", "signed"]])
        self.assertFalse(result["ids"])
        self.assertIn("cannot be written directly", result["messages"][0]["message"])
        # the default stage and the plain fields are fine
        partner = Partner.create({"name": "Plain", "is_company": True, "customer_stage": "potential"})
        self.assertEqual(partner.customer_stage, "potential")
        self.assertFalse(self.env["res.partner"].search([("name", "in", ("Fake signed", "Imported signed"))]))

    def test_plain_write_refused_for_managers_too(self):
        # the override is an action with a reason: no door around it (form, import, mass edit)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.manager).write({"customer_stage": "signed"})
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.manager).create(
                {"name": "Signed at birth", "is_company": True, "customer_stage": "signed"}
            )
        # writing the stage it already has (partner merge, import of all columns) is no change
        self.customer.with_user(self.manager).write({"customer_stage": "potential", "name": "Renamed"})
        self.assertEqual(self.customer.name, "Renamed")
        self.assertFalse(self.customer.customer_stage_history_ids)

    def test_partner_form_offers_change_stage_to_managers_only(self):
        def arch(user):
            return (
                self.env["res.partner"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
            )

        self.assertIn('name="action_open_customer_stage_override"', arch(self.manager))
        self.assertNotIn('name="action_open_customer_stage_override"', arch(self.user))
        with Form(self.customer.with_user(self.manager)) as form:
            with self.assertRaises(AssertionError):
                form.customer_stage = "signed"  # read-only in the form: the button is the way

    def test_copy_does_not_copy_stage(self):
        self.customer.with_user(self.manager).action_override_customer_stage("signed", "Paper contract")
        copy = self.customer.with_user(self.manager).copy()
        self.assertEqual((copy.customer_stage, copy.customer_stage_locked), ("potential", False))

    def test_qualification_labels(self):
        self.customer.with_user(self.user).write(
            {
                "customer_value": "valuable",
                "customer_deal_size": "large",
                "customer_close_window": "this_week",
            }
        )
        self.assertEqual(self.customer.customer_deal_size, "large")

    def test_dormant_when_late_on_usual_interval(self):
        for day in (date(2026, 1, 1), date(2026, 1, 31), date(2026, 3, 2)):
            with freeze_time(day):
                order = self._create_order()
                order.action_confirm()
                order.date_order = datetime.combine(day, datetime.min.time())
        self.assertEqual(self.customer.purchase_interval, 30.0)
        self.assertEqual(self.customer.last_order_date, date(2026, 3, 2))
        with freeze_time("2026-03-20"):
            self.customer._action_recompute_customer_stage()
            self.assertFalse(self.customer.customer_dormant)
        with freeze_time("2026-04-15"):
            self.env["res.partner"]._cron_recompute_customer_stage()
            self.assertTrue(self.customer.customer_dormant)
            self.assertEqual(self.customer.customer_stage, "signed")

    def test_cron_batch_queries_do_not_grow(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Batch {i}", "is_company": True} for i in range(30)]
        )
        self.env["crm.lead"].create(
            [{"name": f"L{i}", "type": "opportunity", "partner_id": p.id} for i, p in enumerate(partners)]
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET customer_stage = 'potential' WHERE id = ANY(%s)", [partners.ids]
        )
        partners.invalidate_recordset()
        self.env.flush_all()
        with self.assertQueryCount(__system__=7):
            partners._action_recompute_customer_stage()
        self.assertEqual(set(partners.mapped("customer_stage")), {"intentional"})

    def test_history_record_rules(self):
        mine = self.env["res.partner"].create({"name": "Mine", "is_company": True, "user_id": self.user.id})
        theirs = self.env["res.partner"].create(
            {"name": "Theirs", "is_company": True, "user_id": self.other_user.id}
        )
        self.env["crm.lead"].create(
            [{"name": p.name, "type": "opportunity", "partner_id": p.id} for p in (mine | theirs)]
        )
        self.env.cr.flush()
        History = self.env["crm.customer.stage.history"]
        domain = [("partner_id", "in", (mine | theirs).ids)]
        self.assertEqual(History.with_user(self.user).search(domain).partner_id, mine)
        self.assertEqual(History.with_user(self.manager).search(domain).partner_id, mine | theirs)
        with self.assertRaises(AccessError):
            History.with_user(self.user).search(domain).unlink()

    def test_cron_resumes_after_last_processed_id(self):
        first = self.env["res.partner"].create({"name": "Resume A", "is_company": True})
        second = self.env["res.partner"].create({"name": "Resume B", "is_company": True})
        self.env["crm.lead"].create(
            [{"name": p.name, "type": "opportunity", "partner_id": p.id} for p in (first | second)]
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET customer_stage = 'potential' WHERE id IN %s", [(first.id, second.id)]
        )
        self.env.invalidate_all()
        # a previous run crashed after having processed ``first``
        self.env["ir.config_parameter"].sudo().set_param("crm_sales_flow.stage_cron_last_id", first.id)
        self.env["res.partner"]._cron_recompute_customer_stage()
        self.assertEqual(first.customer_stage, "potential", "already processed: skipped")
        self.assertEqual(second.customer_stage, "intentional")
        self.assertEqual(
            self.env["ir.config_parameter"].sudo().get_param("crm_sales_flow.stage_cron_last_id"), "0"
        )

    def test_lead_from_public_user(self):
        public = self.env.ref("base.public_user")
        self.env["crm.lead"].with_user(public).sudo().create(
            {"name": "Web form", "type": "opportunity", "partner_id": self.customer.id}
        )
        self.env.cr.flush()
        self.assertEqual(self.customer.customer_stage, "intentional")
