from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare


class ServiceTicket(models.Model):
    """Hours worked on a ticket, billed with the team's time product like the spare parts."""

    _inherit = "service.ticket"

    hours_worked = fields.Float(
        help="Hours spent on the ticket. Bill Time and Parts bills the hours not billed yet with the "
        "team's Service Time Product.",
    )
    hours_recorded = fields.Float(
        string="Hours on Time Lines",
        compute="_compute_hours_recorded",
        help="Hours already on the ticket's lines of the team's time product.",
    )

    @api.constrains("hours_worked")
    def _check_hours_worked(self):
        if self.filtered(lambda t: t.hours_worked < 0):
            raise ValidationError(self.env._("Hours Worked cannot be negative."))

    @api.depends("line_ids.quantity", "line_ids.product_id", "team_id.time_product_id")
    def _compute_hours_recorded(self):
        for ticket in self:
            ticket.hours_recorded = sum(ticket._get_time_product_lines().mapped("quantity"))

    def _get_time_product_lines(self):
        self.ensure_one()
        product = self.team_id.time_product_id
        return self.line_ids.filtered(lambda line: product and line.product_id == product)

    def _get_unrecorded_hours(self):
        self.ensure_one()
        hours = self.hours_worked - self.hours_recorded
        return hours if float_compare(hours, 0.0, precision_digits=2) > 0 else 0.0

    def _prepare_worked_hours_line_values(self, hours):
        self.ensure_one()
        return {
            "ticket_id": self.id,
            "product_id": self.team_id.time_product_id.id,
            "name": self.env._("Hours worked"),
            "quantity": hours,
            "billable": True,
        }

    def _action_record_worked_hours(self):
        """Put the hours worked not on a time line yet on a line of the team's time product."""
        for ticket in self:
            hours = ticket._get_unrecorded_hours()
            if not hours:
                continue
            if not ticket.team_id.time_product_id:
                raise UserError(
                    ticket.env._(
                        "Set the Service Time Product of the team to bill the Hours Worked of %(ticket)s.",
                        ticket=ticket.display_name,
                    )
                )
            self.env["service.ticket.line"].create(ticket._prepare_worked_hours_line_values(hours))

    def action_create_sale_order(self):
        """Bill the hours worked with the parts and the time lines (the same sale order)."""
        self._action_record_worked_hours()
        return super().action_create_sale_order()
