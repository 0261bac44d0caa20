from odoo import api, fields, models

from ..lib import sfa as sfa_lib

STAGE_FACT_FIELDS = {"stage_id", "type", "active", "partner_id", "probability"}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    customer_stage = fields.Selection(
        related="partner_id.commercial_partner_id.customer_stage", string="Customer Stage"
    )

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        # web forms and portal users create leads too: they may not read stages or schedule activities
        planned = leads.sudo().filtered("stage_id.activity_plan_id")
        if not self.env.user.share:
            planned = planned.with_env(self.env)
        planned._action_schedule_stage_plan()
        leads.partner_id._customer_stage_recompute_later(self.env._("Opportunity created"))
        return leads

    def write(self, vals):
        old_partners = self.partner_id if STAGE_FACT_FIELDS & set(vals) else self.env["res.partner"]
        moved = (
            self.filtered(lambda lead: lead.stage_id.id != vals["stage_id"]) if vals.get("stage_id") else None
        )
        res = super().write(vals)
        if moved:
            moved.filtered("stage_id.activity_plan_id")._action_schedule_stage_plan()
        if STAGE_FACT_FIELDS & set(vals):
            (old_partners | self.partner_id)._customer_stage_recompute_later(
                self.env._("Opportunity updated")
            )
        return res

    # --- SFA: stage activity plans -----------------------------------------------------------------
    def _get_stage_plan_responsible(self, template):
        """The owner of the opportunity, unless the plan step names a fixed responsible."""
        self.ensure_one()
        if template.responsible_type == "on_demand":
            return self.user_id or self.env.user
        return (
            template._determine_responsible(self.user_id, self)["responsible"]
            or self.user_id
            or self.env.user
        )

    def _get_stage_entry_date(self):
        """The day the opportunity enters its stage (the plan is scheduled then), in the user's time zone.

        Not ``date_last_stage_update``: Odoo sets it to the transaction's start (``cr.now()``)."""
        self.ensure_one()
        return fields.Date.context_today(self)

    def _prepare_stage_plan_activity_vals(self, template, model_id, entered):
        """Values of one to-do of the stage plan: due ``template``'s delay after ``entered`` (the day the
        stage was entered), always forward, whatever the template's "before/after plan date" setting
        (Odoo's default, "before", would make every to-do of a stage overdue on arrival)."""
        self.ensure_one()
        return {
            "res_model_id": model_id,
            "res_id": self.id,
            "activity_type_id": template.activity_type_id.id,
            "summary": template.summary,
            "note": template.note,
            "user_id": self._get_stage_plan_responsible(template).id,
            "date_deadline": sfa_lib.todo_deadline(entered, template.delay_count, template.delay_unit),
        }

    def _action_schedule_stage_plan(self):
        """Schedule the to-dos of the stage's activity plan, skipping those already open on the lead."""
        if not self:
            return self.env["mail.activity"]
        model_id = self.env["ir.model"]._get_id("crm.lead")
        existing = {
            (a.res_id, a.activity_type_id.id, a.summary or False)
            for a in self.env["mail.activity"]
            .sudo()
            .search([("res_model", "=", "crm.lead"), ("res_id", "in", self.ids)])
        }
        vals_list = []
        for lead in self:
            for template in lead.stage_id.activity_plan_id.template_ids:
                key = (lead.id, template.activity_type_id.id, template.summary or False)
                if key in existing:
                    continue
                existing.add(key)
                vals_list.append(
                    lead._prepare_stage_plan_activity_vals(template, model_id, lead._get_stage_entry_date())
                )
        return self.env["mail.activity"].create(vals_list)
