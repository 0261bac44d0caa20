from odoo import api, fields, models
from odoo.addons.crm_leads.models.cron_batch import may_commit


class ServiceTicketEscalation(models.Model):
    _inherit = "service.ticket"

    @api.model
    def _get_sla_to_check_domain(self, now):
        return [
            ("is_closed", "=", False),
            "|",
            "&",
            "&",
            ("sla_response_breached", "=", False),
            ("first_response_date", "=", False),
            ("sla_response_deadline", "<", now),
            "&",
            ("sla_resolution_breached", "=", False),
            ("sla_resolution_deadline", "<", now),
        ]

    @api.model
    def _get_sla_to_escalate_domain(self):
        return [("is_closed", "=", False), ("sla_breached", "=", True), ("sla_escalated", "=", False)]

    def _get_escalation_users(self):
        """Who gets the escalation: the team manager, else the team's fallback, else the service managers."""
        self.ensure_one()
        team = self.team_id
        users = team.user_id or team.escalation_user_id
        if not users:
            users = self.env.ref("crm_service.group_crm_service_manager").sudo().users
        return users.filtered(lambda u: u.active and not u.share and self.company_id in u.company_ids)

    def _prepare_escalation_activity_values(self, user):
        self.ensure_one()
        return {
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
            "user_id": user.id,
            # in the user's language: the job runs in none
            "summary": self.with_context(lang=user.lang).env._(
                "SLA breached: %(ticket)s", ticket=self.display_name
            ),
            "date_deadline": fields.Date.context_today(self),
        }

    def _get_escalation_message(self, users):
        if not users:
            return self.env._("SLA breached: no team manager, fallback or service manager to escalate to.")
        return self.env._("SLA breached: escalated to %(users)s.", users=", ".join(users.mapped("name")))

    def _action_escalate(self):
        """A to-do activity per breached ticket for whom its escalation goes to; shown on the ticket."""
        activity_values = []
        for ticket in self.filtered(lambda t: not t.sla_escalated):
            users = ticket._get_escalation_users()
            activity_values += [ticket._prepare_escalation_activity_values(user) for user in users]
            ticket.sudo().write({"sla_escalated": True, "sla_escalation_user_ids": [(6, 0, users.ids)]})
            ticket.message_post(body=ticket._get_escalation_message(users), subtype_xmlid="mail.mt_note")
        self.env["mail.activity"].sudo().create(activity_values)

    @api.model
    def _cron_sla_check(self, batch_size=500):
        """Flag breached tickets and escalate them, in batches committed one by one (resumable)."""
        commit = may_commit(self.env)
        now = fields.Datetime.now()
        last_id = 0
        while True:
            domain = [("id", ">", last_id)] + self._get_sla_to_check_domain(now)
            tickets = self.search(domain, limit=batch_size, order="id")
            if not tickets:
                break
            last_id = tickets[-1].id
            tickets._action_refresh_sla_breach()
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if len(tickets) < batch_size:
                break
        while True:
            tickets = self.search(self._get_sla_to_escalate_domain(), limit=batch_size, order="id")
            if not tickets:
                break
            tickets._action_escalate()
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if len(tickets) < batch_size:
                break
