"""Alexa interaction models, one JSON file per locale (shipped inside the skill package)."""
