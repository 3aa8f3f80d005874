"""Volunteer registration, teams of the alliance, dual registration (双报到), stars
and certificates.
"""
