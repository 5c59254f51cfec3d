"""Business rules. Services call repositories and never see HTTP."""
