import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Data built by crm_sales_flow/tests/test_tours.py: a confirmed order of "Tour Finance Customer" for 1,000.00
// with a payment plan of 30% (down payment) and 70% (balance). The tour starts on the order's form.
registry.category("web_tour.tours").add("crm_sales_flow_finance_tour", {
    steps: () => [
        {
            content: "The customer's order is open",
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains(Tour Finance Customer)",
        },
        {
            content: "It is confirmed",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=sale]",
        },
        {
            content: "Open the payment plan",
            trigger: ".o_notebook .nav-link[name=payment_plan]",
            run: "click",
        },
        {
            content: "The down payment installment: 30% of the total",
            trigger:
                ".o_field_widget[name=installment_ids] .o_data_row:contains(Tour down payment):has(td[name=amount]:contains(300.00))",
        },
        {
            content: "The balance installment: 70% of the total",
            trigger:
                ".o_field_widget[name=installment_ids] .o_data_row:contains(Tour balance):has(td[name=amount]:contains(700.00))",
        },
        {
            content: "The plan covers the contract",
            trigger: ".o_field_widget[name=payment_plan_total]:contains(1,000.00)",
        },
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the CRM Flow app",
            trigger: ".o_app[data-menu-xmlid='crm_leads.menu_crm_flow_root']",
            run: "click",
        },
        {
            content: "Open the Sales Flow menu",
            trigger: ".o_menu_sections .dropdown-toggle[data-menu-xmlid='crm_sales_flow.menu_crm_sales_flow_root']",
            run: "click",
        },
        {
            content: "Open the contracts and collection report",
            trigger: ".dropdown-item[data-menu-xmlid='crm_sales_flow.menu_crm_sales_flow_contract_report']",
            run: "click",
        },
        {
            content: "The report lists the contracts with their collection",
            trigger: ".o_list_view thead th[data-name=amount_collected]",
        },
        {
            content: "Search the order's customer",
            trigger: ".o_control_panel .o_searchview_input",
            run: "edit Tour Finance Customer",
        },
        {
            content: "Search by customer",
            trigger: ".o_searchview_autocomplete .o_menu_item:contains(Search Customer for)",
            run: "click",
        },
        {
            trigger: ".o_searchview_facet:contains(Tour Finance Customer)",
        },
        {
            content: "The order's row: contract amount, nothing collected yet, all outstanding",
            trigger:
                ".o_list_view .o_data_row:contains(Tour Finance Customer):has(td[name=amount_contract]:contains(1,000.00)):has(td[name=amount_outstanding]:contains(1,000.00))",
        },
    ],
});
