"""Storage interfaces (base) and what the service needs from storage."""
