from . import (
    crm_customer_stage_override,
    crm_partner_timeline,
    crm_partner_timeline_line,
    crm_sales_funnel,
    crm_sales_funnel_line,
)
