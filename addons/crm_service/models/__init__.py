from . import (
    res_partner,
    service_sla_policy,
    service_team,
    service_ticket,
    service_ticket_line,
    service_ticket_stage,
    service_ticket_type,
    stock_picking,
)
