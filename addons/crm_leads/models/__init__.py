# isort: skip_file
# The mixin must be loaded before the models that inherit it.
from . import crm_pool_mixin
from . import crm_lead_score_rule
from . import crm_lead_score_event
from . import crm_lead_pool
from . import crm_lead_pool_rule
from . import crm_lead_pool_log
from . import crm_lead_intake_source
from . import crm_lead
from . import res_partner
from . import res_config_settings
