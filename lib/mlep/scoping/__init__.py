"""Scoping calculators for an ML project. Coming with Course 1 (see the course site)."""
