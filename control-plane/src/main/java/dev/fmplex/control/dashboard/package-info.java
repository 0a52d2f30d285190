/**
 * The admin dashboard at {@code /dashboard}: static files (HTML, CSS, ES modules under {@code
 * static/dashboard/}, uPlot from its webjar) that talk to the public REST API with the key the
 * operator typed in, kept in the tab's session storage. The server side is only this: the page
 * route and the headers that lock the page down. Nothing here reads data the API does not offer.
 */
package dev.fmplex.control.dashboard;
