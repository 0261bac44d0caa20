from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import plaintext2html


class ServicePortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "service_ticket_count" in counters:
            Ticket = request.env["service.ticket"]
            values["service_ticket_count"] = Ticket.search_count([]) if Ticket.has_access("read") else 0
        return values

    def _get_my_tickets_domain(self):
        """The record rules restrict a portal user to his own tickets; the domain adds the company's."""
        partner = request.env.user.partner_id
        return [("partner_id", "child_of", [partner.commercial_partner_id.id])]

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = {
            "page_name": "service_ticket",
            "ticket": ticket,
            "user": request.env.user,
            "rating": ticket._get_portal_rating(),
        }
        values["rating_token"] = (
            ticket.is_closed and not values["rating"] and ticket._rating_get_access_token() or False
        )
        return self._get_page_view_values(ticket, access_token, values, "my_tickets_history", False, **kwargs)

    @http.route(["/my/tickets", "/my/tickets/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_tickets(self, page=1, filterby="all", **kw):
        Ticket = request.env["service.ticket"]
        filters = {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {"label": request.env._("Open"), "domain": [("is_closed", "=", False)]},
            "closed": {"label": request.env._("Closed"), "domain": [("is_closed", "=", True)]},
        }
        filterby = filterby if filterby in filters else "all"
        domain = self._get_my_tickets_domain() + filters[filterby]["domain"]
        count = Ticket.search_count(domain) if Ticket.has_access("read") else 0
        pager = portal_pager(
            url="/my/tickets",
            url_args={"filterby": filterby},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        tickets = Ticket.search(domain, order="id desc", limit=self._items_per_page, offset=pager["offset"])
        request.session["my_tickets_history"] = tickets.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "tickets": tickets.sudo(),
                "page_name": "service_ticket",
                "pager": pager,
                "default_url": "/my/tickets",
                "searchbar_filters": filters,
                "filterby": filterby,
                "can_create": bool(self._get_portal_teams()),
            }
        )
        return request.render("crm_service.portal_my_tickets", values)

    def _get_portal_teams(self):
        return (
            request.env["service.team"]
            .sudo()
            .search([("use_portal", "=", True), ("company_id", "in", request.env.user.company_ids.ids)])
        )

    def _prepare_portal_ticket_values(self, team, post):
        partner = request.env.user.partner_id
        return {
            "name": post.get("name", "").strip(),
            "description": plaintext2html(post.get("description") or ""),
            "team_id": team.id,
            "company_id": team.company_id.id,
            "partner_id": partner.id,
            "email_from": partner.email,
        }

    @http.route(["/my/tickets/new"], type="http", auth="user", methods=["GET", "POST"], website=True)
    def portal_new_ticket(self, **post):
        teams = self._get_portal_teams()
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "service_ticket", "teams": teams, "error": "", "post": post})
        if request.httprequest.method == "POST":
            team = (
                teams.filtered(lambda t: str(t.id) == str(post.get("team_id"))) if len(teams) > 1 else teams
            )
            if not team:
                values["error"] = request.env._("Choose a service team.")
            elif not (post.get("name") or "").strip():
                values["error"] = request.env._("Please give your request a subject.")
            else:
                ticket = (
                    request.env["service.ticket"]
                    .sudo()
                    .create(self._prepare_portal_ticket_values(team, post))
                )
                ticket.message_subscribe(request.env.user.partner_id.ids)
                return request.redirect(f"/my/tickets/{ticket.id}")
        return request.render("crm_service.portal_new_ticket", values)

    def _render_ticket_not_found(self):
        """A clear page (HTTP 404) for a ticket that does not exist or is not the visitor's."""
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "service_ticket"})
        return request.render("crm_service.portal_ticket_not_found", values, status=404)

    @http.route(["/my/tickets/<int:ticket_id>"], type="http", auth="public", website=True)
    def portal_my_ticket(self, ticket_id, access_token=None, **kw):
        try:
            ticket_sudo = self._document_check_access("service.ticket", ticket_id, access_token)
        except (AccessError, MissingError):
            return self._render_ticket_not_found()
        return request.render(
            "crm_service.portal_my_ticket", self._ticket_get_page_view_values(ticket_sudo, access_token, **kw)
        )
