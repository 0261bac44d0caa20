from . import crm_order_import, crm_order_import_batch
