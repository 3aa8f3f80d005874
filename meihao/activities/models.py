"""Anything scheduled that people sign up for and attend, and the service records attendance
produces (abstraction 4).
"""
