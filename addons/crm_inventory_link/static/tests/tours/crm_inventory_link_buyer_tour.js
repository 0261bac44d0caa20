import { waitUntil } from "@odoo/hoot-dom";
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * Click the step's element and wait until the web client displays another action. The purchase gap list
 * looks the same before and after its menu is clicked (it may be the buyer's first menu of the app) or the
 * gaps are computed (the button reloads the action): without this, the next step could act on the list
 * that is about to be replaced.
 */
async function clickAndWaitForNewAction(helpers) {
    const previous = document.querySelector(".o_action_manager > .o_action");
    await helpers.click();
    await waitUntil(
        () => {
            const current = document.querySelector(".o_action_manager > .o_action");
            return current && current !== previous;
        },
        { timeout: 10000 }
    );
}

// Data built by crm_inventory_link/tests/test_tours.py: "Tour Buyer Widget" (storable, Buy route, bought from
// "Tour Buyer Vendor"), none in stock, 500 sold on a confirmed order. The buyer orders 600 instead.
registry.category("web_tour.tours").add("crm_inventory_link_buyer_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the CRM Flow app",
            trigger: ".o_app[data-menu-xmlid='crm_leads.menu_crm_flow_root']",
            run: "click",
        },
        {
            content: "Open the Inventory Link menu",
            trigger:
                ".o_menu_sections .dropdown-toggle[data-menu-xmlid='crm_inventory_link.menu_crm_inventory_link_root']",
            run: "click",
        },
        {
            content: "Open the purchase gap report",
            trigger: ".dropdown-item[data-menu-xmlid='crm_inventory_link.menu_crm_inventory_gap']",
            run: clickAndWaitForNewAction,
        },
        {
            trigger: ".o_last_breadcrumb_item:contains(Purchase Gap)",
        },
        {
            content: "Compute the gaps",
            trigger: ".o_control_panel button[name=action_refresh]",
            run: clickAndWaitForNewAction,
        },
        {
            content: "The product's gap: 500 to order from its vendor",
            trigger:
                ".o_list_view .o_data_row:contains(Tour Buyer Widget):contains(Tour Buyer Vendor):has(td[name=order_qty]:contains(500.00))",
        },
        {
            content: "Product, warehouse and vendor are not cut off (the test runs at 1440 px)",
            trigger: ".o_list_view .o_data_row:contains(Tour Buyer Widget)",
            run(helpers) {
                for (const name of ["product_id", "warehouse_id", "supplier_id"]) {
                    const cell = helpers.anchor.querySelector(`td[name=${name}]`);
                    if (!cell || cell.scrollWidth > cell.clientWidth + 1) {
                        throw new Error(`The ${name} column cuts its value off`);
                    }
                }
            },
        },
        {
            content: "Change the quantity to order: click the cell",
            trigger: ".o_list_view .o_data_row:contains(Tour Buyer Widget) td[name=order_qty]",
            run: "click",
        },
        {
            content: "Order 600 instead of 500",
            trigger: ".o_list_view .o_data_row.o_selected_row td[name=order_qty] input",
            run: "edit 600",
        },
        {
            content: "Save the row",
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Tour Buyer Widget):not(.o_selected_row):has(td[name=order_qty]:contains(600.00))",
        },
        {
            content: "Select the row",
            trigger: ".o_list_view .o_data_row:contains(Tour Buyer Widget) .o_list_record_selector input",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row.o_data_row_selected:contains(Tour Buyer Widget)",
        },
        {
            content: "Order the selected gap",
            trigger: ".o_control_panel button[name=action_create_orders]",
            run: "click",
        },
        {
            content: "The confirmation says how many rows will be ordered",
            trigger: ".modal:contains(1 row(s) of the purchase gap will be ordered)",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "One replenishment launched",
            trigger: ".o_notification:contains(1 replenishment(s) launched)",
        },
        {
            content: "Nothing left to order for the product",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Tour Buyer Widget)))",
        },
        stepUtils.showAppsMenuItem(),
        {
            content: "Open Purchase",
            trigger: ".o_app[data-menu-xmlid='purchase.menu_purchase_root']",
            run: "click",
        },
        {
            trigger: ".o_last_breadcrumb_item:contains(Requests for Quotation)",
        },
        {
            content: "The new request for quotation to the vendor",
            trigger: ".o_list_view .o_data_row:contains(Tour Buyer Vendor)",
        },
    ],
});
