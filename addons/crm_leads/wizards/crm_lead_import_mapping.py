from odoo import fields, models

from .crm_lead_import_batch import IMPORT_FIELDS


class CrmLeadImportMapping(models.TransientModel):
    _name = "crm.lead.import.mapping"
    _description = "Lead Import Column Mapping"
    _order = "column_index"

    wizard_id = fields.Many2one("crm.lead.import.wizard", required=True, ondelete="cascade")
    column_index = fields.Integer(required=True)
    column_name = fields.Char(required=True, readonly=True)
    field_name = fields.Selection(IMPORT_FIELDS, string="Import as")
