from . import crm_order_batch, crm_order_import
