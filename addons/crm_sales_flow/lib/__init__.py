"""Plain-Python algorithms of this module: no Odoo import, no ORM; the models call them in batches."""
