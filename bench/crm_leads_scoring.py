#!/usr/bin/env python3
"""Benchmark: crm_leads batch scoring vs Odoo's predictive lead scoring rebuild, on the same leads.

Copies the template database (``--template``) into a throwaway one, installs crm_leads, inserts N leads
with ``INSERT ... SELECT generate_series`` (country, source, tags, size, email/phone, won/lost/open
stages, engagement events), then times

* ``crm.lead._cron_lead_score()``: the explainable score of every active lead (six fit rules of
  every type but industry, and decaying engagement events), computed in the database by the compiled
  rules, one statement a batch (first run: no lead has a score yet, every score row is written;
  second run, as the daily cron: every lead is rescored, only the changed scores are written);
* ``crm.lead._cron_update_automated_probabilities()``: Odoo's PLS frequency table rebuild and
  probability update (``crm.pls_fields`` set to the same facts: country, source, tags, email, phone),

checks that the scores stored for a sample of leads equal the Python explanation of the same rules
(``lib.scoring.score_leads``), prints the durations and the ratios, and drops the database.

    python3 bench/crm_leads_scoring.py --leads 100000
"""

import argparse
import time

from _odoo_env import add_arguments, import_odoo, throwaway_database

POPULATE_SQL = """
WITH params AS (
    SELECT (SELECT array_agg(id ORDER BY id) FROM res_country) AS countries,
           (SELECT array_agg(id ORDER BY id) FROM utm_source) AS sources,
           (SELECT array_agg(id ORDER BY sequence, id) FROM crm_stage
             WHERE is_won IS NOT TRUE) AS open_stages,
           (SELECT min(id) FROM crm_stage WHERE is_won) AS won_stage,
           (SELECT min(id) FROM crm_team) AS team,
           (SELECT min(id) FROM res_company) AS company
)
INSERT INTO crm_lead (name, type, active, email_from, email_normalized, phone, country_id, source_id,
                      employee_count, stage_id, team_id, company_id, probability, automated_probability,
                      email_state, phone_state, create_date, write_date, create_uid, write_uid, date_open)
SELECT 'Bench lead ' || g,
       CASE WHEN mod(g, 3) = 0 THEN 'opportunity' ELSE 'lead' END,
       mod(g, 5) <> 0,                                   -- one in five lost (archived)
       CASE WHEN mod(g, 7) = 0 THEN 'broken-' || g ELSE 'lead' || g || '@example.com' END,
       CASE WHEN mod(g, 7) = 0 THEN NULL ELSE 'lead' || g || '@example.com' END,
       CASE WHEN mod(g, 4) = 0 THEN NULL ELSE '+32 2 ' || lpad(mod(g, 1000000)::text, 7, '0') END,
       countries[1 + mod(g * 7, array_length(countries, 1))],
       sources[1 + mod(g * 3, array_length(sources, 1))],
       mod(g * 37, 2000),
       CASE WHEN mod(g, 5) = 0 THEN open_stages[1]
            WHEN mod(g, 10) = 1 THEN won_stage
            ELSE open_stages[1 + mod(g, array_length(open_stages, 1))] END,
       team, company,
       CASE WHEN mod(g, 5) = 0 THEN 0 WHEN mod(g, 10) = 1 THEN 100 ELSE 10 + mod(g, 60) END,
       CASE WHEN mod(g, 5) = 0 THEN 0 WHEN mod(g, 10) = 1 THEN 100 ELSE 10 + mod(g, 60) END,
       CASE WHEN mod(g, 7) = 0 THEN 'incorrect' ELSE 'correct' END,
       CASE WHEN mod(g, 4) = 0 THEN NULL ELSE 'correct' END,
       now() - (mod(g, 365) || ' days')::interval, now(), 1, 1, now()
  FROM params, generate_series(1, %s) AS g;

INSERT INTO crm_tag_rel (lead_id, tag_id)
SELECT l.id, t.id FROM crm_lead l JOIN crm_tag t ON mod(l.id + t.id, 4) = 0
 WHERE starts_with(l.name, 'Bench lead ');

INSERT INTO crm_lead_score_event (lead_id, name, event_type, points, date, create_date, write_date,
                                  create_uid, write_uid)
SELECT id, 'Web form', 'web_form', 10 + mod(id, 20), now() - (mod(id, 90) || ' days')::interval,
       now(), now(), 1, 1
  FROM crm_lead WHERE starts_with(name, 'Bench lead ') AND mod(id, 10) = 0;
"""


