from . import (
    crm_lead,
    crm_lead_intake_source,
    crm_lead_pool,
    crm_lead_pool_log,
    crm_lead_pool_rule,
    crm_lead_score,
    crm_lead_score_event,
    crm_lead_score_rule,
    crm_pool_mixin,
    cron_batch,
    res_config_settings,
    res_partner,
)
