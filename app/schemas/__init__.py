"""msgspec Structs: request and response bodies of the API."""
