from . import crm_partner_timeline, crm_partner_timeline_line
