"""Points and time-bank minutes: double-entry transfers between accounts (ARCHITECTURE.md,
abstraction 5).
"""
