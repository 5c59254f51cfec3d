"""Outgoing e-mail: SMTP when SMTP_URL is set, otherwise .eml files under the data dir."""
