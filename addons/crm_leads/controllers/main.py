import functools
import json
import logging

import psycopg2

from odoo import SUPERUSER_ID, api, http, sql_db
from odoo.http import request
from odoo.modules.registry import Registry
from odoo.service.model import retrying

from ..lib import intake as intake_lib

HARD_MAX_BYTES = 1024 * 1024
TOKEN_HEADER = "X-Intake-Token"
PREFLIGHT_MAX_AGE = 600

_logger = logging.getLogger(__name__)


class LeadIntakeController(http.Controller):
    """POST /crm_leads/intake: the public door of the web forms. Every answer is JSON; it tells the caller
    whether the post was taken, never anything about existing records."""

    def _json_response(self, status, payload, headers=None):
        response = request.make_json_response(payload, status=status)
        for name, value in (headers or {}).items():
            response.headers[name] = value
        return response

    def _error(self, status, code, message, headers=None, problems=None):
        payload = {"ok": False, "error": code, "message": message}
        if problems is not None:
            payload["problems"] = problems
        return self._json_response(status, payload, headers)

    def _cors_headers(self, origin):
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin else {}

    def _preflight(self, env, origin):
        """Answer a browser's CORS preflight for the origins some active source allows."""
        if not origin or not env["crm.lead.intake.source"]._origin_allowed_anywhere(origin):
            return self._error(403, "origin_not_allowed", "This origin may not post to the intake.")
        headers = dict(
            self._cors_headers(origin),
            **{
                "Access-Control-Allow-Methods": "POST",
                "Access-Control-Allow-Headers": f"Content-Type, {TOKEN_HEADER}",
                "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE),
            },
        )
        return request.make_response("", status=204, headers=list(headers.items()))

    def _read_payload(self, source):
        """``(payload, error response)`` of the request body."""
        httprequest = request.httprequest
        max_bytes = min(source.max_body_bytes or HARD_MAX_BYTES, HARD_MAX_BYTES)
        length = httprequest.content_length
        if length is not None and length > max_bytes:
            return None, self._error(413, "too_large", "The body is larger than %s bytes." % max_bytes)
        if httprequest.mimetype != "application/json":
            return None, self._error(415, "unsupported_media_type", "Send the form as application/json.")
        body = httprequest.get_data()  # cached: a retried request reads it again
        if len(body) > max_bytes:
            return None, self._error(413, "too_large", "The body is larger than %s bytes." % max_bytes)
        try:
            return json.loads(body.decode("utf-8")), None
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None, self._error(400, "invalid_json", "The body is not valid UTF-8 JSON.")

    @http.route(
        "/crm_leads/intake",
        type="http",
        auth="public",
        methods=["POST", "OPTIONS"],
        csrf=False,
        save_session=False,
    )
    def intake(self, **_kwargs):
        return self._intake(request.env)

    @http.route(
        "/crm_leads/intake/<string:dbname>",
        type="http",
        auth="none",
        methods=["POST", "OPTIONS"],
        csrf=False,
        readonly=False,
        save_session=False,
    )
    def intake_in_database(self, dbname, **_kwargs):
        """The intake of the database named in the address, for a server with several databases where
        neither the host (dbfilter) nor a cookie picks one. Odoo's dbfilter still applies; with no
        database picked at all, Odoo serves this route only when crm_leads is loaded server-wide
        (``--load=base,web,crm_leads``)."""
        if dbname not in http.db_list(force=True):
            return self._unknown_database()
        if request.db == dbname and request.env is not None:
            return self._intake(self._public_env(request.env))
        if not self._intake_installed(dbname):
            return self._unknown_database()
        with Registry(dbname).cursor() as cr:
            env = self._public_env(api.Environment(cr, SUPERUSER_ID, {}))
            return retrying(functools.partial(self._intake, env), env)

    def _public_env(self, env):
        """The environment of the public door: the website visitor (public user), records read through
        ``sudo()`` where the intake needs them."""
        return env(user=env.ref("base.public_user").id, su=False)

    def _unknown_database(self):
        return self._error(404, "unknown_database", "No database of that name takes web forms here.")

    def _intake_installed(self, dbname):
        """Whether crm_leads is installed in ``dbname``, asked on a plain connection so that no
        registry is loaded for a database that has no intake (raw SQL: there is no ORM for it yet)."""
        try:
            with sql_db.db_connect(dbname).cursor() as cr:
                cr.execute("SELECT to_regclass('ir_module_module') IS NOT NULL")
                if not cr.fetchone()[0]:
                    return False
                cr.execute("SELECT 1 FROM ir_module_module WHERE name = 'crm_leads' AND state = 'installed'")
                return bool(cr.fetchone())
        except psycopg2.Error:
            _logger.info("Intake: database %s cannot be read", dbname, exc_info=True)
            return False

    def _intake(self, env):
        httprequest = request.httprequest
        origin = httprequest.headers.get("Origin")
        if httprequest.method == "OPTIONS":
            return self._preflight(env, origin)
        token = httprequest.headers.get(TOKEN_HEADER)
        if not token:
            # a token in the address would end up in access logs: only the header is read
            return self._error(401, "missing_token", f"Send the source token in the {TOKEN_HEADER} header.")
        source = env["crm.lead.intake.source"].sudo()._find_by_token(token)
        if not source:
            return self._error(403, "invalid_token", "Unknown or disabled intake token.")
        if origin and not source._origin_allowed(origin):
            return self._error(403, "origin_not_allowed", "This origin may not post to this source.")
        cors = self._cors_headers(origin)
        payload, error = self._read_payload(source)
        if error:
            return error
        clean, problems = intake_lib.validate_payload(payload)
        if problems:
            message = " ".join(problem["message"] for problem in problems)
            return self._error(422, "invalid_data", message, cors, problems)
        outcome = source._intake_submit(clean, httprequest.remote_addr)
        if outcome == "rate_limited":
            return self._error(429, "rate_limited", "Too many posts; try again in a minute.", cors)
        return self._json_response(202, {"ok": True}, cors)
