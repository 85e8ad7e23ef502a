"""Order events (CSV and JSON lines) to clean, day-partitioned Parquet and daily revenue."""
