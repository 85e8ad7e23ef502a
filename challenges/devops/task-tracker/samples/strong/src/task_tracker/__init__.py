"""Task tracker: a to-do list kept in tasks.json."""
