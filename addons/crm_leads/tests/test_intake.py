import json
from unittest.mock import patch

from odoo import Command, http
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import config, mute_logger


@tagged("post_install", "-at_install")
class TestIntake(HttpCase):
    """The public door, through real HTTP posts: it never merges, deletes, overwrites or reveals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.lead.score.rule"].search([]).action_archive()
        cls.env["crm.lead.score.rule"].create(
            {"name": "Valid email", "rule_type": "email_valid", "points": 20}
        )
        cls.utm = cls.env["utm.source"].create({"name": "Website form"})
        cls.source = cls.env["crm.lead.intake.source"].create(
            {
                "name": "Contact form",
                "utm_source_id": cls.utm.id,
                "max_body_bytes": 2048,
                "event_points": 10,
                "allowed_origins": "https://www.example.com\nhttps://shop.example.com/",
            }
        )
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        cls.seller = cls.env["res.users"].create(
            {
                "name": "Intake Seller",
                "login": "intake_seller",
                "groups_id": [Command.set([cls.env.ref("sales_team.group_sale_salesman").id])],
            }
        )
        cls.url = "/crm_leads/intake"

    def _post(self, payload, token=None, headers=None, raw=None):
        hdrs = {"Content-Type": "application/json"}
        if token is not False:
            hdrs["X-Intake-Token"] = token or self.source.token
        hdrs.update(headers or {})
        data = raw if raw is not None else json.dumps(payload)
        return self.url_open(self.url, data=data, headers=hdrs)

    def _leads(self, email):
        return self.env["crm.lead"].with_context(active_test=False).search([("email_normalized", "=", email)])

    def test_creates_scored_lead_and_reveals_nothing(self):
        res = self._post(
            {
                "name": "Website lead",
                "email": "visitor@example.com",
                "company": "Visitor Ltd",
                "utm_campaign": "Spring fair",
                "utm_medium": "Banner",
            }
        )
        self.assertEqual(res.status_code, 202, res.text)
        self.assertEqual(res.json(), {"ok": True}, "no id, score or grade")
        lead = self._leads("visitor@example.com")
        self.assertEqual(len(lead), 1)
        self.assertEqual((lead.source_id, lead.intake_source_id), (self.utm, self.source))
        self.assertEqual((lead.partner_name, lead.company_id), ("Visitor Ltd", self.company))
        self.assertEqual(lead.campaign_id.name, "Spring fair")
        self.assertEqual(lead.medium_id.name, "Banner")
        self.assertEqual(lead.lead_score, 30, "valid email 20 + web form event 10")
        self.assertEqual(lead.score_event_ids.event_type, "web_form")

    def test_open_lead_gets_one_event_a_day_and_a_note_never_a_merge(self):
        deals = self.env["crm.lead"].create(
            [
                {
                    "name": f"Deal {amount}",
                    "type": "opportunity",
                    "email_from": "buyer@example.com",
                    "expected_revenue": amount,
                    "user_id": self.seller.id,
                    "description": "Negotiated terms",
                }
                for amount in (24000, 25000)
            ]
        )
        for message in ("Call me", "Call me again", "And again"):
            res = self._post({"name": "Only a name", "email": "BUYER@example.com", "message": message})
            self.assertEqual((res.status_code, res.json()), (202, {"ok": True}))
        self.assertEqual(self._leads("buyer@example.com"), deals, "nothing created, merged or deleted")
        self.assertEqual(deals.mapped("expected_revenue"), [24000, 25000])
        self.assertEqual(set(deals.mapped("description")), {"<p>Negotiated terms</p>"})
        first = deals.sorted("id")[0]
        self.assertEqual(len(first.score_event_ids), 1, "one engagement event a day")
        self.assertFalse(deals[1].score_event_ids)
        notes = first.message_ids.filtered(lambda m: "Web form" in (m.body or ""))
        self.assertEqual(len(notes), 3)
        self.assertIn("And again", notes[0].body)

    def test_won_lead_or_customer_gives_a_new_lead_linked_to_the_customer(self):
        customer = self.env["res.partner"].create(
            {"name": "Known Customer", "email": "known@example.com", "phone": "+32 2 555 12 34"}
        )
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        won = self.env["crm.lead"].create(
            {
                "name": "Won deal",
                "type": "opportunity",
                "partner_id": customer.id,
                "stage_id": won_stage.id,
                "description": "Done",
            }
        )
        res = self._post({"name": "New need", "email": "other@example.com", "phone": "+32 2 555 12 34"})
        self.assertEqual(res.status_code, 202)
        new = self.env["crm.lead"].search([("partner_id", "=", customer.id), ("id", "!=", won.id)])
        self.assertEqual(len(new), 1)
        self.assertEqual(new.type, "lead")
        self.assertEqual(customer.email, "known@example.com", "the customer's email is not overwritten")
        self.assertIn("other@example.com", new.message_ids[0].body, "the submitted email is in the note")
        self.assertEqual((won.stage_id, won.description), (won_stage, "<p>Done</p>"))

    def test_nothing_matches_across_companies(self):
        theirs = self.env["crm.lead"].create(
            {"name": "Theirs", "email_from": "shared@example.com", "company_id": self.other_company.id}
        )
        res = self._post({"name": "Mine", "email": "shared@example.com"})
        self.assertEqual(res.status_code, 202)
        leads = self._leads("shared@example.com")
        self.assertEqual(len(leads), 2)
        self.assertFalse(theirs.score_event_ids)
        self.assertEqual((leads - theirs).company_id, self.company)

    def test_typed_and_bounded_fields_name_the_field(self):
        count = self.env["crm.lead"].search_count([])
        cases = [
            ({"name": "x", "email": "a@b.com", "employees": True}, "employees"),
            ({"name": "x", "email": "a@b.com", "employees": "99999999999999"}, "employees"),
            ({"name": "x", "email": "a@b.com", "employees": 10**30}, "employees"),
            ({"name": "x", "email": "a@b.com", "employees": -1}, "employees"),
            ({"name": "a\x00b", "email": "a@b.com"}, "name"),
            ({"name": "x" * 201, "email": "a@b.com"}, "name"),
            ({"name": ["x"], "email": "a@b.com"}, "name"),
            ({"name": "x", "email": "bad"}, "email"),
            ({"name": "x", "email": "a@b.com", "admin": True}, "admin"),
            ({"name": "No contact"}, "email"),
        ]
        for payload, field in cases:
            with self.subTest(payload=str(payload)[:60]):
                res = self._post(payload)
                self.assertEqual(res.status_code, 422, res.text)
                body = res.json()
                self.assertEqual(body["error"], "invalid_data")
                self.assertIn(field, [problem["field"] for problem in body["problems"]])
        self.assertEqual(self.env["crm.lead"].search_count([]), count, "nothing created")

    def test_malformed_bodies_are_json_errors(self):
        nested = "[" * 5000 + "]" * 5000
        cases = [
            (401, "missing_token", self._post({"name": "x", "email": "a@b.com"}, token=False)),
            (403, "invalid_token", self._post({"name": "x", "email": "a@b.com"}, token="nope")),
            (
                415,
                "unsupported_media_type",
                self._post({}, headers={"Content-Type": "text/plain"}, raw="n=x"),
            ),
            (400, "invalid_json", self._post(None, raw="{not json")),
            (400, "invalid_json", self._post(None, raw=b"\xff\xfe")),
            (413, "too_large", self._post({"name": "x" * 5000, "email": "a@b.com"})),
            (422, "invalid_data", self._post([1, 2])),
        ]
        self.source.max_body_bytes = 20000
        cases.append((400, "invalid_json", self._post(None, raw=nested)))
        for status, code, res in cases:
            self.assertEqual(res.status_code, status, res.text)
            self.assertEqual(res.headers["Content-Type"], "application/json; charset=utf-8")
            self.assertEqual(res.json()["error"], code)

    def test_token_only_in_the_header(self):
        res = self.url_open(
            f"{self.url}?token={self.source.token}",
            data=json.dumps({"name": "x", "email": "q@example.com"}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(res.status_code, 401)
        self.assertFalse(self._leads("q@example.com"))

    def test_country_by_code_or_full_name(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        china = self.env.ref("base.cn")
        china.with_context(lang="zh_CN").name = "中国"  # as base's zh_CN translation has it
        self.env.registry.clear_cache()
        for value, expected in (("CN", china), ("china", china), ("中国", china), ("China ", china)):
            with self.subTest(value=value):
                email = f"c{len(value)}{ord(value[0])}@example.com"
                self.assertEqual(self._post({"name": "x", "email": email, "country": value}).status_code, 202)
                self.assertEqual(self._leads(email).country_id, expected)
        for value in ("Atlantis", "%", "Ch_na", "Ger"):
            with self.subTest(value=value):
                email = f"u{ord(value[0])}{len(value)}@example.com"
                self.assertEqual(self._post({"name": "x", "email": email, "country": value}).status_code, 202)
                lead = self._leads(email)
                self.assertFalse(lead.country_id, "never a prefix or pattern match")
                self.assertIn("Country not recognised", lead.message_ids[0].body)

    def test_honeypot_creates_nothing(self):
        res = self._post({"name": "Bot", "email": "bot@example.com", "website": "http://spam.example"})
        self.assertEqual((res.status_code, res.json()), (202, {"ok": True}))
        self.assertFalse(self._leads("bot@example.com"))

    def test_rate_limit_per_address(self):
        self.source.rate_limit_address = 3
        statuses = [self._post({"name": "x", "email": f"r{i}@example.com"}).status_code for i in range(5)]
        self.assertEqual(statuses, [202, 202, 202, 429, 429])
        res = self._post({"name": "x", "email": "r9@example.com"})
        self.assertEqual(res.json()["error"], "rate_limited")

    def test_cors_preflight_and_origin(self):
        preflight = self.opener.options(
            self.base_url() + self.url,
            headers={
                "Origin": "https://shop.example.com",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type, x-intake-token",
            },
            timeout=10,
        )
        self.assertEqual(preflight.status_code, 204, preflight.text)
        self.assertEqual(preflight.headers["Access-Control-Allow-Origin"], "https://shop.example.com")
        self.assertIn("X-Intake-Token", preflight.headers["Access-Control-Allow-Headers"])
        refused = self.opener.options(
            self.base_url() + self.url, headers={"Origin": "https://evil.example"}, timeout=10
        )
        self.assertEqual(refused.status_code, 403)
        ok = self._post(
            {"name": "x", "email": "o@example.com"}, headers={"Origin": "https://www.example.com"}
        )
        self.assertEqual(ok.status_code, 202)
        self.assertEqual(ok.headers["Access-Control-Allow-Origin"], "https://www.example.com")
        bad = self._post({"name": "x", "email": "e@example.com"}, headers={"Origin": "https://evil.example"})
        self.assertEqual(bad.status_code, 403)
        self.assertFalse(self._leads("e@example.com"))

    def test_snippet_names_the_route_and_the_header(self):
        snippet = self.source.snippet
        self.assertIn("/crm_leads/intake", snippet)
        self.assertIn("X-Intake-Token", snippet)
        self.assertIn('name="website"', snippet)

    def test_archived_source_refused(self):
        self.source.active = False
        res = self._post({"name": "x", "email": "a@b.com"})
        self.assertEqual(res.status_code, 403)

    @mute_logger("odoo.http")
    def test_get_not_allowed(self):
        res = self.url_open(self.url)
        self.assertEqual(res.status_code, 405)

    def test_database_named_in_the_address(self):
        """/crm_leads/intake/<db>: the same door, on the database the address names."""
        self.url = f"/crm_leads/intake/{self.env.cr.dbname}"
        res = self._post({"name": "Named db lead", "email": "named@example.com"})
        self.assertEqual((res.status_code, res.json()), (202, {"ok": True}))
        lead = self._leads("named@example.com")
        self.assertEqual(lead.name, "Named db lead")
        self.assertEqual(lead.source_id, self.utm)
        self.assertEqual(lead.create_uid, self.env.ref("base.public_user"))
        self.assertEqual(self._post({"name": "x"}, token="wrong").status_code, 403)
        preflight = self.opener.options(
            self.base_url() + self.url,
            headers={"Origin": "https://shop.example.com", "Access-Control-Request-Method": "POST"},
            timeout=10,
        )
        self.assertEqual(preflight.status_code, 204)

    def test_unknown_database_is_a_json_404(self):
        self.url = "/crm_leads/intake/no_such_database_here"
        res = self._post({"name": "x", "email": "nodb@example.com"})
        self.assertEqual(res.status_code, 404)
        self.assertEqual(res.json()["error"], "unknown_database")
        self.assertFalse(self._leads("nodb@example.com"))


@tagged("post_install", "-at_install")
class TestIntakeDatabase(TransactionCase):
    """On a server with several databases, the route answers on the database Odoo's dbfilter gives the
    host (as the README says): the form of erp.example.com posts to the database 'erp'."""

    def test_dbfilter_picks_the_database_of_the_host(self):
        with patch.dict(config.options, {"dbfilter": "^%d$", "db_name": ""}):
            self.assertEqual(http.db_filter(["erp", "shop", "erp_test"], host="erp.example.com"), ["erp"])
            self.assertEqual(http.db_filter(["erp", "shop"], host="shop.example.com:8069"), ["shop"])
