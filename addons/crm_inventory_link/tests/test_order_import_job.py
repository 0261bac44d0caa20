import base64

from odoo.addons.crm_leads.lib.spreadsheet import read_rows
from odoo.tests import tagged

from .common import CrmInventoryLinkCommon
from .test_order_import import HEADER, make_xlsx


@tagged("post_install", "-at_install")
class TestOrderImportJob(CrmInventoryLinkCommon):
    """Re-import of the same customer orders (update or skip, and say which), bad values per order, and
    the background import of large files (a tiny threshold here)."""

    ROWS = [
        HEADER,
        ["RE-1", "CIL-C1", "CIL-B1", 2, 15.5],
        ["RE-1", "CIL-C1", "CIL-B2", 3, 4],
        ["RE-2", "CIL-C1", "CIL-B3", 1, 9],
    ]

    def _import(self, rows, user=None):
        wizard = (
            self.env["crm.order.import"]
            .with_user(user or self.user)
            .create({"file": base64.b64encode(make_xlsx(rows)), "filename": "orders.xlsx"})
        )
        wizard.action_import()
        return wizard

    def _orders(self, ref):
        return self.env["sale.order"].search([("client_order_ref", "=", ref)])

    def test_reimport_skips_unchanged_orders(self):
        first = self._import(self.ROWS)
        self.assertEqual((first.order_count, first.updated_count, first.skipped_count), (2, 0, 0))
        again = self._import(self.ROWS)
        self.assertEqual((again.order_count, again.updated_count, again.skipped_count), (0, 0, 2))
        self.assertEqual(again.skipped_order_ids, first.order_ids)
        self.assertEqual(len(self._orders("RE-1")), 1, "no duplicate quotation")
        self.assertIn("RE-1 (%s): unchanged" % self._orders("RE-1").name, again.note)
        self.assertEqual(again.action_view_orders()["domain"], [("id", "in", first.order_ids.ids)])

    def test_reimport_updates_a_draft_and_skips_a_confirmed_order(self):
        self._import(self.ROWS)
        self._orders("RE-2").sudo().action_confirm()
        changed = [HEADER, ["RE-1", "CIL-C1", "CIL-B1", 5, 15.5], ["RE-2", "CIL-C1", "CIL-B3", 7, 9]]
        changed.append(["RE-3", "CIL-C1", "CIL-B3", 1, 9])
        wizard = self._import(changed)
        self.assertEqual((wizard.order_count, wizard.updated_count, wizard.skipped_count), (1, 1, 1))
        re1, re2 = self._orders("RE-1"), self._orders("RE-2")
        self.assertEqual(wizard.updated_order_ids, re1)
        self.assertEqual(
            re1.order_line.mapped("product_uom_qty"), [5.0], "the lines of the file replace the old"
        )
        self.assertEqual(wizard.skipped_order_ids, re2)
        self.assertEqual(re2.order_line.product_uom_qty, 1.0, "a confirmed order is not changed")
        self.assertIn(f"RE-1 ({re1.name}): updated", wizard.note)
        self.assertIn(f"RE-2 ({re2.name}): already confirmed, not changed", wizard.note)
        self.assertEqual(len(self._orders("RE-3")), 1)

    def test_reimport_of_another_salespersons_quotation_is_skipped(self):
        self._import(self.ROWS, user=self.manager)
        self.assertEqual(self._orders("RE-1").user_id, self.manager)
        changed = [HEADER, ["RE-1", "CIL-C1", "CIL-B1", 9, 15.5]]
        wizard = self._import(changed)
        self.assertEqual((wizard.order_count, wizard.updated_count, wizard.skipped_count), (0, 0, 1))
        self.assertIn("belongs to another salesperson", wizard.note)

    def test_bad_values_reject_their_order_only(self):
        rows = [
            HEADER,
            ["BV-1", "CIL-C1", "CIL-B1", "nan", 1],
            ["BV-2", "CIL-C1", "CIL-B1", 1, "inf"],
            ["BV-3", "CIL-C1", "CIL-B1", "1e400", 1],
            ["BV-4", "CIL-C1", "CIL-B1", 2, 3],
        ]
        wizard = self._import(rows)
        self.assertEqual((wizard.order_count, wizard.error_count), (1, 3))
        self.assertEqual(wizard.order_ids.client_order_ref, "BV-4")
        _header, errors = read_rows(wizard.error_filename, base64.b64decode(wizard.error_file))
        self.assertEqual(
            [row[-1] for row in errors],
            ["invalid quantity 'nan'", "invalid price 'inf'", "invalid quantity '1e400'"],
        )

    def test_big_file_in_the_background(self):
        icp = self.env["ir.config_parameter"].sudo()
        icp.set_param("crm_leads.import_background_threshold", 3)
        icp.set_param("crm_leads.import_batch_size", 20)  # 2 orders per batch
        rows = [HEADER] + [[f"BG-{i}", "CIL-C1", "CIL-B1", i + 1, 2] for i in range(5)]
        rows.append(["BG-X", "CIL-C1", "NOPE", 1, 1])
        wizard = self._import(rows)
        job = wizard.job_id
        self.assertEqual((wizard.state, job.state, job.total), ("queued", "queued", 6))
        self.assertFalse(self.env["sale.order"].search([("client_order_ref", "like", "BG-")]))
        job._run_one_batch()  # read the file: 5 orders, 1 rejected row
        self.assertEqual((job.total, job.rejected_count), (5, 1))
        job._run_one_batch()
        self.assertEqual((job.position, job.created_count), (2, 2))
        self.env["crm.import.job"]._cron_run_jobs()
        self.assertEqual((job.state, job.created_count, job.rejected_count), ("done", 5, 1))
        self.assertEqual(len(self.env["sale.order"].search([("client_order_ref", "like", "BG-")])), 5)
        self.assertTrue(job.error_file)
        # the same file again, in the background too: nothing duplicated, the job says they were skipped
        again = self._import(rows).job_id
        self.env["crm.import.job"]._cron_run_jobs()
        self.assertEqual((again.state, again.created_count, again.skipped_count), ("done", 0, 5))
        self.assertIn("BG-3", again.note)
        self.assertEqual(len(self.env["sale.order"].search([("client_order_ref", "like", "BG-")])), 5)

    def test_lines_get_the_analytic_distribution_and_warehouse_sale_computes(self):
        plan = self.env["account.analytic.plan"].create({"name": "Import plan"})
        account = self.env["account.analytic.account"].create({"name": "Import account", "plan_id": plan.id})
        self.env["account.analytic.distribution.model"].create(
            {"product_id": self.product_buy.id, "analytic_distribution": {str(account.id): 100}}
        )
        wizard = self._import(self.ROWS)
        lines = wizard.order_ids.order_line
        by_product = {line.product_id: line.analytic_distribution for line in lines}
        self.assertEqual(by_product[self.product_buy], {str(account.id): 100})
        self.assertFalse(by_product[self.product_buy2])
        self.assertEqual(wizard.order_ids.warehouse_id, self.user._get_default_warehouse_id())
