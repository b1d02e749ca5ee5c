"""The monitoring agent: watches briefs and campaign health, raises alerts, drafts and delivers them."""
