"""HTTP routes only: each handler parses the request, calls a service and shapes the response."""
