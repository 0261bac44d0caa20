from . import models, wizards


def post_init_hook(env):
    """Stage the customers that exist at installation: one with confirmed orders is signed at once."""
    env["res.partner"].with_context(crm_flow_commit=False)._cron_recompute_customer_stage()
