"""msgspec request and response shapes, one module per API area."""
