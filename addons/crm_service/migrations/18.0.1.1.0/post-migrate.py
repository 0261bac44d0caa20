from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Issue 12: 'Waiting for Customer' pauses the SLA, 'Cancelled' leaves the SLA report (their stage
    data is noupdate); the SLA facts, now computed, are recomputed from the tickets' history."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    waiting = env.ref("crm_service.stage_waiting", raise_if_not_found=False)
    if waiting:
        waiting.pause_sla = True
    cancelled = env.ref("crm_service.stage_cancelled", raise_if_not_found=False)
    if cancelled:
        cancelled.is_cancelled = True
    tickets = env["service.ticket"].with_context(active_test=False).search([])
    tickets.modified(["message_ids", "sla_response_deadline", "sla_resolution_deadline", "close_date"])
    tickets.flush_recordset()
