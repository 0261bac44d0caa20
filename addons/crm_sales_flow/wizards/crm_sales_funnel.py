from odoo import api, fields, models
from odoo.fields import Command

from ..lib import funnel as funnel_lib


class CrmSalesFunnel(models.TransientModel):
    """The sales funnel in pipeline order with stage-to-stage conversion rates, over the opportunities
    the user may read (open, won and lost)."""

    _name = "crm.sales.funnel"
    _description = "Sales Funnel"

    team_id = fields.Many2one("crm.team", "Sales Team")
    line_ids = fields.One2many("crm.sales.funnel.line", "funnel_id", "Stages")

    def _get_opportunity_domain(self):
        self.ensure_one()
        domain = [("type", "=", "opportunity")]
        return domain + [("team_id", "=", self.team_id.id)] if self.team_id else domain

    def _get_stages(self):
        domain = ["|", ("team_id", "=", False), ("team_id", "=", self.team_id.id)] if self.team_id else []
        return self.env["crm.stage"].search(domain)

    def _prepare_line_values(self, row, figures):
        count, expected, prorated = figures.get(row["stage_id"], (0, 0.0, 0.0))
        return {
            "stage_id": row["stage_id"],
            "current_count": row["current"],
            "reached_count": row["reached"],
            "conversion_rate": row["conversion"] or 0.0,
            "has_conversion": row["conversion"] is not None,
            "expected_revenue": expected,
            "prorated_revenue": prorated,
        }

    def action_refresh(self):
        """Count the opportunities per stage (one grouped read) and lay the stages out in pipeline order."""
        self.ensure_one()
        groups = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            ._read_group(
                self._get_opportunity_domain(),
                ["stage_id"],
                ["__count", "expected_revenue:sum", "prorated_revenue:sum"],
            )
        )
        figures = {stage.id: (count, expected, prorated) for stage, count, expected, prorated in groups}
        stages = self._get_stages()
        rows = funnel_lib.funnel_rows(stages.ids, {sid: values[0] for sid, values in figures.items()})
        self.line_ids = [Command.clear()] + [
            Command.create(self._prepare_line_values(r, figures)) for r in rows
        ]
        return self._get_action()

    def _get_action(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sales Funnel"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def action_open(self):
        return self.create({}).action_refresh()
