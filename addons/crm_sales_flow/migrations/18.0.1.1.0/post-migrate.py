"""Installment paid amounts and states became computed from the reconciled payments (issue 11): recompute
the stored values, which may have been written by hand before."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    installments = env["sale.order.installment"].search([])
    installments._recompute_collection()
