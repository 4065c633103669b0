"""The desktop application (Qt)."""
