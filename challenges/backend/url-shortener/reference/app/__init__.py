"""URL Shortening Service (reference solution)."""
