"""Qt widgets, models and the background task runner (the desktop app)."""
