"""Launch and learn: creatives exported to the ad platforms, their results read back, and what works."""
