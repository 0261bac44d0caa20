from . import (
    res_partner,
    sale_order,
    service_sla_policy,
    service_team,
    service_ticket,
    service_ticket_escalation,
    service_ticket_line,
    service_ticket_sla,
    service_ticket_sla_pause,
    service_ticket_stage,
    service_ticket_type,
    stock_picking,
)
