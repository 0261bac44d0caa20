from odoo import fields, models


class ServiceTicketSlaPause(models.Model):
    _name = "service.ticket.sla.pause"
    _description = "Service Ticket SLA Pause"
    _order = "ticket_id, date_start, id"

    ticket_id = fields.Many2one("service.ticket", required=True, ondelete="cascade", index=True)
    date_start = fields.Datetime(string="Paused From", required=True)
    date_end = fields.Datetime(string="Resumed On")
