from odoo import fields
from odoo.fields import Command
from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase


class CrmSalesFlowCommon(TransactionCase):
    """Base class of the crm_sales_flow tests: tracking off, one user per security group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        # salespeople are Sales Flow users, sales administrators its managers, through Odoo's groups
        cls.user = new_test_user(
            cls.env, login="crm_sales_flow_user", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(
            cls.env,
            login="crm_sales_flow_manager",
            groups="crm_sales_flow.group_crm_sales_flow_manager,sales_team.group_sale_salesman_all_leads",
        )
        cls.other_user = new_test_user(
            cls.env, login="crm_sales_flow_other", groups="sales_team.group_sale_salesman"
        )
        cls.accountant = new_test_user(
            cls.env,
            login="crm_sales_flow_accountant",
            groups="account.group_account_invoice,sales_team.group_sale_salesman_all_leads",
        )
        cls.company = cls.env.company
        cls.customer = cls.env["res.partner"].create({"name": "Flow Customer Ltd", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "Flow Contact", "parent_id": cls.customer.id})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Flow Service",
                "type": "service",
                "list_price": 100.0,
                "invoice_policy": "order",
                "taxes_id": False,
            }
        )

    @classmethod
    def _create_order(cls, partner=None, qty=10, price=100.0, user=None, installments=None, confirm=False):
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "user_id": (user or cls.user).id,
                "order_line": [
                    Command.create(
                        {"product_id": cls.product.id, "product_uom_qty": qty, "price_unit": price}
                    )
                ],
                "installment_ids": [Command.create(vals) for vals in (installments or [])],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def _invoice(cls, orders, post=True):
        invoice = orders._create_invoices()
        if post:
            invoice.action_post()
        return invoice

    @classmethod
    def _pay(cls, invoices, amount, date=None):
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({"amount": amount, "payment_date": date or fields.Date.today(), "group_payment": True})
        )
        return wizard._create_payments()
