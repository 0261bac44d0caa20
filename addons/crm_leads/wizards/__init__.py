from . import crm_lead_import_batch, crm_lead_import_mapping, crm_lead_import_wizard
