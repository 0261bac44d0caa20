from . import (
    test_access,
    test_assignment,
    test_install,
    test_mail_gateway,
    test_partner,
    test_portal,
    test_sale_order,
    test_sla,
    test_stock_billing,
    test_ticket,
    test_tours,
    test_views,
)
