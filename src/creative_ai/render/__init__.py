"""Rendering: crop a hero to a placement, fit and draw the copy, compose logo, scrim and CTA."""
