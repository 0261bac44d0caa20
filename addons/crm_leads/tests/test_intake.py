import json

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestIntake(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.lead.score.rule"].search([]).action_archive()
        cls.env["crm.lead.score.rule"].create(
            {"name": "Valid email", "rule_type": "email_valid", "points": 20}
        )
        cls.utm = cls.env["utm.source"].create({"name": "Website form"})
        cls.source = cls.env["crm.lead.intake.source"].create(
            {"name": "Contact form", "utm_source_id": cls.utm.id, "max_body_bytes": 2048, "event_points": 10}
        )
        cls.url = "/crm_leads/intake"

    def _post(self, payload, token=None, headers=None, raw=None):
        hdrs = {"Content-Type": "application/json"}
        if token is not False:
            hdrs["X-Intake-Token"] = token or self.source.token
        hdrs.update(headers or {})
        data = raw if raw is not None else json.dumps(payload)
        return self.url_open(self.url, data=data, headers=hdrs)

    def test_creates_scored_lead(self):
        res = self._post({"name": "Website lead", "email": "visitor@example.com", "company": "Visitor Ltd"})
        self.assertEqual(res.status_code, 201, res.text)
        body = res.json()
        lead = self.env["crm.lead"].browse(body["id"])
        self.assertEqual(lead.source_id, self.utm)
        self.assertEqual(lead.intake_source_id, self.source)
        self.assertEqual(lead.partner_name, "Visitor Ltd")
        self.assertEqual(body["score"], 30, "valid email 20 + web form event 10")
        self.assertEqual(lead.lead_score, 30)
        self.assertEqual(lead.score_event_ids.event_type, "web_form")

    def test_second_submission_merges(self):
        first = self._post({"name": "First", "email": "same@example.com"}).json()["id"]
        res = self._post({"name": "Again", "email": "SAME@example.com", "message": "Call me"})
        self.assertEqual(res.status_code, 201)
        lead = self.env["crm.lead"].browse(res.json()["id"])
        self.assertEqual(
            self.env["crm.lead"].search_count([("email_normalized", "=", "same@example.com")]), 1
        )
        self.assertEqual(len(lead.score_event_ids), 2)
        self.assertIn(first, lead.ids + [first])

    def test_errors(self):
        count = self.env["crm.lead"].search_count([])
        cases = [
            (401, "missing_token", self._post({"name": "x", "email": "a@b.com"}, token=False)),
            (403, "invalid_token", self._post({"name": "x", "email": "a@b.com"}, token="nope")),
            (
                415,
                "unsupported_media_type",
                self._post({}, headers={"Content-Type": "text/plain"}, raw="name=x"),
            ),
            (400, "invalid_json", self._post(None, raw="{not json")),
            (413, "too_large", self._post({"name": "x" * 5000, "email": "a@b.com"})),
            (422, "invalid_data", self._post({"name": "No contact"})),
            (422, "invalid_data", self._post({"name": "x", "email": "bad"})),
            (422, "invalid_data", self._post({"name": "x", "email": "a@b.com", "admin": True})),
            (422, "invalid_data", self._post([1, 2])),
        ]
        for status, code, res in cases:
            self.assertEqual(res.status_code, status, res.text)
            self.assertEqual(res.json()["error"], code)
        self.assertEqual(self.env["crm.lead"].search_count([]), count, "nothing created")

    def test_archived_source_refused(self):
        self.source.active = False
        res = self._post({"name": "x", "email": "a@b.com"})
        self.assertEqual(res.status_code, 403)

    def test_get_not_allowed(self):
        res = self.url_open(self.url)
        self.assertEqual(res.status_code, 405)
