"""GET /quotes/{sku}: every supplier's price, cheapest first, the rest left out."""

import pytest
from conftest import Api
from fakes import Suppliers

pytestmark = pytest.mark.category("aggregation")


def quotes_of(api: Api, sku: str) -> list[tuple[str, float]]:
    answer = api.get(f"/quotes/{sku}")
    assert answer.status == 200, f"expected 200, got {answer.status}: {answer.body}"
    assert answer.body["sku"] == sku
    return [(q["supplier"], q["price"]) for q in answer.body["quotes"]]


def test_quotes_hold_every_supplier_cheapest_first(api: Api, suppliers: Suppliers) -> None:
    suppliers.reset(
        {("acme", "kettle"): 30.0, ("globex", "kettle"): 25.5, ("initech", "kettle"): 27.25}
    )
    assert quotes_of(api, "kettle") == [("globex", 25.5), ("initech", 27.25), ("acme", 30.0)]


def test_cheapest_names_the_lowest_price(api: Api, suppliers: Suppliers) -> None:
    suppliers.reset({("acme", "toaster"): 19.99, ("globex", "toaster"): 24.0})
    answer = api.get("/quotes/toaster")
    assert answer.body["cheapest"] == {"supplier": "acme", "price": 19.99}


def test_equal_prices_are_ordered_by_supplier_name(api: Api, suppliers: Suppliers) -> None:
    suppliers.reset({("initech", "mug"): 5.0, ("acme", "mug"): 5.0, ("globex", "mug"): 4.0})
    assert quotes_of(api, "mug") == [("globex", 4.0), ("acme", 5.0), ("initech", 5.0)]


def test_suppliers_without_a_price_are_left_out(api: Api, suppliers: Suppliers) -> None:
    suppliers.reset({("acme", "lamp"): 500, ("initech", "lamp"): 42.0})
    assert quotes_of(api, "lamp") == [("initech", 42.0)]


def test_a_product_no_supplier_sells_is_404(api: Api, suppliers: Suppliers) -> None:
    suppliers.reset({("acme", "kettle"): 30.0})
    answer = api.get("/quotes/unicorn")
    assert answer.status == 404, f"expected 404, got {answer.status}: {answer.body}"
    assert isinstance(answer.body, dict) and answer.body.get("detail"), answer.body
