from odoo import fields, models


class ServiceTicketType(models.Model):
    _name = "service.ticket.type"
    _description = "Service Ticket Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
