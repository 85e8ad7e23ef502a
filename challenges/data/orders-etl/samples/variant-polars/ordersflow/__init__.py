"""Orders ETL on Polars."""
