from shop.main import app

__all__ = ["app"]
