// Starts swagger-ui on /schema/docs (kept out of the page so the CSP needs no inline script).
window.ui = SwaggerUIBundle({
  url: "/schema/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
});