def populate(env, n):
    from odoo.tools import SQL

    statements = [part.strip() for part in POPULATE_SQL.split(";") if part.strip()]
    env.cr.execute(SQL(statements[0], n))
    for statement in statements[1:]:
        env.cr.execute(SQL(statement))
    countries = env["res.country"].search([("code", "in", ["BE", "FR", "DE", "CN", "US"])])
    tags = env["crm.tag"].search([], limit=2)
    sources = env["utm.source"].search([], limit=2)
    Rule = env["crm.lead.score.rule"]
    Rule.create(
        [
            {
                "name": "Target countries",
                "rule_type": "country",
                "points": 25,
                "country_ids": [(6, 0, countries.ids)],
            },
            {"name": "Key tags", "rule_type": "tag", "points": 15, "tag_ids": [(6, 0, tags.ids)]},
            {
                "name": "Good sources",
                "rule_type": "source",
                "points": 10,
                "source_ids": [(6, 0, sources.ids)],
            },
            {"name": "Valid email", "rule_type": "email_valid", "points": 10},
            {"name": "Valid phone", "rule_type": "phone_valid", "points": 5},
            {"name": "Mid size", "rule_type": "company_size", "points": 8, "size_min": 50, "size_max": 500},
        ]
    )
    icp = env["ir.config_parameter"].sudo()
    icp.set_param("crm.pls_start_date", "2000-01-01")
    icp.set_param("crm.pls_fields", "phone_state,email_state,country_id,source_id,tag_ids")
    env.cr.commit()


def check_sample(env, size):
    """Compare the stored scores of ``size`` leads with the Python form of the algorithm, evaluated at
    the time each score was written. Returns ``(checked, mismatches)``."""
    from odoo.addons.crm_leads.lib import scoring

    cr = env.cr
    cr.execute(
        """SELECT s.id, s.score, s.grade, s.scored_on FROM crm_lead_score s JOIN crm_lead l ON l.id = s.id
            WHERE l.active ORDER BY md5(s.id::text) LIMIT %s""",
        [size],
    )
    stored = cr.fetchall()
    Lead = env["crm.lead"]
    params = Lead._lead_score_params()
    rules = env["crm.lead.score.rule"]._get_scoring_rules()
    facts, events = Lead._lead_score_gather([row[0] for row in stored])
    rules = scoring.prepare_rules(rules)
    mismatches = 0
    for lead_id, score, grade, scored_on in stored:
        expected = scoring.score_lead(
            facts[lead_id],
            rules,
            events.get(lead_id, ()),
            scored_on,
            params["half_life_days"],
            params["blend"],
            params["grades"],
        )
        mismatches += expected[:2] != (score, grade)
    return len(stored), mismatches


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--leads", type=int, default=100_000, help="leads inserted (default %(default)s)")
    parser.add_argument("--sample", type=int, default=5000, help="leads checked against Python")
    add_arguments(parser, "crm_leads")
    args = parser.parse_args()

    odoo = import_odoo()
    log_args = [
        "--log-level=info",
        "--log-handler=odoo.modules:WARNING",
        "--log-handler=odoo.addons.base:WARNING",
    ]
    with throwaway_database(args, "crm_leads", log_args) as registry:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            t0 = time.perf_counter()
            populate(env, args.leads)
            cr.execute("SELECT count(*), count(*) FILTER (WHERE active) FROM crm_lead")
            total, active = cr.fetchone()
            cr.execute("ANALYZE crm_lead; ANALYZE crm_tag_rel; ANALYZE crm_lead_score_event")
            cr.commit()
            print(f"data: {total} leads ({active} active) in {time.perf_counter() - t0:.1f} s")

        def timed(method):
            """Run ``crm.lead.<method>()`` in a committed transaction: (result, seconds, leads per grade)."""
            with registry.cursor() as cr:
                env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                t0 = time.perf_counter()
                result = getattr(env["crm.lead"], method)()
                cr.commit()
                seconds = time.perf_counter() - t0
                cr.execute(
                    """SELECT s.grade, count(*) FROM crm_lead l LEFT JOIN crm_lead_score s ON s.id = l.id
                        WHERE l.active GROUP BY 1 ORDER BY 1"""
                )
                return result, seconds, dict(cr.fetchall())

        scored, ours, grades = timed("_cron_lead_score")
        print(f"crm_leads scoring: {scored} leads in {ours:.2f} s (grades {grades})")
        _scored, again, _grades = timed("_cron_lead_score")
        print(f"crm_leads rescoring (daily cron, only changed rows written): {again:.2f} s")
        _result, pls, _grades = timed("_cron_update_automated_probabilities")
        print(f"Odoo PLS rebuild (_cron_update_automated_probabilities): {pls:.2f} s")
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            checked, mismatches = check_sample(env, args.sample)
            print(f"checked {checked} leads against the Python explanation: {mismatches} mismatches")
        for label, seconds in (("first full scoring", ours), ("daily rescoring", again)):
            ratio = pls / seconds if seconds else float("inf")
            verdict = "goal of 10x met" if ratio >= 10 else "goal of 10x NOT met"
            print(f"ratio PLS / crm_leads {label} = {ratio:.1f}x ({verdict})")


if __name__ == "__main__":
    main()
