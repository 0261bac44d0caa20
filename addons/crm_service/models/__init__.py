from . import (
    res_partner,
    sale_order,
    service_sla_policy,
    service_team,
    service_ticket,
    service_ticket_line,
    service_ticket_returns_billing,
    service_ticket_stage,
    service_ticket_type,
    stock_move,
    stock_picking,
    stock_return_picking,
)
