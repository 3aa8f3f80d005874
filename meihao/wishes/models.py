"""Micro-wishes (微心愿, 点单式服务): a case type in claim mode, fulfilled by party
members and units.
"""
