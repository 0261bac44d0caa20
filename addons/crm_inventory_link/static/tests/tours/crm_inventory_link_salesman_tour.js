import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Data built by crm_inventory_link/tests/test_tours.py: the unowned lead "Tour pool lead" of
// "Tour Pool Customer" (Belgium) sits in the pool "Tour East Pool" of which the salesman "Tour Salesman Sam"
// is a member; the scoring rule "Tour Belgium fit" gives Belgian leads 30 points.
registry.category("web_tour.tours").add("crm_inventory_link_salesman_tour", {
    url: "/odoo/crm",
    steps: () => [
        {
            content: "The pipeline is open",
            trigger: ".o_opportunity_kanban .o_kanban_renderer",
        },
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the CRM Flow app",
            trigger: ".o_app[data-menu-xmlid='crm_leads.menu_crm_flow_root']",
            run: "click",
        },
        {
            content: "Open the Leads menu",
            trigger: ".o_menu_sections .dropdown-toggle[data-menu-xmlid='crm_leads.menu_crm_leads_root']",
            run: "click",
        },
        {
            content: "Open the lead pool",
            trigger: ".dropdown-item[data-menu-xmlid='crm_leads.menu_crm_leads_pool_leads']",
            run: "click",
        },
        {
            trigger: ".o_last_breadcrumb_item:contains(Lead Pool)",
        },
        {
            content: "Open the unowned lead of the pool",
            trigger: ".o_list_view .o_data_row td[name=name]:contains(Tour pool lead)",
            run: "click",
        },
        {
            content: "Claim it",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_pool_claim]",
            run: "click",
        },
        {
            content: "The salesman owns the lead",
            trigger: ".o_form_view .o_field_widget[name=user_id] input:value(Tour Salesman Sam)",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button[name=action_pool_claim]))",
        },
        {
            content: "Open the score page",
            trigger: ".o_notebook .nav-link[name=crm_leads_score]",
            run: "click",
        },
        {
            content: "The score breakdown explains the score",
            trigger:
                ".o_field_widget[name=lead_score_html] table.o_crm_leads_breakdown tr:contains(Tour Belgium fit):contains(+30)",
        },
        {
            content: "Convert the lead to an opportunity",
            trigger: ".o_form_view .o_statusbar_buttons button:contains(Convert to Opportunity)",
            run: "click",
        },
        {
            content: "Convert, linked to the lead's customer",
            trigger: ".modal .o_field_widget[name=name] input[data-value=convert]:checked",
        },
        {
            trigger: ".modal .o_field_widget[name=partner_id] input:value(Tour Pool Customer)",
        },
        {
            content: "Create the opportunity",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "The opportunity has a products page",
            trigger: ".o_form_view .o_notebook .nav-link[name=cil_products]",
            run: "click",
        },
        {
            content: "Add a product line",
            trigger: ".o_field_widget[name=lead_line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Choose the product",
            trigger: ".o_field_widget[name=lead_line_ids] .o_data_row .o_field_widget[name=product_id] input",
            run: "edit Tour Salesman Widget",
        },
        {
            trigger:
                ".o_field_widget[name=lead_line_ids] .o_field_widget[name=product_id] .o-autocomplete--dropdown-item a:contains(Tour Salesman Widget)",
            run: "click",
        },
        {
            content: "Three of them",
            trigger: ".o_field_widget[name=lead_line_ids] .o_data_row .o_field_widget[name=product_uom_qty] input",
            run: "edit 3",
        },
        {
            content: "The unit price comes from the product",
            trigger: ".o_field_widget[name=lead_line_ids] .o_data_row .o_field_widget[name=price_unit] input:value(120.00)",
        },
        {
            content: "Save the opportunity",
            trigger: ".o_form_view .o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "The product line is saved",
            trigger:
                ".o_form_saved .o_field_widget[name=lead_line_ids] .o_data_row:contains(Tour Salesman Widget):has(td[name=product_uom_qty]:contains(3.00))",
        },
        {
            content: "Make a quotation",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_sale_quotations_new]",
            run: "click",
        },
        {
            content: "The quotation has the opportunity's product line",
            trigger:
                ".o_field_widget[name=order_line] .o_data_row:contains(Tour Salesman Widget):has(td[name=product_uom_qty]:contains(3.00))",
        },
        {
            content: "The quotation is for the opportunity's customer",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input:value(Tour Pool Customer)",
        },
        {
            content: "Save the quotation",
            trigger: ".o_form_view .o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "The quotation is saved with a number",
            trigger: ".o_form_saved .o_field_widget[name=name] span:not(:contains(New))",
        },
    ],
});
