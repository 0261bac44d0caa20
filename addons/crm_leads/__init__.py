from . import controllers, models, wizards


def post_init_hook(env):
    """Score the leads that exist at installation, so that sorting by score is right at once."""
    env["crm.lead"].with_context(crm_flow_commit=False)._cron_lead_score()
