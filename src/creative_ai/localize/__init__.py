"""Copy per locale (the brief's own, else a translation) and the translators behind the seam."""
