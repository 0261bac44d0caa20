from odoo import fields, models

GRADES = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")]


class CrmLeadScore(models.Model):
    """The score of one lead, in a narrow table of its own whose row id is the lead's id.

    The batch scoring rewrites these small rows, one SQL statement per batch, instead of the wide
    ``crm_lead`` rows (some thirty indexes each). ``crm.lead`` reads them in its computed score
    fields and searches, sorts and groups by them through ``_field_to_sql`` (a LEFT JOIN on the id),
    as Odoo's own account module does for its non-stored fields. There is no foreign key, which
    would cost a check per row: ``crm.lead.unlink`` deletes the rows of the leads it deletes, and the
    scoring cron purges those of leads deleted in SQL. Only the scoring writes here.
    """

    _name = "crm.lead.score"
    _description = "Lead Score"
    _log_access = False

    score = fields.Integer(required=True, readonly=True, aggregator="avg")
    grade = fields.Selection(GRADES, required=True, readonly=True)
    scored_on = fields.Datetime("Score updated on", required=True, readonly=True)
