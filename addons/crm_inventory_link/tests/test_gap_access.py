from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CrmInventoryLinkCommon

# who computes the purchase gap: inventory-link managers, which the administrators of sales, inventory,
# purchase and manufacturing are; their users are inventory-link users and read the report only
MANAGER_ROLES = {
    "link_manager": "crm_inventory_link.group_crm_inventory_link_manager",
    "stock_manager": "stock.group_stock_manager",
    "purchase_manager": "purchase.group_purchase_manager",
    "mrp_manager": "mrp.group_mrp_manager",
    "sale_manager": "sales_team.group_sale_manager",
}
USER_ROLES = {
    "stock_user": "stock.group_stock_user",
    "purchase_user": "purchase.group_purchase_user",
    "mrp_user": "mrp.group_mrp_user",
    "salesman": "sales_team.group_sale_salesman",
}


@tagged("post_install", "-at_install")
class TestGapAccess(CrmInventoryLinkCommon):
    """Computing the report is a manager's read of stock, vendors and bills of materials."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            role: new_test_user(cls.env, login=f"cil_access_{role}", groups=group)
            for role, group in {**MANAGER_ROLES, **USER_ROLES}.items()
        }
        cls.product_no_bom = cls._create_product("CIL Made No BoM", "CIL-M2", routes=cls.route_manufacture)
        cls._create_sale([(cls.product_made, 2.0), (cls.product_no_bom, 1.0), (cls.product_buy_b, 3.0)])
        cls.Gap = cls.env["crm.inventory.gap"]

    def _issues(self, gaps):
        return {gap.product_id: (gap.order_qty, gap.procure_issue) for gap in gaps}

    def test_managers_compute_the_report(self):
        for role in MANAGER_ROLES:
            with self.subTest(role=role):
                user = self.users[role]
                self.assertTrue(user.has_group("crm_inventory_link.group_crm_inventory_link_manager"))
                gaps = self.Gap.with_user(user)._action_refresh_report(self.warehouse)
                issues = self._issues(gaps)
                self.assertEqual(issues[self.product_made], (2.0, False), "its bill of materials is found")
                self.assertEqual(issues[self.product_no_bom], (1.0, "no_bom"))
                self.assertEqual(issues[self.product_buy_b], (3.0, False))
                self.assertEqual(
                    gaps.filtered(lambda g: g.product_id == self.product_buy_b).vendor_id, self.vendor_b
                )

    def test_compute_button_as_the_inventory_link_manager(self):
        action = self.Gap.with_user(self.users["link_manager"]).action_refresh()
        self.assertEqual(action["res_model"], "crm.inventory.gap")
        rows = self.Gap.search([("product_id", "=", self.product_no_bom.id)])
        self.assertEqual(rows.procure_issue, "no_bom")
        # ordering still needs the rights ordering needs
        with self.assertRaisesRegex(AccessError, "Manufacturing rights"):
            rows.with_user(self.users["link_manager"]).action_create_orders()

    def test_users_read_the_report_but_do_not_compute_it(self):
        self.Gap.with_user(self.manager)._action_refresh_report(self.warehouse)
        for role in USER_ROLES:
            with self.subTest(role=role):
                Gap = self.Gap.with_user(self.users[role])
                with self.assertRaisesRegex(AccessError, "Only inventory link managers can compute"):
                    Gap.action_refresh()
                self.assertEqual(Gap.search([("product_id", "=", self.product_made.id)]).order_qty, 2.0)
