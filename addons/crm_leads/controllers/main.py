import json
import logging

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from ..lib import scoring

_logger = logging.getLogger(__name__)

ALLOWED_KEYS = {"name", "contact_name", "company", "email", "phone", "message", "vat", "country", "employees"}
HARD_MAX_BYTES = 1024 * 1024


class LeadIntakeController(http.Controller):
    def _json_response(self, status, payload):
        return request.make_json_response(payload, status=status)

    def _error(self, status, code, message):
        return self._json_response(status, {"ok": False, "error": code, "message": message})

    def _validate_payload(self, payload):
        """Return a list of problems with the form payload (empty when it is fine)."""
        problems = []
        if not isinstance(payload, dict):
            return ["The body must be a JSON object."]
        unknown = set(payload) - ALLOWED_KEYS
        if unknown:
            problems.append("Unknown fields: %s." % ", ".join(sorted(unknown)))
        for key, value in payload.items():
            if key in ALLOWED_KEYS and value is not None and not isinstance(value, str | int):
                problems.append("Field %s must be a string." % key)
        if problems:
            return problems
        if not (payload.get("name") or payload.get("company") or payload.get("contact_name")):
            problems.append("Give a name, company or contact_name.")
        if not payload.get("email") and not payload.get("phone"):
            problems.append("Give an email or a phone.")
        if payload.get("email") and not scoring.email_is_valid(str(payload["email"])):
            problems.append("The email is not valid.")
        if payload.get("phone") and not scoring.phone_is_valid(str(payload["phone"])):
            problems.append("The phone is not valid.")
        if payload.get("employees") not in (None, ""):
            try:
                int(payload["employees"])
            except (TypeError, ValueError):
                problems.append("employees must be a whole number.")
        return problems

    @http.route(
        "/crm_leads/intake", type="http", auth="public", methods=["POST"], csrf=False, save_session=False
    )
    def intake(self, **_kwargs):
        httprequest = request.httprequest
        token = httprequest.headers.get("X-Intake-Token") or httprequest.args.get("token")
        if not token:
            return self._error(401, "missing_token", "Send the source token in the X-Intake-Token header.")
        source = request.env["crm.lead.intake.source"].sudo()._find_by_token(token)
        if not source:
            return self._error(403, "invalid_token", "Unknown or disabled intake token.")
        max_bytes = min(source.max_body_bytes or HARD_MAX_BYTES, HARD_MAX_BYTES)
        length = httprequest.content_length
        if length is not None and length > max_bytes:
            return self._error(413, "too_large", "The body is larger than %s bytes." % max_bytes)
        if httprequest.mimetype != "application/json":
            return self._error(415, "unsupported_media_type", "Send the form as application/json.")
        body = httprequest.get_data(cache=False)
        if len(body) > max_bytes:
            return self._error(413, "too_large", "The body is larger than %s bytes." % max_bytes)
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self._error(400, "invalid_json", "The body is not valid UTF-8 JSON.")
        problems = self._validate_payload(payload)
        if problems:
            return self._json_response(
                422,
                {"ok": False, "error": "invalid_data", "message": " ".join(problems), "problems": problems},
            )
        payload = {k: str(v).strip() if v is not None else None for k, v in payload.items()}
        try:
            lead = source._intake_create_lead(payload)
        except (UserError, ValidationError, AccessError) as exc:
            return self._error(422, "invalid_data", str(exc))
        return self._json_response(
            201, {"ok": True, "id": lead.id, "score": lead.lead_score, "grade": lead.lead_grade}
        )
