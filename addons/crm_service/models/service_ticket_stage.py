from odoo import fields, models


class ServiceTicketStage(models.Model):
    _name = "service.ticket.stage"
    _description = "Service Ticket Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(help="Folded in the kanban view.")
    is_closed = fields.Boolean(
        string="Closing Stage", help="Tickets in this stage are solved: the resolution SLA stops."
    )
    request_rating = fields.Boolean(
        "Ask for Feedback",
        default=True,
        help="Tickets closed in this stage send the customer the satisfaction survey (not a cancelled one).",
    )
    pause_sla = fields.Boolean(
        string="Pause SLA",
        help="The SLA clocks stop while a ticket is in this stage (e.g. waiting for the customer) "
        "and resume when it leaves it.",
    )
    is_cancelled = fields.Boolean(
        string="Cancelled",
        help="Closing stage of tickets dropped without a solution: left out of the SLA report.",
    )
    active = fields.Boolean(default=True)
