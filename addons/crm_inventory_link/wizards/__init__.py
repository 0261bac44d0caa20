from . import crm_order_import
