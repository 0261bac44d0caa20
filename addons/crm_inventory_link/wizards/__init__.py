from . import crm_inventory_gap_order, crm_order_batch, crm_order_import
