# isort: off
# the mixins crm.inventory.gap inherits are registered first
from . import crm_inventory_gap_data, crm_inventory_gap_procurement

# isort: on
from . import (
    crm_inventory_gap,
    crm_lead,
    crm_lead_line,
    product_product,
    res_company,
    res_config_settings,
    res_partner,
    sale_order_line,
)
