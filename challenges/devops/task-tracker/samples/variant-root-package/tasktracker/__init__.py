"""A to-do list kept in ./tasks.json."""
