from . import (
    account_partial_reconcile,
    account_payment,
    crm_customer_stage_history,
    crm_lead,
    crm_stage,
    res_config_settings,
    res_partner,
    sale_contract_report,
    sale_order,
    sale_order_installment,
    sale_order_line,
)
