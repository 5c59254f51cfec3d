"""Authentication: bearer tokens (JWT signed with SECRET_KEY) and the user they name."""
