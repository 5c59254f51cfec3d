"""HTTP routes only: each handler parses the request, calls a service and shapes the response.

Handlers ask for their services by parameter name; the providers live in
app/routes/dependencies.py, registered once on the app.
"""
