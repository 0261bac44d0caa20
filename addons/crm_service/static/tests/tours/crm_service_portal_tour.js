import { registry } from "@web/core/registry";

// Data built by crm_service/tests/test_tours.py: a solved ticket of the portal user's company.
registry.category("web_tour.tours").add("crm_service_portal_ticket_tour", {
    url: "/my/tickets",
    steps: () => [
        {
            content: "Open the ticket from the list of my tickets",
            trigger: ".o_portal_my_ticket a:contains(Tour: label printer jams)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The ticket page shows the ticket",
            trigger: ".o_portal_ticket .card-header:contains(Tour: label printer jams)",
        },
        {
            // wait for the chatter's messages before leaving the page (the ticket has no public message yet)
            content: "The portal chatter is loaded",
            trigger: "#chatterRoot:shadow .o-mail-Chatter:contains(The conversation is empty)",
        },
        {
            content: "The description is shown",
            trigger: ".o_portal_ticket_description:contains(The label printer jams after ten labels.)",
        },
        {
            content: "One reply box: the portal chatter's",
            trigger: "body:not(:has(.o_portal_ticket_reply))",
        },
        {
            content: "Write a reply in the chatter",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit The printer works again, thank you!",
        },
        {
            content: "Send the reply",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The reply is in the communication history",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains(The printer works again, thank you!)",
        },
        {
            content: "Rate the closed ticket: satisfied",
            trigger: ".o_portal_ticket_rating a[href$='/5']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The satisfied smiley is selected",
            trigger: ".o_rating_page_submit label.o_rating_label.active[for=rate_5]",
        },
        {
            content: "Give a feedback",
            trigger: ".o_rating_page_submit textarea[name=feedback]",
            run: "edit Quick and friendly service",
        },
        {
            content: "Send the rating",
            trigger: ".o_rating_page_submit button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The rating is acknowledged",
            trigger: ".o_rating_page_thank_you:contains(Thank you for your feedback)",
        },
        {
            content: "Back to the ticket",
            trigger: "body",
            run: "goToUrl /my/tickets",
            expectUnloadPage: true,
        },
        {
            content: "Open the ticket again",
            trigger: ".o_portal_my_ticket a:contains(Tour: label printer jams)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page shows the rating given and no longer asks for it",
            trigger: ".o_portal_ticket_rated:contains(Quick and friendly service)",
        },
        {
            content: "No survey question left",
            trigger: "body:not(:has(.o_portal_ticket_rating))",
        },
    ],
});
