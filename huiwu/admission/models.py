"""Admission rules and declarations (see the admission issue)."""
